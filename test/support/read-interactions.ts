// Reads every AIInteraction row of a database, in call order, with cost as a fixed 12-decimal string.
import { openDatabase } from '../../lib/db/database';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';

/** A stored row without its generated and timing fields, cost as a fixed 12-decimal string. */
export type StoredInteraction = Omit<InteractionRow, 'startedAt' | 'durationMs' | 'attributes'> & {
  attributes: unknown;
};

export async function readInteractions(target: {
  databaseUrl?: string;
  dataDir?: string;
}): Promise<StoredInteraction[]> {
  const db = await openDatabase(target);
  try {
    const rows = await db.prisma.aIInteraction.findMany({ orderBy: [{ startedAt: 'asc' }, { spanId: 'asc' }] });
    return rows.map(({ id: _id, createdAt: _c, startedAt: _s, durationMs: _d, costUsd, ...rest }) => ({
      ...rest,
      costUsd: costUsd === null ? null : costUsd.toFixed(12),
    }));
  } finally {
    await db.close();
  }
}
