// Blocks of days of ai_attribute_daily (migration 20261204120152_attribute_blocks), so the customers breakdown
// reads a few rows per value instead of one per day.
// - Aligned blocks: a block of n days (a power of two) starts on a day whose number since 1970-01-01 is a
//   multiple of n, so any period is at most two blocks of each length and the days between; 30 days take
//   about seven reads per value instead of thirty, a year a dozen instead of 365.
// - Trailing blocks: the 6, 29 and 89 days before today, so that the dashboard's 7, 30 and 90-day periods
//   (which end with today) read two rows per value: the trailing block and today. Rebuilt each day; a reader
//   uses only those that end yesterday or today, and older ones are deleted two days on.
// Blocks are built for whole past days only, so today's calls never touch one; a late call in a built block
// is added to it by the triggers on ai_attribute_daily.
import { Prisma, type PrismaClient } from './generated/client';

/** The aligned block lengths in days, longest last; the triggers of the migration list the same. */
export const BLOCK_DAYS = [2, 4, 8, 16, 32, 64, 128, 256] as const;
/** The trailing block lengths: the dashboard's 7, 30 and 90-day periods less today. Never a power of two. */
export const TRAILING_DAYS = [6, 29, 89] as const;

const LONGEST = BLOCK_DAYS[BLOCK_DAYS.length - 1] ?? 256;
const DAY_MS = 86_400_000;
/** Blocks are built back to about eleven years before today, not further whatever the oldest row says. */
const HISTORY_DAYS = 16 * LONGEST;

/** The UTC day of `date` as days since 1970-01-01. */
export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

/** A day number as ISO `YYYY-MM-DD`. */
export function dayOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export interface BlockPiece {
  days: number;
  /** The block's first day, as a day number. */
  start: number;
}

/** A period as built blocks and the days no built block covers, as half-open ranges of day numbers. */
export interface PeriodCover {
  blocks: BlockPiece[];
  dayRanges: [number, number][];
}

/**
 * Covers the days [from, to) with the longest built block that starts on each day and fits, from the first
 * day on; the days left over are read one by one from ai_attribute_daily. `built` maps a length to the start
 * days built.
 */
export function coverPeriod(from: number, to: number, built: ReadonlyMap<number, ReadonlySet<number>>): PeriodCover {
  const lengths = [...built.keys()].sort((a, b) => b - a);
  const cover: PeriodCover = { blocks: [], dayRanges: [] };
  let day = from;
  while (day < to) {
    const days = lengths.find((n) => day + n <= to && built.get(n)?.has(day) === true);
    if (days !== undefined) {
      cover.blocks.push({ days, start: day });
      day += days;
      continue;
    }
    const last = cover.dayRanges.at(-1);
    if (last !== undefined && last[1] === day) last[1] = day + 1;
    else cover.dayRanges.push([day, day + 1]);
    day += 1;
  }
  return cover;
}

/** One SELECT of (value, calls, requests, cost_usd) per piece of `cover`, each an index-only scan. */
export function coverSql(key: string, cover: PeriodCover): Prisma.Sql[] {
  return [
    ...cover.blocks.map(
      (b) => Prisma.sql`SELECT value, calls, requests, cost_usd FROM ai_attribute_block
        WHERE key = ${key} AND days = ${b.days}::int AND start_day = ${dayOf(b.start)}::date`,
    ),
    ...cover.dayRanges.map(
      ([first, end]) => Prisma.sql`SELECT value, calls, requests, cost_usd FROM ai_attribute_daily
        WHERE key = ${key} AND day >= ${dayOf(first)}::date AND day < ${dayOf(end)}::date`,
    ),
  ];
}

type Db = Pick<PrismaClient, '$queryRaw'>;

/**
 * The built blocks of `key` that start within [from, to), by length: the aligned ones, and the trailing ones
 * that end on `to` or the day before (older trailing blocks may be deleted while a reader uses them).
 */
export async function builtBlocks(db: Db, key: string, from: number, to: number): Promise<Map<number, Set<number>>> {
  const rows = await db.$queryRaw<{ days: number; start: number }[]>`
    SELECT days, (start_day - DATE '1970-01-01') AS start FROM ai_attribute_block_built
    WHERE key = ${key} AND start_day >= ${dayOf(from)}::date AND start_day < ${dayOf(to)}::date
      AND (days IN (${Prisma.join(BLOCK_DAYS)}) OR start_day + days >= ${dayOf(to - 1)}::date)`;
  const built = new Map<number, Set<number>>();
  for (const r of rows) {
    const starts = built.get(r.days) ?? new Set<number>();
    starts.add(r.start);
    built.set(r.days, starts);
  }
  return built;
}

export interface BuildReport {
  /** The blocks built, every key and length. */
  blocks: number;
}

/**
 * Builds every whole aligned block before `now`'s UTC day that is not built yet, for every breakdown key, from
 * its oldest day on (the 2-day blocks from ai_attribute_daily, each longer one from its two halves), and the
 * trailing blocks that end yesterday (each from the aligned blocks and days that cover it). Each length of
 * each key is one transaction holding ai_attribute_daily in SHARE ROW EXCLUSIVE mode, so no call's change
 * slips between a block's sums and its listing as built, and two processes building at once take turns
 * (the second finds the blocks built). Cheap when there is nothing to build: a listing per key and length.
 */
export async function buildAttributeBlocks(prisma: PrismaClient, now: Date): Promise<BuildReport> {
  const today = dayNumber(now);
  const keys = await prisma.$queryRaw<{ key: string; first: Date | null }[]>`
    SELECT k.key, (SELECT min(d.day) FROM ai_attribute_daily AS d WHERE d.key = k.key) AS first
    FROM ai_breakdown_key AS k ORDER BY k.key COLLATE "C"`;
  let blocks = 0;
  for (const { key, first } of keys) {
    if (first === null) continue;
    const floor = Math.floor((today - HISTORY_DAYS) / LONGEST) * LONGEST;
    const origin = Math.max(floor, Math.floor(dayNumber(first) / LONGEST) * LONGEST);
    for (const days of BLOCK_DAYS) blocks += await buildLength(prisma, key, days, origin, today);
    blocks += await buildTrailing(prisma, key, today);
  }
  return { blocks };
}

/** The aligned blocks of one length not built yet, as ISO days. */
async function missingBlocks(db: Db, key: string, days: number, origin: number, today: number): Promise<string[]> {
  const built = (await builtBlocks(db, key, origin, today)).get(days) ?? new Set<number>();
  const missing: string[] = [];
  for (let start = origin; start + days <= today; start += days) if (!built.has(start)) missing.push(dayOf(start));
  return missing;
}

async function buildLength(prisma: PrismaClient, key: string, days: number, origin: number, today: number) {
  // Looked at first without the lock, which holds writers back: most runs find nothing to build.
  if ((await missingBlocks(prisma, key, days, origin, today)).length === 0) return 0;
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE ai_attribute_daily IN SHARE ROW EXCLUSIVE MODE');
      const missing = await missingBlocks(tx, key, days, origin, today);
      if (missing.length === 0) return 0;
      if (days === BLOCK_DAYS[0]) {
        await tx.$executeRaw`
          INSERT INTO ai_attribute_block (key, days, start_day, value, calls, cost_usd, requests)
          SELECT ${key}, ${days}, s.start_day, d.value, sum(d.calls), sum(d.cost_usd), sum(d.requests)
          FROM unnest(${missing}::date[]) AS s (start_day)
          JOIN ai_attribute_daily AS d
            ON d.key = ${key} AND d.day >= s.start_day AND d.day < s.start_day + ${days}::int
          GROUP BY s.start_day, d.value
          HAVING sum(d.calls) <> 0 OR sum(d.cost_usd) <> 0 OR sum(d.requests) <> 0`;
      } else {
        await tx.$executeRaw`
          INSERT INTO ai_attribute_block (key, days, start_day, value, calls, cost_usd, requests)
          SELECT ${key}, ${days}, s.start_day, h.value, sum(h.calls), sum(h.cost_usd), sum(h.requests)
          FROM unnest(${missing}::date[]) AS s (start_day)
          JOIN ai_attribute_block AS h
            ON h.key = ${key} AND h.days = ${days / 2}::int
            AND h.start_day IN (s.start_day, s.start_day + ${days / 2}::int)
          GROUP BY s.start_day, h.value
          HAVING sum(h.calls) <> 0 OR sum(h.cost_usd) <> 0 OR sum(h.requests) <> 0`;
      }
      await tx.$executeRaw`
        INSERT INTO ai_attribute_block_built (key, days, start_day)
        SELECT ${key}, ${days}, s.start_day FROM unnest(${missing}::date[]) AS s (start_day)`;
      return missing.length;
    },
    { maxWait: 60_000, timeout: 600_000 },
  );
}

/**
 * The trailing blocks of `key` that end yesterday, and the deletion of those that ended before the day before;
 * nothing, and no lock, when they are built.
 */
async function buildTrailing(prisma: PrismaClient, key: string, today: number): Promise<number> {
  const current = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM ai_attribute_block_built
    WHERE key = ${key} AND days IN (${Prisma.join(TRAILING_DAYS)}) AND start_day + days = ${dayOf(today)}::date`;
  if (Number(current[0]?.n ?? 0) === TRAILING_DAYS.length) return 0;
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe('LOCK TABLE ai_attribute_daily IN SHARE ROW EXCLUSIVE MODE');
      const stale = Prisma.sql`key = ${key} AND days IN (${Prisma.join(TRAILING_DAYS)})
        AND start_day + days < ${dayOf(today - 1)}::date`;
      await tx.$executeRaw`DELETE FROM ai_attribute_block_built WHERE ${stale}`;
      await tx.$executeRaw`DELETE FROM ai_attribute_block WHERE ${stale}`;
      let built = 0;
      for (const days of TRAILING_DAYS) {
        const start = today - days;
        const have = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM ai_attribute_block_built
          WHERE key = ${key} AND days = ${days}::int AND start_day = ${dayOf(start)}::date`;
        if (have.length > 0) continue;
        const pieces = coverSql(key, coverPeriod(start, today, await builtBlocks(tx, key, start, today)));
        await tx.$executeRaw`
          INSERT INTO ai_attribute_block (key, days, start_day, value, calls, cost_usd, requests)
          SELECT ${key}, ${days}::int, ${dayOf(start)}::date, value, sum(calls), sum(cost_usd), sum(requests)
          FROM (${Prisma.join(pieces, ' UNION ALL ')}) AS piece
          GROUP BY value
          HAVING sum(calls) <> 0 OR sum(cost_usd) <> 0 OR sum(requests) <> 0`;
        await tx.$executeRaw`
          INSERT INTO ai_attribute_block_built (key, days, start_day) VALUES (${key}, ${days}::int, ${dayOf(start)}::date)`;
        built += 1;
      }
      return built;
    },
    { maxWait: 60_000, timeout: 600_000 },
  );
}
