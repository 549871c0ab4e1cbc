// The messages between `npm run bench:overhead` and its measured processes.

/** A, B and C are compared by the bars; the last two are diagnostics that split B's cost. */
export type Configuration = 'bare' | 'spendtrace' | 'contrib' | 'spendtrace-no-export' | 'otel-floor';
export const OPERATIONS = ['chat', 'chat (streamed)', 'embeddings'] as const;
export type OperationName = (typeof OPERATIONS)[number];

export type ToWorker = { type: 'round'; warmups: number; calls: number } | { type: 'finish' };

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
