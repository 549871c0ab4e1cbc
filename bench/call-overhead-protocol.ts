// The messages between `npm run bench:overhead` and its measured processes.

/**
 * A, B and C are compared by the bars; D, E and G are diagnostics that split B's cost; F is ours exporting as
 * C does (OTLP to a collector) instead of writing rows in-process.
 */
export type Configuration =
  | 'bare'
  | 'spendtrace'
  | 'contrib'
  | 'spendtrace-no-export'
  | 'otel-floor'
  | 'spendtrace-otlp'
  | 'otel-floor-attributes';
export const OPERATIONS = ['chat', 'chat (streamed)', 'embeddings'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** The requests every configuration sends, one per operation. */
export const CHAT_BODY = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system' as const, content: 'You triage inbound sales email. Answer with one short sentence.' },
    { role: 'user' as const, content: 'Hi, we would like a quote for 40 seats. Could you call me tomorrow morning?' },
  ],
  max_tokens: 200,
};
// The same request for all three: streamed usage asked for, as the contrib instrumentation needs and as our
// client asks for itself.
export const STREAM_BODY = { ...CHAT_BODY, stream: true as const, stream_options: { include_usage: true } };
export const EMBEDDINGS_BODY = { model: 'text-embedding-3-small', input: 'Quote for 40 seats; call tomorrow morning.' };

/**
 * Latencies (ms) the local provider adds to each answer in the second part of the run, besides 0: where the
 * ratio bar is measured at the latencies of a real provider's fastest answers rather than loopback's ~1 ms.
 */
export const PROVIDER_LATENCIES_MS = [5, 20] as const;

export type ToWorker =
  /** Times `calls` calls per operation against the provider that adds `latencyMs` to each answer. */
  { type: 'round'; warmups: number; calls: number; latencyMs: number } | { type: 'finish' };

export interface OperationRound {
  /** Wall time of each measured call, ms. */
  wallMs: number[];
  /** CPU time (user + system) of the loop and of flushing its spans to the exporter, µs. */
  cpuUs: number;
}

export type FromWorker =
  | { type: 'ready'; versions: Record<string, string> }
  | { type: 'round'; results: Record<OperationName, OperationRound> }
  | { type: 'finished'; calls: number; recorded: number; what: string };
