// Writes AIInteraction rows in bulk, idempotently: a row whose (trace_id, span_id) exists is skipped,
// so a retried batch, or a call seen by both the in-process exporter and the sink, is one row.
import { RowsRejectedError } from '../telemetry/rows-rejected-error';
import { sourceKindOf } from '../telemetry/source-context';
import type { InteractionRow } from '../telemetry/span-to-interaction';
import type { InteractionSink } from '../telemetry/types';
import type { PrismaClient } from './generated/client';

export class InteractionStore implements InteractionSink {
  constructor(private readonly prisma: PrismaClient) {}

  /** Throws {@link RowsRejectedError} when the database refused a value in the rows; anything else as is. */
  async insertMany(rows: readonly InteractionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      const { count } = await this.prisma.aIInteraction.createMany({
        data: rows.map((row) => ({ ...row })),
        skipDuplicates: true,
      });
      return count;
    } catch (error) {
      const code = sqlStateOf(error);
      // Class 22 (data exception), 23 (integrity constraint) and 54 (program limit exceeded, such as an index
      // entry over 2,704 bytes): the rows, not the connection, are at fault.
      if (code?.startsWith('22') || code?.startsWith('23') || code?.startsWith('54')) {
        throw new RowsRejectedError(`the database refused the rows (SQLSTATE ${code})`, { cause: error });
      }
      throw error;
    }
  }

  /** Gives a trace's unattributed rows the source its root span revealed later. Returns the rows changed. */
  async attributeTrace(traceId: string, source: string): Promise<number> {
    const { count } = await this.prisma.aIInteraction.updateMany({
      where: { traceId, source: null },
      data: { source, sourceKind: sourceKindOf(source) },
    });
    return count;
  }
}

/** The Postgres SQLSTATE behind a Prisma driver-adapter error, when there is one. */
function sqlStateOf(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === 'string' ? code : undefined;
}
