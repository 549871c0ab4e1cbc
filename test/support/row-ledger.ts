// Compares the AI calls a test sent with the rows the database holds: how many rows, how many distinct
// (trace id, span id) pairs, which calls have no row, which rows match no call, and rows with no source.
import pg from 'pg';

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

/** `sent` holds `<trace id>:<span id>` of each AI call sent; read directly, not through any proxy. */
export async function rowLedger(databaseUrl: string, sent: readonly string[]): Promise<RowLedger> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ trace_id: string; span_id: string; source: string | null }>(
      'SELECT trace_id, span_id, source FROM ai_interaction',
    );
    const stored = new Set(rows.map((r) => `${r.trace_id}:${r.span_id}`));
    const expected = new Set(sent);
    return {
      rows: rows.length,
      distinct: stored.size,
      missing: [...expected].filter((id) => !stored.has(id)).length,
      unexpected: [...stored].filter((id) => !expected.has(id)).length,
      unattributed: rows.filter((r) => r.source === null).length,
    };
  } finally {
    await client.end();
  }
}
