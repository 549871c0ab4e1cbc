// Reads the AIInteraction table back in the shape the exporter writes, to compare with expected rows exactly.
import type { PrismaClient } from '../../lib/db/generated/client';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';

/** Every row in the table, as an InteractionRow (cost as a 12-decimal string), ordered by span id. */
export async function storedRows(prisma: PrismaClient): Promise<InteractionRow[]> {
  const rows = await prisma.aIInteraction.findMany({ orderBy: [{ spanId: 'asc' }, { traceId: 'asc' }] });
  return rows.map(({ id: _id, createdAt: _createdAt, costUsd, attributes, serviceVersion, ...rest }) => ({
    ...rest,
    costUsd: costUsd === null ? null : costUsd.toFixed(12),
    attributes: attributes as InteractionRow['attributes'],
    // As the mapping leaves it: absent when the span's resource has no service.version.
    ...(serviceVersion === null ? {} : { serviceVersion }),
  }));
}
