// Writes AIInteraction rows in bulk, idempotently: a row whose (trace_id, span_id) exists is skipped,
// so a retried batch, or a call seen by both the in-process exporter and the sink, is one row.
import type { InteractionRow } from '../telemetry/span-to-interaction';
import type { InteractionSink } from '../telemetry/types';
import type { PrismaClient } from './generated/client';

export class InteractionStore implements InteractionSink {
  constructor(private readonly prisma: PrismaClient) {}

  async insertMany(rows: readonly InteractionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { count } = await this.prisma.aIInteraction.createMany({
      data: rows.map((row) => ({ ...row })),
      skipDuplicates: true,
    });
    return count;
  }
}
