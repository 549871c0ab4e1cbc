// A TCP proxy in front of a database, which a test can cut and restore to simulate an outage as a
// client sees it: connections reset, new ones refused; or slow down, delaying every chunk both ways.
import net from 'node:net';

export interface TcpProxyOptions {
  /** Delay added to each chunk, in each direction, in ms (a round trip gains twice this). Default 0. */
  latencyMs?: number;
}

export interface TcpProxy {
  port: number;
  /** Destroys every open connection and stops listening: clients get resets, then refusals. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Changes the delay of chunks read from now on, on open connections too; order is kept. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  let latencyMs = options.latencyMs ?? 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream, () => latencyMs);
    forward(upstream, client, () => latencyMs);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (server.listening) server.close(() => resolve());
      else resolve();
    });
  return {
    port,
    cut: stop,
    restore: async () => {
      await listen(port);
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    close: stop,
  };
}

/**
 * Copies `from` to `to`, each chunk no earlier than `latency()` ms after it was read and never before the
 * chunk read ahead of it. Without latency and nothing queued, chunks go straight through, as a pipe would.
 */
function forward(from: net.Socket, to: net.Socket, latency: () => number): void {
  const queue: { due: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const pump = () => {
    timer = undefined;
    for (let head = queue[0]; head; head = queue[0]) {
      const wait = head.due - Date.now();
      if (wait > 0) {
        timer = setTimeout(pump, wait);
        return;
      }
      queue.shift();
      if (!to.destroyed) to.write(head.chunk);
    }
    if (ended && !to.destroyed) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    const ms = latency();
    if (ms <= 0 && queue.length === 0) {
      // As pipe() does: stop reading while the other side cannot take more.
      if (!to.destroyed && !to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      return;
    }
    const last = queue[queue.length - 1];
    queue.push({ due: Math.max(Date.now() + ms, last?.due ?? 0), chunk });
    timer ??= setTimeout(pump, 0);
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && !to.destroyed) to.end();
  });
}
