// What the sink remembers about traces, so AI spans from services that do not run our processors are
// attributed to their trace's root: the source each root SERVER span gave (its ai.source or route), and
// the traces whose AI rows were written unattributed, awaiting a root that arrives in a later request.
// Both are bounded in size and age; the README states the bounds.
import { ATTR_AI_SOURCE, ATTR_HTTP_ROUTE, ATTR_NEXT_ROUTE } from '../lib/ledger/attributes';
import { keyTextAttribute } from '../lib/ledger/attribute-readers';
import { normalizeSource } from '../lib/ledger/source-rules';
import { AgingMap } from './aging-map';
import { SPAN_KIND_SERVER, type OtlpSpan } from './otlp/otlp-span';

export interface RootRoutesOptions {
  /** Traces remembered in each map; past it the oldest are forgotten. Default 100000. */
  maxTraces?: number;
  /** How long a trace is remembered. Default 15 minutes. */
  ttlMs?: number;
  now?: () => number;
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

  /**
   * Settles a written batch. Each trace whose rows were stored without a source either has its root by now
   * (it may have come in another request while they were written: it joins `corrections`) or awaits it.
   * Returns `corrections`; call {@link corrected} for each once it is stored.
   */
  settle(corrections: Map<string, string>, unattributedTraceIds: Iterable<string>): Map<string, string> {
    for (const traceId of unattributedTraceIds) {
      const source = this.sources.get(traceId);
      if (source === undefined) this.awaiting.set(traceId, true);
      else corrections.set(traceId, source);
    }
    return corrections;
  }

  corrected(traceId: string): void {
    this.awaiting.delete(traceId);
  }

  get size(): { sources: number; awaiting: number } {
    return { sources: this.sources.size, awaiting: this.awaiting.size };
  }
}
