// Writes the rows of concurrent requests together. While an INSERT runs, the rows of the requests that arrive
// wait, then go in one statement: fewer, larger statements run the rollup trigger fewer times, and one writer
// at a time never waits on the rollup's row locks held by another of the sink's own inserts. Each request
// still waits for its own rows, so a 200 still means they are stored.
import type { InteractionStore } from '../lib/db/interaction-store';
import { insertIsolatingRejected } from '../lib/telemetry/insert-isolating-rejected';
import type { RowsRejectedError } from '../lib/telemetry/rows-rejected-error';
import type { InteractionRow } from '../lib/telemetry/span-to-interaction';

export interface RejectedRow {
  row: InteractionRow;
  error: RowsRejectedError;
}

export interface CoalescingWriterOptions {
  /** Rows per INSERT; one request's rows beyond it go in several. Default 2000. */
  maxRows?: number;
  /** Told how many rows each INSERT added (duplicates of stored rows are not added). */
  onWritten?: (rows: number) => void;
}

interface Pending {
  rows: readonly InteractionRow[];
  rejected: RejectedRow[];
  resolve: (rejected: RejectedRow[]) => void;
  reject: (error: unknown) => void;
}

export class CoalescingWriter {
  private readonly queue: Pending[] = [];
  private writing = false;
  private readonly maxRows: number;

  constructor(
    private readonly store: Pick<InteractionStore, 'insertMany'>,
    private readonly options: CoalescingWriterOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 2000;
  }

  /**
   * Stores `rows` (with other requests' rows when they come together). Resolves to the rows the database
   * refused, each isolated from the others; rejects when the database could not be written at all.
   */
  write(rows: readonly InteractionRow[]): Promise<RejectedRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, rejected: [], resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        // Whole requests, as many as fit in maxRows; at least one, even when it alone is larger.
        let size = 0;
        let count = 0;
        for (const pending of this.queue) {
          if (count > 0 && size + pending.rows.length > this.maxRows) break;
          size += pending.rows.length;
          count++;
        }
        await this.flush(this.queue.splice(0, count));
      }
    } finally {
      this.writing = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const owner = new Map<InteractionRow, Pending>();
    const rows: InteractionRow[] = [];
    for (const pending of batch) {
      for (const row of pending.rows) {
        owner.set(row, pending);
        rows.push(row);
      }
    }
    try {
      for (let i = 0; i < rows.length; i += this.maxRows) {
        const written = await insertIsolatingRejected(this.store, rows.slice(i, i + this.maxRows), (row, error) =>
          owner.get(row)?.rejected.push({ row, error }),
        );
        this.options.onWritten?.(written);
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const pending of batch) pending.resolve(pending.rejected);
  }
}
