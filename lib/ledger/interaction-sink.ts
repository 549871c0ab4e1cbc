// The port rows are written through: the in-process exporter and the collector sink write to it, the
// database's interaction store implements it.
import type { InteractionRow } from './span-to-interaction';

/** Where the exporter writes rows. Implemented by `lib/db/interaction-store.ts`. */
export interface InteractionSink {
  /** Inserts rows, skipping any whose (traceId, spanId) exists. Returns how many were new. Throws when the database is unreachable. */
  insertMany(rows: readonly InteractionRow[]): Promise<number>;
}
