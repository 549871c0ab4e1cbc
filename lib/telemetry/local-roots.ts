// Remembers the local root span of each open trace in this process, so a processor can stamp the
// root (still open while its children end) with what it learns from them. Bounded, never leaks.
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import { BoundedMap } from './bounded-map';

/** A root is a span with no parent, or whose parent is in another process. */
export function isLocalRoot(span: ReadableSpan): boolean {
  return span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;
}

/**
 * One instance can serve several processors (the source and cost processors share one in the chain that
 * `createSpendtraceProcessors` builds): tracking and releasing the same span twice changes nothing.
 */
export class LocalRoots {
  private readonly roots: BoundedMap<string, Span>;

  /** @param maxOpenTraces roots kept at most; the oldest is forgotten past it. Default 10000. */
  constructor(maxOpenTraces = 10_000) {
    this.roots = new BoundedMap(maxOpenTraces);
  }

  track(span: Span): void {
    if (isLocalRoot(span)) this.roots.set(span.spanContext().traceId, span);
  }

  release(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    if (this.roots.get(traceId) === span) this.roots.delete(traceId);
  }

  /** The open root of the trace, or undefined when it ended, lives elsewhere, or was forgotten. */
  openRootOf(traceId: string): Span | undefined {
    const root = this.roots.get(traceId);
    return root?.isRecording() ? root : undefined;
  }

  get size(): number {
    return this.roots.size;
  }
}
