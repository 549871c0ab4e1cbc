// LocalRoots on real SDK spans: which spans count as roots, the bound, release, and ended roots.
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type Span } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { isLocalRoot, LocalRoots } from './local-roots';

const tracer = new BasicTracerProvider().getTracer('local-roots-test');

function startRoot(name: string): Span {
  return tracer.startSpan(name) as Span;
}

function startChild(name: string, parent: Span): Span {
  return tracer.startSpan(name, {}, trace.setSpan(ROOT_CONTEXT, parent)) as Span;
}

function startUnderRemoteParent(name: string): Span {
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return tracer.startSpan(name, {}, remote) as Span;
}

describe('isLocalRoot', () => {
  it('is true for a span without a parent', () => {
    expect(isLocalRoot(startRoot('GET'))).toBe(true);
  });

  it('is false for a span whose parent is in this process', () => {
    expect(isLocalRoot(startChild('child', startRoot('GET')))).toBe(false);
  });

  it('is true for a span whose parent is in another process', () => {
    expect(isLocalRoot(startUnderRemoteParent('GET'))).toBe(true);
  });
});

describe('LocalRoots', () => {
  describe('track', () => {
    it('remembers roots and ignores their children', () => {
      const roots = new LocalRoots();
      const root = startRoot('GET');
      roots.track(root);
      roots.track(startChild('child', root));

      expect(roots.size).toBe(1);
      expect(roots.openRootOf(root.spanContext().traceId)).toBe(root);
    });

    it('remembers a span with a remote parent as the root of its trace', () => {
      const roots = new LocalRoots();
      const span = startUnderRemoteParent('GET');
      roots.track(span);

      expect(roots.openRootOf('0af7651916cd43dd8448eb211c80319c')).toBe(span);
    });

    it('forgets the oldest root past the bound', () => {
      const roots = new LocalRoots(2);
      const first = startRoot('first');
      const second = startRoot('second');
      const third = startRoot('third');
      roots.track(first);
      roots.track(second);
      roots.track(third);

      expect(roots.size).toBe(2);
      expect(roots.openRootOf(first.spanContext().traceId)).toBeUndefined();
      expect(roots.openRootOf(second.spanContext().traceId)).toBe(second);
      expect(roots.openRootOf(third.spanContext().traceId)).toBe(third);
    });

    it('forgets nothing when a trace already remembered is tracked again at the bound', () => {
      const roots = new LocalRoots(2);
      const first = startRoot('first');
      const second = startRoot('second');
      roots.track(first);
      roots.track(second);
      roots.track(second);

      expect(roots.size).toBe(2);
      expect(roots.openRootOf(first.spanContext().traceId)).toBe(first);
    });

    it('keeps 10000 roots by default', () => {
      const roots = new LocalRoots();
      const first = startRoot('first');
      roots.track(first);
      for (let i = 0; i < 10_000; i += 1) roots.track(startRoot(`root ${i}`));

      expect(roots.size).toBe(10_000);
      expect(roots.openRootOf(first.spanContext().traceId)).toBeUndefined();
    });
  });

  describe('release', () => {
    it('forgets a root', () => {
      const roots = new LocalRoots();
      const root = startRoot('GET');
      roots.track(root);
      roots.release(root);

      expect(roots.size).toBe(0);
      expect(roots.openRootOf(root.spanContext().traceId)).toBeUndefined();
    });

    it('keeps the root when another span of its trace is released', () => {
      const roots = new LocalRoots();
      const root = startRoot('GET');
      const child = startChild('child', root);
      roots.track(root);
      roots.release(child);

      expect(roots.size).toBe(1);
      expect(roots.openRootOf(root.spanContext().traceId)).toBe(root);
    });
  });

  describe('openRootOf', () => {
    it('returns undefined once the root has ended, even before it is released', () => {
      const roots = new LocalRoots();
      const root = startRoot('GET');
      roots.track(root);
      root.end();

      expect(roots.openRootOf(root.spanContext().traceId)).toBeUndefined();
      expect(roots.size).toBe(1);
    });

    it('returns undefined for a trace it never saw', () => {
      expect(new LocalRoots().openRootOf('4bf92f3577b34da6a3ce929d0e0e4736')).toBeUndefined();
    });
  });
});
