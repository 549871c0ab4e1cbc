// What the sink remembers about traces, so AI spans from services that do not run our processors are
// attributed to their trace's root: the source each root SERVER span gave (its ai.source or route), and
// the traces whose AI rows were written unattributed, awaiting a root that arrives in a later request.
// Both are bounded in size and age; the README states the bounds.
import { ATTR_AI_SOURCE, ATTR_HTTP_ROUTE, ATTR_NEXT_ROUTE } from '../lib/ledger/attributes';
import { keyTextAttribute } from '../lib/ledger/attribute-readers';
import { normalizeSource } from '../lib/ledger/source-rules';
import { SPAN_KIND_SERVER, type OtlpSpan } from './otlp/otlp-span';

export interface RootRoutesOptions {
  /** Traces remembered in each map; past it the oldest are forgotten. Default 100000. */
  maxTraces?: number;
  /** How long a trace is remembered. Default 15 minutes. */
  ttlMs?: number;
  now?: () => number;
}

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

/** The source a root SERVER span gives its trace: its own ai.source, else its route template. */
export function rootSourceOf(span: OtlpSpan): string | undefined {
  if (span.kind !== SPAN_KIND_SERVER || span.record.parentSpanId !== undefined) return undefined;
  const { attributes } = span.record;
  const source =
    keyTextAttribute(attributes, ATTR_AI_SOURCE) ??
    keyTextAttribute(attributes, ATTR_HTTP_ROUTE) ??
    keyTextAttribute(attributes, ATTR_NEXT_ROUTE);
  // As the row will hold it: the late correction of a trace's rows writes this source directly.
  return source === undefined ? undefined : normalizeSource(source);
}

/** Traces each map of {@link RootRoutes} remembers unless told otherwise. */
export const DEFAULT_MAX_TRACES = 100_000;

export class RootRoutes {
  private readonly sources: AgingMap<string>;
  private readonly awaiting: AgingMap<true>;

  constructor(options: RootRoutesOptions = {}) {
    const max = options.maxTraces ?? DEFAULT_MAX_TRACES;
    const ttl = options.ttlMs ?? 15 * 60_000;
    const now = options.now ?? Date.now;
    this.sources = new AgingMap(max, ttl, now);
    this.awaiting = new AgingMap(max, ttl, now);
  }

  /**
   * Learns the roots among `spans`. Returns the traces whose rows were written unattributed earlier and
   * can now be corrected, with their source; call {@link corrected} once the correction is stored.
   */
  learn(spans: readonly OtlpSpan[]): Map<string, string> {
    const corrections = new Map<string, string>();
    for (const span of spans) {
      const source = rootSourceOf(span);
      if (source === undefined) continue;
      const { traceId } = span.record;
      this.sources.set(traceId, source);
      if (this.awaiting.get(traceId)) corrections.set(traceId, source);
    }
    return corrections;
  }

  sourceOf(traceId: string): string | undefined {
    return this.sources.get(traceId);
  }

  /** Rows of this trace were written without a source; correct them if its root arrives. */
  awaitRoot(traceId: string): void {
    this.awaiting.set(traceId, true);
  }

  corrected(traceId: string): void {
    this.awaiting.delete(traceId);
  }

  get size(): { sources: number; awaiting: number } {
    return { sources: this.sources.size, awaiting: this.awaiting.size };
  }
}
