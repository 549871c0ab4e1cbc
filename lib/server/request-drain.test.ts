import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestDrain } from './request-drain';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** GET `path` through `agent` (keep-alive, one socket, so requests share a connection). */
function get(port: number, path: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
  });
}

/** Opens a connection and sends all of a GET but its last line; the returned function sends it and reads the answer. */
async function halfSent(port: number, path: string): Promise<() => Promise<string>> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n`);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return async () => {
    socket.write('\r\n');
    await closed;
    return text;
  };
}

describe('RequestDrain', () => {
  let server: http.Server | undefined;
  const agents: http.Agent[] = [];

  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    for (const agent of agents) agent.destroy();
  });

  /** A server whose `/slow?ms` answers after that many ms, and `/` at once. */
  async function serve(drain: RequestDrain): Promise<number> {
    server = http.createServer(
      drain.wrap((req, res) => {
        const ms = Number(req.url?.split('?')[1] ?? 0);
        setTimeout(() => res.end(`done ${req.url}`), ms);
      }),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  function keepAlive(): http.Agent {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  }

  describe('wrap', () => {
    it('answers the health path itself and counts the requests being answered', async () => {
      const drain = new RequestDrain({ healthPath: '/healthz' });
      const port = await serve(drain);
      const agent = keepAlive();
      expect(await get(port, '/healthz', agent)).toEqual({
        status: 200,
        connection: 'keep-alive',
        body: '{"status":"ok"}',
      });
      const slow = get(port, '/slow?300', keepAlive());
      await new Promise((r) => setTimeout(r, 100));
      expect(drain.inFlight).toBe(1);
      expect(await slow).toEqual({ status: 200, connection: 'keep-alive', body: 'done /slow?300' });
      expect(drain.inFlight).toBe(0);
    });

    it('passes the health path on when none is set', async () => {
      const port = await serve(new RequestDrain());
      expect((await get(port, '/healthz', keepAlive())).body).toBe('done /healthz');
    });
  });

  describe('drain', () => {
    it('lets requests in flight finish and refuses new connections', async () => {
      const drain = new RequestDrain({ healthPath: '/healthz' });
      const port = await serve(drain);
      const srv = server as http.Server;
      // A connection the client keeps open: its next request arrives during the drain.
      const kept = keepAlive();
      expect((await get(port, '/', kept)).status).toBe(200);
      const slow = get(port, '/slow?400', keepAlive());
      await new Promise((r) => setTimeout(r, 50));

      const drained = drain.drain(srv, 5_000);
      expect(drain.isDraining).toBe(true);
      const refusedConnection = await get(port, '/', keepAlive()).catch(
        (e: unknown) => (e as NodeJS.ErrnoException).code,
      );
      expect(refusedConnection).toBe('ECONNREFUSED');

      expect(await slow).toEqual({ status: 200, connection: 'close', body: 'done /slow?400' });
      const result = await drained;
      expect(result.cut).toBe(0);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
      expect(srv.listening).toBe(false);
    });

    it('tells a client whose answer is still to come not to reuse its connection', async () => {
      const drain = new RequestDrain({ healthPath: '/healthz' });
      const port = await serve(drain);
      const agent = keepAlive();
      const first = get(port, '/slow?300', agent);
      await new Promise((r) => setTimeout(r, 50));
      const drained = drain.drain(server as http.Server, 5_000);
      expect(await first).toEqual({ status: 200, connection: 'close', body: 'done /slow?300' });
      await drained;
      expect(drain.inFlight).toBe(0);
    });

    it('refuses with 503 a request that was still arriving when the drain began, and says draining on the health path', async () => {
      const drain = new RequestDrain({ healthPath: '/healthz', refusal: { code: 14, message: 'retry' } });
      const port = await serve(drain);
      const slow = get(port, '/slow?300', keepAlive());
      // Two requests whose headers are half sent: a connection in the middle of a request is not idle, so the
      // drain does not close it, and the request completes after the drain began.
      const half = await Promise.all([halfSent(port, '/'), halfSent(port, '/healthz')]);
      await new Promise((r) => setTimeout(r, 50));
      const drained = drain.drain(server as http.Server, 5_000);
      const [work = '', health = ''] = await Promise.all(half.map((finish) => finish()));
      expect(work).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(work).toContain('\r\nconnection: close\r\n');
      expect(work).toContain('\r\nretry-after: 1\r\n');
      expect(work.endsWith('\r\n\r\n{"code":14,"message":"retry"}')).toBe(true);
      expect(health).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(health.endsWith('\r\n\r\n{"status":"draining"}')).toBe(true);
      await slow;
      expect((await drained).cut).toBe(0);
    });

    it('cuts what is still unanswered when the grace period runs out, and says how many', async () => {
      const drain = new RequestDrain();
      const port = await serve(drain);
      const stuck = [get(port, '/slow?60000', keepAlive()), get(port, '/slow?60000', keepAlive())].map((p) =>
        p.then(
          () => 'answered',
          (e: unknown) => (e as NodeJS.ErrnoException).code,
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      const result = await drain.drain(server as http.Server, 300);
      expect(result.cut).toBe(2);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(290);
      expect(result.elapsedMs).toBeLessThan(2_000);
      expect(await Promise.all(stuck)).toEqual(['ECONNRESET', 'ECONNRESET']);
    });

    it('returns at once with nothing in flight', async () => {
      const drain = new RequestDrain();
      await serve(drain);
      const result = await drain.drain(server as http.Server, 10_000);
      expect(result.cut).toBe(0);
      expect(result.elapsedMs).toBeLessThan(1_000);
    });
  });
});
