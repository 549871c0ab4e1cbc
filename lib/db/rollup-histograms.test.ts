// The rollup's histogram helpers (plpgsql since migration 20261204230000_rollup_histograms_plpgsql) against a
// real database (in-memory PGlite, or Postgres when TEST_DATABASE_URL is set), with the edge cases of the SQL
// versions they replaced: NULL and empty arrays, arrays of different lengths, NULL elements, buckets out of
// range, and arrays whose subscripts do not start at 1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/** The value of one SQL expression returning INTEGER[] (null for SQL NULL). */
async function histogram(expression: string): Promise<(number | null)[] | null> {
  const [row] = await database.db.query<{ h: (number | null)[] | null }>(`SELECT ${expression} AS h`, []);
  return row?.h ?? null;
}

/** `size` zeros with `counts` set at their buckets. */
function buckets(size: number, counts: Record<number, number>): number[] {
  return Array.from({ length: size }, (_, i) => counts[i] ?? 0);
}

describe('ai_latency_histogram', () => {
  it('counts bucket numbers 0 to 65, times the sign, and ignores the rest', async () => {
    expect(await histogram(`ai_latency_histogram(ARRAY[0, 3, 3, 65, 66, -1, NULL], 1)`)).toEqual(
      buckets(66, { 0: 1, 3: 2, 65: 1 }),
    );
    expect(await histogram(`ai_latency_histogram(ARRAY[5, 5, 7], -1)`)).toEqual(buckets(66, { 5: -2, 7: -1 }));
  });

  it('gives 66 zeros for no buckets, and 66 NULLs for a NULL sign', async () => {
    expect(await histogram(`ai_latency_histogram(NULL, 1)`)).toEqual(buckets(66, {}));
    expect(await histogram(`ai_latency_histogram('{}', -1)`)).toEqual(buckets(66, {}));
    expect(await histogram(`ai_latency_histogram(ARRAY[1], NULL)`)).toEqual(Array.from({ length: 66 }, () => null));
  });
});

describe('ai_latency_histogram_add', () => {
  it('adds element by element, the shorter array counting as zeros past its end', async () => {
    expect(await histogram(`ai_latency_histogram_add(ARRAY[1, 2, 3], ARRAY[10, NULL, 30, 40])`)).toEqual([
      11, 2, 33, 40,
    ]);
    expect(await histogram(`ai_latency_histogram_add(NULL, ARRAY[-1, 2])`)).toEqual([-1, 2]);
  });

  it('reads arrays by position whatever their first subscript', async () => {
    expect(await histogram(`ai_latency_histogram_add('[0:2]={1,2,3}'::INTEGER[], '[5:6]={4,5}'::INTEGER[])`)).toEqual([
      5, 7, 3,
    ]);
  });

  it('is NULL when both are empty or NULL', async () => {
    expect(await histogram(`ai_latency_histogram_add(NULL, NULL)`)).toBeNull();
    expect(await histogram(`ai_latency_histogram_add('{}', '{}')`)).toBeNull();
  });
});

describe('ai_weighted_histogram', () => {
  it('sums signed weights per bucket below `size`, skipping NULLs and buckets out of range', async () => {
    expect(
      await histogram(`ai_weighted_histogram(ARRAY[0, 2, 2, 135, 136, -1, NULL, 4], ARRAY[1, 1, -3, 5, 9, 9, 9], 136)`),
    ).toEqual(buckets(136, { 0: 1, 2: -2, 135: 5 }));
  });

  it('is NULL for a size below 1 or NULL, and all zeros for no buckets', async () => {
    expect(await histogram(`ai_weighted_histogram(ARRAY[0], ARRAY[1], 0)`)).toBeNull();
    expect(await histogram(`ai_weighted_histogram(ARRAY[0], ARRAY[1], NULL)`)).toBeNull();
    expect(await histogram(`ai_weighted_histogram(NULL, NULL, 3)`)).toEqual([0, 0, 0]);
  });

  it('refuses a bucket whose sum overflows an integer, as the SQL version did', async () => {
    await expect(histogram(`ai_weighted_histogram(ARRAY[0, 0], ARRAY[2147483647, 1], 2)`)).rejects.toThrow(
      'integer out of range',
    );
  });
});
