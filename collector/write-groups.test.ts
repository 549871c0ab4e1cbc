// WriteGroups: which items go in which write, what each submitter gets back, and failures per group.
import { describe, expect, it } from 'vitest';
import { WriteGroups } from './write-groups';

/** A write the test finishes by hand; records each group it was given. */
function manualWrites(maxGroupSize = 100, concurrency = 1) {
  const groups: string[][] = [];
  const finish: ((outcome: string[] | Error) => void)[] = [];
  const writes = new WriteGroups<string, string>({
    write: (items) => {
      groups.push(items);
      return new Promise<string[]>((resolve, reject) => {
        finish.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      });
    },
    size: (item) => item.length,
    maxGroupSize,
    concurrency,
  });
  /** Finishes the `n`th write (0-based) and lets its submitters and the next write run. */
  const complete = async (n: number, outcome: string[] | Error) => {
    finish[n]?.(outcome);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { writes, groups, complete };
}

/** Settles `promise` into a value to compare: its result, or its error's message. */
const settled = (promise: Promise<string>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
  );

describe('WriteGroups', () => {
  describe('submit', () => {
    it('writes an item at once when no write runs, and resolves to its result', async () => {
      const { writes, groups, complete } = manualWrites();
      const a = writes.submit('a');
      expect(groups).toEqual([['a']]);
      await complete(0, ['A']);
      expect(await a).toBe('A');
    });

    it('writes the items that arrive during a write together in the next, each getting its own result', async () => {
      const { writes, groups, complete } = manualWrites();
      const first = writes.submit('a');
      const later = ['b', 'c', 'd'].map((item) => writes.submit(item));
      expect(groups).toEqual([['a']]);
      await complete(0, ['A']);
      expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
      await complete(1, ['B', 'C', 'D']);
      expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C', 'D']);
    });

    it('stops a group before it would pass the size bound, but always takes one item', async () => {
      const { writes, groups, complete } = manualWrites(5);
      const all = ['a', 'bb', 'ccc', 'dddddddd', 'e'].map((item) => writes.submit(item));
      await complete(0, ['A']);
      await complete(1, ['B', 'C']);
      await complete(2, ['D']);
      await complete(3, ['E']);
      expect(groups).toEqual([['a'], ['bb', 'ccc'], ['dddddddd'], ['e']]);
      expect(await Promise.all(all)).toEqual(['A', 'B', 'C', 'D', 'E']);
    });

    it('runs as many groups at once as its concurrency, and the next group takes what waited', async () => {
      const { writes, groups, complete } = manualWrites(100, 2);
      const all = ['a', 'b', 'c', 'd', 'e'].map((item) => writes.submit(item));
      expect(groups).toEqual([['a'], ['b']]);
      await complete(1, ['B']);
      expect(groups).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
      await complete(0, ['A']);
      await complete(2, ['C', 'D', 'E']);
      expect(await Promise.all(all)).toEqual(['A', 'B', 'C', 'D', 'E']);
      // Both writers are idle again: two new items are written at once, each alone.
      const more = ['f', 'g'].map((item) => writes.submit(item));
      expect(groups.slice(3)).toEqual([['f'], ['g']]);
      await complete(3, ['F']);
      await complete(4, ['G']);
      expect(await Promise.all(more)).toEqual(['F', 'G']);
    });

    it("rejects every item of a failed group with the write's error, and goes on with the next group", async () => {
      const { writes, groups, complete } = manualWrites();
      const first = settled(writes.submit('a'));
      const failed = ['b', 'c'].map((item) => settled(writes.submit(item)));
      await complete(0, ['A']);
      const after = settled(writes.submit('d'));
      await complete(1, new Error('connection refused'));
      await complete(2, ['D']);
      expect(groups).toEqual([['a'], ['b', 'c'], ['d']]);
      expect(await Promise.all([first, ...failed, after])).toEqual([
        { value: 'A' },
        { error: 'connection refused' },
        { error: 'connection refused' },
        { value: 'D' },
      ]);
    });

    it('rejects a group whose write returned a result count other than its item count', async () => {
      const { writes, complete } = manualWrites();
      const results = ['a', 'b', 'c'].map((item) => settled(writes.submit(item)));
      await complete(0, ['A']);
      await complete(1, ['B']);
      expect(await Promise.all(results)).toEqual([
        { value: 'A' },
        { error: 'a group write returned 1 results for 2 items' },
        { error: 'a group write returned 1 results for 2 items' },
      ]);
    });
  });
});
