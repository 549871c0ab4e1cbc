// Compares the AI calls a test sent with the rows the database holds: how many rows, how many distinct
// (trace id, span id) pairs, which calls have no row, which rows match no call, and rows with no source.
import { openDatabase } from '../../lib/db/database';

export interface RowLedger {
  rows: number;
  /** Distinct (trace_id, span_id): equal to rows unless a call was written twice. */
  distinct: number;
  /** Calls sent that have no row. */
  missing: number;
  /** Rows for no call that was sent. */
  unexpected: number;
  /** Rows whose source is null. */
  unattributed: number;
}

/**
 * `sent` holds `<trace id>:<span id>` of each AI call sent. `target` is a Postgres URL reached directly (not
 * through a proxy), or a PGlite data directory no other process has open.
 */
export async function rowLedger(
  target: { databaseUrl: string } | { dataDir: string },
  sent: readonly string[],
): Promise<RowLedger> {
  const db = await openDatabase(target);
  try {
    const rows = await db.prisma.aIInteraction.findMany({ select: { traceId: true, spanId: true, source: true } });
    const stored = new Set(rows.map((r) => `${r.traceId}:${r.spanId}`));
    const expected = new Set(sent);
    return {
      rows: rows.length,
      distinct: stored.size,
      missing: [...expected].filter((id) => !stored.has(id)).length,
      unexpected: [...stored].filter((id) => !expected.has(id)).length,
      unattributed: rows.filter((r) => r.source === null).length,
    };
  } finally {
    await db.close();
  }
}
