// Stamps `ai.source` (and `ai.feature`, `ai.attr.*`) on every span as it starts, so no exporter, filter or
// sampler that later drops the root can lose the attribution.
import { diag, propagation, trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_AI_FEATURE, ATTR_AI_SOURCE, ATTR_HTTP_ROUTE, ATTR_NEXT_ROUTE } from '../ledger/attributes';
import { attributeEntriesOf } from './baggage-attributes';
import { LocalRoots } from './local-roots';

/**
 * The keys read as every span starts, looked up once here: where modules are compiled to CommonJS (tsx runs the
 * Node.js scripts that way) each imported binding is a getter.
 */
const KEY = {
  source: ATTR_AI_SOURCE,
  feature: ATTR_AI_FEATURE,
  nextRoute: ATTR_NEXT_ROUTE,
  httpRoute: ATTR_HTTP_ROUTE,
} as const;

function stringAttr(span: Partial<ReadableSpan> | undefined, key: string): string | undefined {
  const value = span?.attributes?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Where a span's source comes from, first match wins:
 * 1. `ai.source` in baggage (set by `withAISource`, `aiAction`, `aiJob`, or an upstream service);
 * 2. the route template Next.js puts on the span itself (`next.route`, `http.route`);
 * 3. the parent span's `ai.source`, which it got the same way;
 * 4. the trace's open local root's `ai.source` (when the parent is not recorded: a sampler dropped it).
 * When the source comes from a route, the trace's local root (which Next.js starts before it knows the
 * route) gets it too, so Jaeger's root span is searchable by `ai.source`.
 */
export class SourceSpanProcessor implements SpanProcessor {
  private readonly roots: LocalRoots;

  /** `roots`: shared with the cost processor; default its own, bounded by `maxOpenTraces` (10000). */
  constructor(options: { maxOpenTraces?: number; roots?: LocalRoots } = {}) {
    this.roots = options.roots ?? new LocalRoots(options.maxOpenTraces);
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      this.roots.track(span);
      const bag = propagation.getBaggage(parentContext);
      const parent = trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
      const fromBaggage = bag?.getEntry(KEY.source)?.value;
      const fromRoute = stringAttr(span, KEY.nextRoute) ?? stringAttr(span, KEY.httpRoute);
      const root = this.roots.openRootOf(span.spanContext().traceId);
      const source = fromBaggage || fromRoute || stringAttr(parent, KEY.source) || stringAttr(root, KEY.source);
      if (source && !stringAttr(span, KEY.source)) span.setAttribute(KEY.source, source);

      const feature = bag?.getEntry(KEY.feature)?.value;
      if (feature && !stringAttr(span, KEY.feature)) span.setAttribute(KEY.feature, feature);
      for (const [key, value] of attributeEntriesOf(bag)) span.setAttribute(key, value);

      if (source && root && root !== span && !stringAttr(root, KEY.source)) {
        root.setAttribute(KEY.source, source);
      }
    } catch (error) {
      diag.error('spendtrace: SourceSpanProcessor.onStart failed', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    this.roots.release(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
