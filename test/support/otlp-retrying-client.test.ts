// OtlpRetryingClient against a real local HTTP server answering from a script: what it retries, how long it
// waits (its sleeps are recorded, not slept), when it gives up, and how many requests it sends at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/free-port';
import { OtlpRetryingClient, type OtlpRetryingClientOptions } from './otlp-retrying-client';
import { poll } from './poll';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Answer = (req: Received, res: ServerResponse) => void;

const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) =>
    res.writeHead(code, headers).end();

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

/** A server that answers its nth request with `answers[n]` (the last one for any after); it records each. */
async function scriptedServer(answers: Answer[], port = 0): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      const answer = answers[Math.min(received.length, answers.length) - 1];
      answer?.(r, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

/** Options whose sleeps are recorded and return at once, with no randomization unless `random` is given. */
function recordingSleeps(options: Partial<OtlpRetryingClientOptions> = {}) {
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      gzip: false,
      initialIntervalMs: 250,
      multiplier: 2,
      maxIntervalMs: 1_000,
      random: () => 0.5,
      sleep: (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...options,
    },
  };
}

const BODY = new Uint8Array([10, 2, 8, 1]);

describe('OtlpRetryingClient', () => {
  describe('send', () => {
    it('sends the body as protobuf, gzipped, with the given headers', async () => {
      const server = await scriptedServer([status(200)]);
      const client = new OtlpRetryingClient({ url: server.url, headers: { authorization: 'Bearer t' } });

      expect(await client.send(BODY)).toEqual({ status: 200, attempts: 1, waitedMs: expect.any(Number) });
      const [request] = server.received;
      expect(request?.headers).toMatchObject({
        authorization: 'Bearer t',
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      });
      expect(new Uint8Array(gunzipSync(request?.body ?? Buffer.alloc(0)))).toEqual(BODY);
    });

    it('retries 503 and 429, waiting the longer of its doubling backoff (capped) and Retry-After', async () => {
      const server = await scriptedServer([
        status(503, { 'retry-after': '1' }),
        status(503),
        status(429),
        status(503),
        status(200),
      ]);
      const { sleeps, options } = recordingSleeps();
      const client = new OtlpRetryingClient({ url: server.url, ...options });

      expect(await client.send(BODY)).toEqual({ status: 200, attempts: 5, waitedMs: expect.any(Number) });
      // Backoffs 250, 500, 1000, 1000 (the cap); the first is stretched to the 1 s Retry-After.
      expect(sleeps).toEqual([1_000, 500, 1_000, 1_000]);
      expect(client.figures()).toEqual({
        requests: 1,
        retries: 4,
        answers: { 200: 1, 429: 1, 503: 3 },
        connectionErrors: {},
        maxWaitMs: expect.any(Number),
        maxAttempts: 5,
      });
    });

    it('draws each backoff within ± the randomization factor', async () => {
      const server = await scriptedServer([status(502), status(504), status(200)]);
      const draws = [0, 1];
      const { sleeps, options } = recordingSleeps({ randomizationFactor: 0.5, random: () => draws.shift() ?? 0.5 });
      const client = new OtlpRetryingClient({ url: server.url, ...options });

      expect((await client.send(BODY)).status).toBe(200);
      expect(sleeps).toEqual([125, 750]);
    });

    it('retries a refused connection until the server listens', async () => {
      const port = await freePort();
      const { sleeps, options } = recordingSleeps({
        sleep: async (ms) => {
          sleeps.push(ms);
          if (sleeps.length === 2) await scriptedServer([status(200)], port);
        },
      });
      const client = new OtlpRetryingClient({ url: `http://127.0.0.1:${port}/v1/traces`, ...options });

      expect(await client.send(BODY)).toEqual({ status: 200, attempts: 3, waitedMs: expect.any(Number) });
      expect(sleeps).toEqual([250, 500]);
      expect(client.figures().connectionErrors).toEqual({ ECONNREFUSED: 2 });
    });

    it('does not retry an answer a retry cannot fix', async () => {
      const server = await scriptedServer([status(400), status(200)]);
      const { sleeps, options } = recordingSleeps();
      const client = new OtlpRetryingClient({ url: server.url, ...options });

      expect(await client.send(BODY)).toEqual({ status: 400, attempts: 1, waitedMs: expect.any(Number) });
      expect(sleeps).toEqual([]);
      expect(server.received).toHaveLength(1);
    });

    it('gives a request up when the next wait would take it past maxElapsedMs', async () => {
      const server = await scriptedServer([status(503)]);
      let clock = 0;
      const { sleeps, options } = recordingSleeps({
        maxElapsedMs: 2_000,
        now: () => clock,
        sleep: (ms) => {
          sleeps.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      });
      const client = new OtlpRetryingClient({ url: server.url, ...options });

      // Attempts at 0, 250, 750 and 1,750 ms; a fifth would be at 2,750, past the 2 s.
      expect(await client.send(BODY)).toEqual({ status: 'gave up', attempts: 4, waitedMs: 1_750 });
      expect(sleeps).toEqual([250, 500, 1_000]);
    });
  });

  describe('consumers', () => {
    it('sends at most `consumers` requests at once, in the order they were queued', async () => {
      const held: ServerResponse[] = [];
      const server = await scriptedServer([(_req, res) => held.push(res)]);
      const client = new OtlpRetryingClient({ url: server.url, consumers: 3, gzip: false });

      const outcomes = Array.from({ length: 5 }, (_, i) => client.send(new Uint8Array([i])));
      expect(
        await poll(
          () => server.received.length,
          (n) => n === 3,
        ),
      ).toBe(3);
      expect(client.inFlight()).toBe(3);
      held.shift()?.writeHead(200).end();
      expect(
        await poll(
          () => server.received.length,
          (n) => n === 4,
        ),
      ).toBe(4);
      expect(client.inFlight()).toBe(3);
      for (;;) {
        const res = held.shift();
        if (res) res.writeHead(200).end();
        else if (server.received.length === 5 && client.inFlight() === 0) break;
        else await new Promise((r) => setTimeout(r, 10));
      }

      expect((await Promise.all(outcomes)).map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
      // The first three race each other to the server; the fourth is sent only when one of them is answered.
      const order = server.received.map((r) => r.body[0]);
      expect([...order.slice(0, 3)].sort()).toEqual([0, 1, 2]);
      expect(order.slice(3)).toEqual([3, 4]);
      await client.drain();
      expect(client.figures().requests).toBe(5);
    });
  });
});
