import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** An echo server: every byte it reads goes back. */
async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends each message (waiting `gapMs` between them) and resolves with all bytes echoed, and the time taken. */
async function exchange(port: number, messages: string[], gapMs = 0): Promise<{ text: string; ms: number }> {
  const expected = messages.join('').length;
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  let text = '';
  const done = new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.length >= expected) resolve();
    }),
  );
  for (const m of messages) {
    socket.write(m);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  await done;
  const ms = Date.now() - started;
  socket.destroy();
  return { text, ms };
}

describe('startTcpProxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let proxy: TcpProxy | undefined;

  beforeEach(async () => {
    echo = await startEcho();
  });

  afterEach(async () => {
    await proxy?.close();
    await echo.close();
  });

  describe('without latency', () => {
    it('passes bytes both ways', async () => {
      proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
      expect((await exchange(proxy.port, ['ping'])).text).toBe('ping');
    });
  });

  describe('latencyMs', () => {
    it('delays each chunk in each direction, so a round trip takes at least twice the latency', async () => {
      proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port }, { latencyMs: 100 });
      const { text, ms } = await exchange(proxy.port, ['ping']);
      expect(text).toBe('ping');
      expect(ms).toBeGreaterThanOrEqual(200);
    });

    it('keeps the order of chunks', async () => {
      proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port }, { latencyMs: 30 });
      const messages = Array.from({ length: 20 }, (_, i) => `<${i}>`);
      expect((await exchange(proxy.port, messages, 2)).text).toBe(messages.join(''));
    });
  });

  describe('setLatency', () => {
    it('slows down and speeds up an open connection without reordering it', async () => {
      proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
      const socket = net.connect(proxy.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      proxy.setLatency(150);
      const slowSent = Date.now();
      socket.write('a');
      // Let the proxy read `a` while the latency is on.
      await new Promise((r) => setTimeout(r, 30));
      proxy.setLatency(0);
      // Sent later with no latency, yet it must not overtake `a`.
      socket.write('b');
      await new Promise<void>((resolve) => {
        const check = () => (text.length >= 2 ? resolve() : setTimeout(check, 5));
        check();
      });
      expect(text).toBe('ab');
      expect(Date.now() - slowSent).toBeGreaterThanOrEqual(150);
      socket.destroy();
    });
  });
});
