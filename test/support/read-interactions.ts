// Reads every AIInteraction row of a database, in call order, with cost as a fixed 12-decimal string.
import { openDatabase } from '../../lib/db/database';

export interface StoredInteraction {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  source: string | null;
  sourceKind: string;
  featureId: string | null;
  operation: string;
  provider: string;
  requestModel: string | null;
  responseModel: string | null;
  inputTokens: number | null;
  cachedInputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  totalTokens: number | null;
  costUsd: string | null;
  costStatus: string;
  priceRef: string | null;
  streamed: boolean;
  status: string;
  errorType: string | null;
  serviceName: string | null;
  attributes: unknown;
}

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
