// A map bounded in size and in the age of its entries, for what the sink remembers about traces.

interface Entry<V> {
  key: string;
  value: V;
  at: number;
}

/**
 * A bounded map whose entries also expire. The ages are kept in a queue of their own, oldest first, because
 * pruning a `Map` from its first entry steps over every entry deleted before (V8 keeps them as holes until
 * it rehashes).
 */
export class AgingMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Every entry set, oldest first, from `head` on; one replaced or deleted since is no longer in `entries`. */
  private queue: Entry<V>[] = [];
  private head = 0;

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  set(key: string, value: V): void {
    const entry = { key, value, at: this.now() };
    this.entries.set(key, entry);
    this.queue.push(entry);
    this.prune(entry.at);
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries in the age queue, replaced ones included (for tests: it must stay within twice the map). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  private prune(now: number): void {
    const oldest = now - this.ttlMs;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head] as Entry<V>;
      const live = this.entries.get(entry.key) === entry;
      if (live && this.entries.size <= this.max && entry.at >= oldest) break;
      if (live) this.entries.delete(entry.key);
      this.head += 1;
    }
    // Keys set again and again, while an older one stays, leave replaced entries behind it: drop those
    // once they are as many as the live ones, so the queue stays within twice the map.
    if (this.queue.length - this.head > 2 * this.entries.size + 1024) {
      this.queue = this.queue.slice(this.head).filter((entry) => this.entries.get(entry.key) === entry);
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
