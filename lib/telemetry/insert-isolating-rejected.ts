// Inserts rows so that a row the database refuses cannot hold back the others: when a batch is refused,
// it is halved until each refused row is alone, reported and skipped. Any other error (the database is
// unreachable) propagates, and the caller retries the batch; inserts are idempotent, so that is safe.
import { RowsRejectedError } from '../ledger/rows-rejected-error';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { InteractionSink } from '../ledger/interaction-sink';

/** Returns how many rows were new. */
export async function insertIsolatingRejected(
  sink: InteractionSink,
  rows: readonly InteractionRow[],
  onRejected: (row: InteractionRow, error: RowsRejectedError) => void,
): Promise<number> {
  try {
    return await sink.insertMany(rows);
  } catch (error) {
    if (!(error instanceof RowsRejectedError)) throw error;
    const [only] = rows;
    if (rows.length === 1 && only) {
      onRejected(only, error);
      return 0;
    }
    const middle = Math.ceil(rows.length / 2);
    return (
      (await insertIsolatingRejected(sink, rows.slice(0, middle), onRejected)) +
      (await insertIsolatingRejected(sink, rows.slice(middle), onRejected))
    );
  }
}
