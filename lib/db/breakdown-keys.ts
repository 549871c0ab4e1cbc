// The developer attribute keys the customers breakdown rolls up (ai_attribute_daily), kept equal to the
// configured list. A key added later gets its history from the calls already stored, so its totals are whole.
import type { PrismaClient } from './generated/client';

export interface BreakdownKeyChanges {
  added: string[];
  removed: string[];
}

/**
 * Makes `ai_breakdown_key` hold exactly `keys`. A new key is filled in from `ai_interaction` and `ai_request`
 * while writers wait (a SHARE lock on ai_interaction), so no call is counted twice or missed; a removed key's
 * totals and blocks of days are deleted. Concurrent callers are safe: each key is added or removed once.
 */
export async function syncBreakdownKeys(prisma: PrismaClient, keys: readonly string[]): Promise<BreakdownKeyChanges> {
  const wanted = new Set(keys);
  const current = await prisma.aIBreakdownKey.findMany({ select: { key: true } });
  const have = new Set(current.map((k) => k.key));
  const added = [...wanted].filter((k) => !have.has(k)).sort();
  const removed = [...have].filter((k) => !wanted.has(k)).sort();
  if (added.length === 0 && removed.length === 0) return { added, removed };
  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('LOCK TABLE ai_interaction IN SHARE MODE');
    for (const key of removed) {
      await tx.$executeRaw`DELETE FROM ai_breakdown_key WHERE key = ${key}`;
      // Its blocks first, so that the trigger on ai_attribute_daily finds none to subtract from.
      await tx.$executeRaw`DELETE FROM ai_attribute_block_built WHERE key = ${key}`;
      await tx.$executeRaw`DELETE FROM ai_attribute_block WHERE key = ${key}`;
      await tx.$executeRaw`DELETE FROM ai_attribute_daily WHERE key = ${key}`;
    }
    for (const key of added) {
      const inserted = await tx.$executeRaw`INSERT INTO ai_breakdown_key (key) VALUES (${key}) ON CONFLICT DO NOTHING`;
      if (inserted === 0) continue;
      await tx.$executeRaw`
        INSERT INTO ai_attribute_daily (day, key, value, calls, cost_usd, requests)
        SELECT t.day, ${key}, t.value, sum(t.calls), sum(t.cost_usd), sum(t.requests)
        FROM (
          SELECT (i.started_at AT TIME ZONE 'UTC')::DATE AS day, i.attributes ->> ${key} AS value,
            1 AS calls, coalesce(i.cost_usd, 0) AS cost_usd, 0 AS requests
          FROM ai_interaction AS i WHERE i.attributes ? ${key}
          UNION ALL
          SELECT r.day, r.attributes ->> ${key}, 0, 0, 1 FROM ai_request AS r WHERE r.attributes ? ${key}
        ) AS t
        GROUP BY t.day, t.value
        ON CONFLICT (day, key, value) DO UPDATE SET
          calls = excluded.calls, cost_usd = excluded.cost_usd, requests = excluded.requests`;
    }
  });
  return { added, removed };
}

export function breakdownKeysText(changes: BreakdownKeyChanges): string {
  const parts = [];
  if (changes.added.length > 0) parts.push(`added ${changes.added.join(', ')} (history filled in)`);
  if (changes.removed.length > 0) parts.push(`removed ${changes.removed.join(', ')}`);
  return `Breakdown keys: ${parts.join('; ')}.`;
}

interface KeysLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * {@link syncBreakdownKeys} at a process's start. A failure (Postgres not migrated yet) is logged and the
 * process goes on with the keys the database has: the customers breakdown is not worth refusing to start.
 */
export async function applyBreakdownKeys(
  db: { prisma: PrismaClient },
  keys: readonly string[],
  logger: KeysLogger,
): Promise<void> {
  try {
    const changes = await syncBreakdownKeys(db.prisma, keys);
    if (changes.added.length + changes.removed.length > 0) logger.info({ ...changes }, breakdownKeysText(changes));
  } catch (error) {
    logger.warn(
      { err: error },
      'could not apply SPENDTRACE_BREAKDOWN_KEYS (is the database migrated? npm run db:migrate)',
    );
  }
}
