import { describe, expect, it } from 'vitest';
import { interactionRow } from '../test/support/interaction-row';
import { RowsRejectedError } from '../lib/telemetry/rows-rejected-error';
import type { InteractionRow } from '../lib/telemetry/span-to-interaction';
import { CoalescingWriter } from './coalescing-writer';

/** A store that records each INSERT's span ids, refuses rows whose featureId is 'bad', and can be held. */
function recordingStore() {
  const inserts: string[][] = [];
  let release: () => void = () => undefined;
  let held: Promise<void> | undefined;
  return {
    inserts,
    hold() {
      held = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    fail: undefined as Error | undefined,
    async insertMany(rows: readonly InteractionRow[]): Promise<number> {
      inserts.push(rows.map((r) => r.spanId));
      if (held) {
        const wait = held;
        held = undefined;
        await wait;
      }
      if (this.fail) throw this.fail;
      if (rows.some((r) => r.featureId === 'bad')) throw new RowsRejectedError('refused');
      return rows.length;
    },
  };
}

const rows = (...ns: number[]) => ns.map((n) => interactionRow(n));

describe('CoalescingWriter', () => {
  describe('write', () => {
    it('writes the rows of requests that arrive during an INSERT together in the next one', async () => {
      const store = recordingStore();
      const written: number[] = [];
      const writer = new CoalescingWriter(store, { onWritten: (n) => written.push(n) });
      store.hold();

      const first = writer.write(rows(1, 2));
      const second = writer.write(rows(3));
      const third = writer.write(rows(4, 5));
      store.release();

      expect(await Promise.all([first, second, third])).toEqual([[], [], []]);
      expect(store.inserts).toEqual([rows(1, 2), rows(3, 4, 5)].map((batch) => batch.map((r) => r.spanId)));
      expect(written).toEqual([2, 3]);
    });

    it('puts whole requests in an INSERT up to maxRows, and splits only a request larger than that', async () => {
      const store = recordingStore();
      const writer = new CoalescingWriter(store, { maxRows: 3 });
      store.hold();

      const writes = [
        writer.write(rows(1)),
        writer.write(rows(2, 3)),
        writer.write(rows(4, 5)),
        writer.write(rows(6, 7, 8, 9)),
      ];
      store.release();
      await Promise.all(writes);

      expect(store.inserts.map((ids) => ids.map((id) => parseInt(id, 16)))).toEqual([
        [1],
        [2, 3],
        [4, 5],
        [6, 7, 8],
        [9],
      ]);
    });

    it('gives each request only its own refused rows, and stores the others', async () => {
      const store = recordingStore();
      const writer = new CoalescingWriter(store);
      store.hold();

      const first = writer.write(rows(1));
      const good = writer.write(rows(2, 3));
      const bad = writer.write([interactionRow(4), interactionRow(5, { featureId: 'bad' })]);
      store.release();

      expect(await first).toEqual([]);
      expect(await good).toEqual([]);
      expect(await bad).toEqual([
        { row: interactionRow(5, { featureId: 'bad' }), error: new RowsRejectedError('refused') },
      ]);
    });

    it('fails the requests whose INSERT the database could not take, and goes on with later ones', async () => {
      const store = recordingStore();
      const writer = new CoalescingWriter(store);
      store.fail = new Error('database unreachable');

      const results = await Promise.allSettled([writer.write(rows(1)), writer.write(rows(2))]);
      store.fail = undefined;

      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await writer.write(rows(3))).toEqual([]);
    });

    it('resolves an empty request at once, without an INSERT', async () => {
      const store = recordingStore();

      expect(await new CoalescingWriter(store).write([])).toEqual([]);
      expect(store.inserts).toEqual([]);
    });
  });
});
