// Runs writes in groups, a bounded number at a time: while the groups are being written, the items that
// arrive wait and then go together in the next group. A busy sink so sends a few large statements instead of
// many small ones that queue on the same rollup rows (each statement locks its day's rollup rows until it
// commits); an idle one writes each item at once, with no timer and no added wait.

export interface WriteGroupsOptions<T, R> {
  /** Writes a group; resolves to one result per item, in the group's order. A throw fails every item of it. */
  write(items: T[]): Promise<R[]>;
  /** An item's size, e.g. its rows. */
  size(item: T): number;
  /** A group stops growing at this total size; it always takes at least one item. */
  maxGroupSize: number;
  /** Groups written at once. */
  concurrency: number;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class WriteGroups<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  /** Writers running, each taking groups until none waits. */
  private running = 0;

  constructor(private readonly options: WriteGroupsOptions<T, R>) {}

  /** Resolves to `item`'s result once the group it went in is written; rejects with that group's error. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.running < this.options.concurrency) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running += 1;
    while (this.waiting.length > 0) {
      const group = this.takeGroup();
      try {
        const results = await this.options.write(group.map((w) => w.item));
        if (results.length !== group.length) {
          throw new Error(`a group write returned ${results.length} results for ${group.length} items`);
        }
        group.forEach((w, i) => w.resolve(results[i] as R));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.running -= 1;
  }

  private takeGroup(): Waiting<T, R>[] {
    let size = 0;
    let count = 0;
    for (const w of this.waiting) {
      const next = this.options.size(w.item);
      if (count > 0 && size + next > this.options.maxGroupSize) break;
      size += next;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}
