// Sends OTLP/HTTP trace requests as the OpenTelemetry Collector's otlp_http exporter does: a sending queue
// drained by a fixed number of consumers, each retrying its request on 429, 502, 503, 504 or a failed
// connection until it is answered otherwise, waiting the longer of its exponential backoff and Retry-After.
// It counts what happened, so a fault test can compare the calls it made with the rows written.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** The statuses the Collector's OTLP/HTTP exporter retries; any other answer is final. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export interface OtlpRetryingClientOptions {
  /** The OTLP/HTTP traces endpoint, `http://host:port/v1/traces`. */
  url: string;
  /** Sent with every attempt, e.g. `authorization`. */
  headers?: Record<string, string>;
  /** Requests sent at once, as the Collector's `sending_queue.num_consumers`. Default 10. */
  consumers?: number;
  /** The first backoff. Default 250 ms. */
  initialIntervalMs?: number;
  /** Each backoff is the previous one times this. Default 1.5, as the Collector's. */
  multiplier?: number;
  /** The longest backoff. Default 2,000 ms. */
  maxIntervalMs?: number;
  /** A backoff is drawn uniformly within ± this fraction of itself. Default 0.5, as the Collector's. */
  randomizationFactor?: number;
  /** How long one attempt may take before it is abandoned and retried. Default 30 s. */
  attemptTimeoutMs?: number;
  /** How long a request is retried, from its first attempt, before it is given up. Default 120 s. */
  maxElapsedMs?: number;
  /** Gzip the body, as the deployed Collector does (`compression: gzip`). Default true. */
  gzip?: boolean;
  /** For tests of the client itself. Defaults: a timer, Math.random, Date.now. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** How one request ended: the final status, or 'gave up' when its retries ran out. */
export interface RequestOutcome {
  status: number | 'gave up';
  attempts: number;
  /** From the moment it was queued to its final answer, queueing included. */
  waitedMs: number;
}

/** Counts over every request sent so far. */
export interface ClientFigures {
  /** Requests queued. */
  requests: number;
  /** Attempts beyond each request's first. */
  retries: number;
  /** Answers received, by HTTP status. */
  answers: Record<number, number>;
  /** Attempts that got no answer, by error code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, TimeoutError…). */
  connectionErrors: Record<string, number>;
  /** The longest any request waited from being queued to its final answer. */
  maxWaitMs: number;
  /** The most attempts any request took. */
  maxAttempts: number;
}

/** What an attempt that got no answer failed with: the socket error's code, else the error's name. */
function errorCodeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.name === 'string' && cause.name !== 'Error') return cause.name;
  return error instanceof Error ? error.name : 'unknown';
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class OtlpRetryingClient {
  private readonly queue: { body: Uint8Array; queuedAt: number; done: (outcome: RequestOutcome) => void }[] = [];
  private busy = 0;
  private inFlightNow = 0;
  private readonly counts: ClientFigures = {
    requests: 0,
    retries: 0,
    answers: {},
    connectionErrors: {},
    maxWaitMs: 0,
    maxAttempts: 0,
  };
  private readonly pending = new Set<Promise<RequestOutcome>>();

  constructor(private readonly options: OtlpRetryingClientOptions) {}

  /** Queues a serialized ExportTraceServiceRequest; resolves when it is finally answered or given up. */
  send(body: Uint8Array): Promise<RequestOutcome> {
    this.counts.requests += 1;
    const outcome = new Promise<RequestOutcome>((resolve) => {
      this.queue.push({ body, queuedAt: this.now(), done: resolve });
    });
    this.pending.add(outcome);
    void outcome.then(() => this.pending.delete(outcome));
    this.pump();
    return outcome;
  }

  /** Resolves once every request queued so far has its outcome. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Attempts sent and not yet answered. */
  inFlight(): number {
    return this.inFlightNow;
  }

  figures(): ClientFigures {
    return {
      ...this.counts,
      answers: { ...this.counts.answers },
      connectionErrors: { ...this.counts.connectionErrors },
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private pump(): void {
    const consumers = this.options.consumers ?? 10;
    while (this.busy < consumers && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next === undefined) break;
      this.busy += 1;
      void this.deliver(next.body, next.queuedAt).then((outcome) => {
        this.busy -= 1;
        next.done(outcome);
        this.pump();
      });
    }
  }

  private async deliver(body: Uint8Array, queuedAt: number): Promise<RequestOutcome> {
    const o = this.options;
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = o.random ?? Math.random;
    const factor = o.randomizationFactor ?? 0.5;
    const maxInterval = o.maxIntervalMs ?? 2_000;
    const payload = (o.gzip ?? true) ? await gzipAsync(body) : Buffer.from(body);
    const headers: Record<string, string> = {
      ...o.headers,
      'content-type': 'application/x-protobuf',
      ...((o.gzip ?? true) && { 'content-encoding': 'gzip' }),
    };
    const firstAttemptAt = this.now();
    let interval = o.initialIntervalMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      let status: number | undefined;
      let retryAfter: number | undefined;
      this.inFlightNow += 1;
      try {
        const res = await fetch(o.url, {
          method: 'POST',
          headers,
          body: payload,
          signal: AbortSignal.timeout(o.attemptTimeoutMs ?? 30_000),
        });
        await res.arrayBuffer();
        status = res.status;
        retryAfter = retryAfterMs(res.headers.get('retry-after'), this.now());
        this.counts.answers[status] = (this.counts.answers[status] ?? 0) + 1;
      } catch (error) {
        const code = errorCodeOf(error);
        this.counts.connectionErrors[code] = (this.counts.connectionErrors[code] ?? 0) + 1;
      } finally {
        this.inFlightNow -= 1;
      }
      const final = status !== undefined && !RETRYABLE_STATUSES.has(status) ? status : undefined;
      // Like the Collector: the backoff, randomized, but never shorter than the server's Retry-After.
      const backoff = interval * (1 + factor * (2 * random() - 1));
      const delay = Math.max(backoff, retryAfter ?? 0);
      const givingUp = final === undefined && this.now() + delay - firstAttemptAt > (o.maxElapsedMs ?? 120_000);
      if (final !== undefined || givingUp) {
        const outcome: RequestOutcome = {
          status: final ?? 'gave up',
          attempts: attempt,
          waitedMs: this.now() - queuedAt,
        };
        this.counts.maxWaitMs = Math.max(this.counts.maxWaitMs, outcome.waitedMs);
        this.counts.maxAttempts = Math.max(this.counts.maxAttempts, attempt);
        return outcome;
      }
      this.counts.retries += 1;
      await sleep(delay);
      interval = Math.min(interval * (o.multiplier ?? 1.5), maxInterval);
    }
  }
}
