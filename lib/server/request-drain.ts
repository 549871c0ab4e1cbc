// Counts an HTTP server's requests in flight so that a stop can let them finish: once draining, the
// server takes no new connection, answers a request that still arrives on an open keep-alive connection
// with 503 and `Connection: close`, and waits for the rest, up to a grace period.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface DrainResult {
  /** Requests still unanswered when the grace period ran out; their connections were closed. */
  cut: number;
  /** How long the drain took. */
  elapsedMs: number;
}

export interface RequestDrainOptions {
  /**
   * A path answered here, `{"status":"ok"}` or, once draining, 503 `{"status":"draining"}`, so that a load
   * balancer stops sending as soon as a stop begins. Default: none (the wrapped handler answers every path).
   */
  healthPath?: string;
  /** The JSON body of the 503 that refuses a request while draining. Default `{"error": "The server is shutting down; ..."}`. */
  refusal?: object;
}

export class RequestDrain {
  private readonly open = new Set<ServerResponse>();
  private draining = false;
  private onIdle: (() => void) | undefined;
  private readonly healthPath: string | undefined;
  private readonly refusal: object;

  constructor(options: RequestDrainOptions = {}) {
    this.healthPath = options.healthPath;
    this.refusal = options.refusal ?? {
      error: 'The server is shutting down; send the request again (to another instance).',
    };
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.open.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Wraps `handler`: answers the health path, refuses new requests while draining, counts the rest. */
  wrap(handler: RequestHandler): RequestHandler {
    return (req, res) => {
      if (req.url === this.healthPath && (req.method === 'GET' || req.method === 'HEAD')) {
        this.answer(res, this.draining ? 503 : 200, { status: this.draining ? 'draining' : 'ok' });
        return;
      }
      if (this.draining) {
        this.answer(res, 503, this.refusal);
        return;
      }
      this.open.add(res);
      res.once('close', () => this.finished(res));
      return handler(req, res);
    };
  }

  /**
   * Stops `server` taking connections and waits until every request in flight is answered, or `graceMs`
   * passes; then closes whatever connections are left. Resolves once the server is closed.
   */
  async drain(server: Server, graceMs: number): Promise<DrainResult> {
    const started = Date.now();
    this.draining = true;
    // Answers not yet begun tell their clients not to reuse the connection.
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    if (this.open.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.onIdle = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
    }
    clearTimeout(timer);
    const cut = this.open.size;
    server.closeAllConnections();
    await closed;
    return { cut, elapsedMs: Date.now() - started };
  }

  private finished(res: ServerResponse): void {
    this.open.delete(res);
    if (!this.draining) return;
    // An answer that began before the stop kept its keep-alive connection: close it now that it is idle.
    if (res.socket && !res.socket.destroyed) res.socket.end();
    if (this.open.size === 0) this.onIdle?.();
  }

  private answer(res: ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      ...(this.draining ? { connection: 'close', 'retry-after': '1' } : {}),
    });
    res.end(text);
  }
}
