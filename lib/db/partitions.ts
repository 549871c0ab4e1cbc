// The monthly partitions of ai_interaction (migration 20261204123312_partitioned_ledger): made ahead of time,
// and dropped whole once older than the retention period. The daily rollups keep the history.
import type { PrismaClient } from './generated/client';

/** Months made ahead of the current one. */
export const DEFAULT_MONTHS_AHEAD = 3;

/** How often a long-running process makes the coming months and applies retention. */
export const PARTITIONS_EVERY_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const PARTITION_NAME = /^ai_interaction_p(\d{4})_(\d{2})$/;
// The same lock ai_interaction_ensure_partition takes: retention and the making of partitions take turns.
const LOCK_KEY = 'spendtrace.ai_interaction_partitions';

interface PartitionsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

type Db = Pick<PrismaClient, '$queryRaw' | '$executeRaw' | '$executeRawUnsafe' | '$transaction'>;

/** The first instant (UTC) of `now`'s month, `offset` months later. */
function monthStart(now: Date, offset = 0): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

/**
 * Makes the partitions of the current month and the `monthsAhead` after it, those missing; returns their names.
 * Rows of those months waiting in the default partition move into them, counted once. Idempotent, and safe in
 * any number of processes at once (the SQL function takes an advisory lock; a later caller finds them made).
 */
export async function ensurePartitions(
  db: Db,
  now: Date,
  monthsAhead: number = DEFAULT_MONTHS_AHEAD,
): Promise<string[]> {
  const months = Array.from({ length: monthsAhead + 1 }, (_, i) => monthStart(now, i).toISOString().slice(0, 10));
  const rows = await db.$queryRaw<{ month: string; created: boolean }[]>`
    SELECT m AS month, ai_interaction_ensure_partition(m::DATE) AS created
    FROM unnest(${months}::TEXT[]) AS m ORDER BY m`;
  return rows.filter((r) => r.created).map((r) => `ai_interaction_p${r.month.slice(0, 7).replace('-', '_')}`);
}

export interface RetentionResult {
  /** The monthly partitions dropped, oldest first. */
  dropped: string[];
  /** Calls of the dropped months deleted from the default partition. */
  defaultRows: number;
  /** ai_request rows (whole requests) that ended before the first month kept, deleted. */
  requests: number;
}

/**
 * Drops every monthly partition whose rows are all older than `now - days` (the month ends at or before the
 * cutoff), and deletes the rows of the default partition and the requests that ended before the first month
 * kept.
 * Dropping a partition, and a statement on a partition by name, fire none of ai_interaction's triggers, and
 * ai_request has none: ai_interaction_daily, ai_request_daily and ai_attribute_daily keep the history.
 * `days` of 0 keeps everything.
 */
export async function applyRetention(db: Db, now: Date, days: number): Promise<RetentionResult> {
  const result: RetentionResult = { dropped: [], defaultRows: 0, requests: 0 };
  if (days <= 0) return result;
  // Whole months go: the oldest month kept is the one holding the cutoff. What goes with the dropped months (a
  // row of the default partition, a request) goes by the same line, so a kept call keeps its request.
  const keptFrom = monthStart(new Date(now.getTime() - days * DAY_MS));
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
      const partitions = await tx.$queryRaw<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits AS i
      JOIN pg_class AS c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ai_interaction'::regclass
      ORDER BY c.relname`;
      for (const { name } of partitions) {
        const match = PARTITION_NAME.exec(name);
        if (!match) continue;
        const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
        if (end.getTime() > keptFrom.getTime()) continue;
        await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS "${name}"`);
        result.dropped.push(name);
      }
      result.defaultRows = await tx.$executeRaw`DELETE FROM ai_interaction_default WHERE started_at < ${keptFrom}`;
      result.requests = await tx.$executeRaw`DELETE FROM ai_request WHERE ended_at < ${keptFrom}`;
      // The first run after retention is turned on may delete many requests: more than Prisma's default 5 s.
    },
    { timeout: 10 * 60 * 1000 },
  );
  return result;
}

/** Makes the coming months' partitions, then applies retention, logging what either did. */
export async function maintainPartitions(
  db: Db,
  now: Date,
  retentionDays: number,
  logger: PartitionsLogger,
): Promise<{ created: string[] } & RetentionResult> {
  const created = await ensurePartitions(db, now);
  if (created.length > 0) logger.info({ created }, `made ${created.length} monthly partition(s) of ai_interaction`);
  const retention = await applyRetention(db, now, retentionDays);
  if (retention.dropped.length + retention.defaultRows + retention.requests > 0) {
    logger.info(
      { retentionDays, ...retention },
      `retention (${retentionDays} days): dropped ${retention.dropped.length} monthly partition(s) of ai_interaction, ` +
        `${retention.defaultRows} call(s) of the default partition and ${retention.requests} request(s)`,
    );
  }
  return { created, ...retention };
}

/** At start, beside the breakdown keys: never fails the start (a later maintenance run retries). */
export async function applyPartitions(
  db: { prisma: Db },
  retentionDays: number,
  logger: PartitionsLogger,
): Promise<void> {
  try {
    await maintainPartitions(db.prisma, new Date(), retentionDays, logger);
  } catch (error) {
    logger.warn(
      { err: error },
      'could not make the partitions of ai_interaction or apply SPENDTRACE_RETENTION_DAYS (is the database migrated? npm run db:migrate)',
    );
  }
}
