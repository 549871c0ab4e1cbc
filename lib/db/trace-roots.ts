// What the collector sink knows of traces, in the database rather than in a process: the source each root
// SERVER span gave (trace_root), and the rows written before their root arrived (ai_interaction rows with no
// source). Any number of sink replicas share it, so a trace's rows are the same whichever replica gets which
// span, and a restart forgets nothing.
import { sourceKindOf } from '../ledger/source-rules';
import type { Database } from './database';

/** Statements run straight on the driver: the sink's hot path, like the interaction store's insert. */
type Driver = Pick<Database, 'execute' | 'query'>;

/** How long a root's source is kept for AI spans that arrive after it. */
export const DEFAULT_ROOT_TTL_MS = 15 * 60_000;

export class TraceRootStore {
  constructor(private readonly db: Driver) {}

  /** Records each trace's root source (normalized, as rows hold it). A trace's first root wins. */
  async remember(roots: ReadonlyMap<string, string>): Promise<void> {
    if (roots.size === 0) return;
    const records = JSON.stringify(
      [...roots].map(([trace_id, source]) => ({ trace_id, source, source_kind: sourceKindOf(source) })),
    );
    // In trace order, so two replicas recording overlapping roots lock them in one order.
    await this.db.execute(
      `INSERT INTO trace_root (trace_id, source, source_kind)
      SELECT r.trace_id, r.source, r.source_kind
      FROM json_to_recordset($1::json) AS r(trace_id text, source text, source_kind "SourceKind")
      ORDER BY r.trace_id
      ON CONFLICT (trace_id) DO NOTHING`,
      [records],
    );
  }

  /** The recorded root source of each of `traceIds` that has one. */
  async sourcesOf(traceIds: readonly string[]): Promise<Map<string, string>> {
    if (traceIds.length === 0) return new Map();
    const rows = await this.db.query<{ trace_id: string; source: string }>(
      `SELECT trace_id, source FROM trace_root WHERE trace_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(traceIds)],
    );
    return new Map(rows.map((r) => [r.trace_id, r.source]));
  }

  /**
   * Gives the unattributed rows of `traceIds` their trace's recorded root source; returns how many changed.
   * Run after the caller's own writes (rows or roots) are committed: whichever of a root and a trace's rows is
   * committed second, the replica that wrote it sees the other here, so no row is left behind.
   */
  async attribute(traceIds: readonly string[]): Promise<number> {
    if (traceIds.length === 0) return 0;
    // In the database (migration 20261205080000): it looks for awaiting rows through the partial index of them
    // and updates only when it finds some, with plans kept for the session.
    const [result] = await this.db.query<{ changed: number }>(
      `SELECT ai_attribute_awaiting(ARRAY(SELECT jsonb_array_elements_text($1::jsonb))) AS changed`,
      [JSON.stringify([...traceIds].sort())],
    );
    return result?.changed ?? 0;
  }

  /** Forgets roots first seen before `cutoff`; returns how many. Idempotent: every replica may run it. */
  async expire(cutoff: Date): Promise<number> {
    return this.db.execute('DELETE FROM trace_root WHERE seen_at < $1', [cutoff]);
  }
}
