// Public types of the local provider: its options (each default stated here), the requests it records, and the
// handle `startLocalProvider` returns.

export interface LocalProviderOptions {
  /** Port to listen on. Default 0 (an ephemeral port). */
  port?: number;
  /** Host. Default '127.0.0.1'. */
  host?: string;
  /** Added latency before each response, in ms. Default 0. */
  latencyMs?: number;
  /** Delay between streamed chunks, ms. Default 0. */
  chunkDelayMs?: number;
}

export interface LocalProviderRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

export interface LocalProvider {
  /** Base URL for the openai SDK's `baseURL` (and @ai-sdk/anthropic's), e.g. 'http://127.0.0.1:34567/v1'. */
  url: string;
  /** Every request received, in order. IDs in answers carry the request's 1-based position here. */
  requests: LocalProviderRequest[];
  /**
   * Make the next `count` requests (default 1) fail with this HTTP status and an OpenAI-shaped error
   * body ({error:{message,type,param,code}}), or on /v1/messages an Anthropic-shaped one
   * ({type:'error',error:{type,message}}, no code); 429 adds retry-after headers.
   */
  failNext(status: number, count?: number, opts?: { message?: string; type?: string; code?: string }): void;
  /** Make the next `count` requests (default 1) hang for ms before answering (to exercise client timeouts). */
  delayNext(ms: number, count?: number): void;
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
}
