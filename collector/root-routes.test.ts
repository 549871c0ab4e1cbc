// rootSourceOf and RootRoutes: which spans give their trace a source, the corrections learn() returns for
// traces awaiting their root, and the size and age bounds, with an injected clock (no real timers).
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import type { OtlpSpan } from './otlp/otlp-span';
import { RootRoutes, rootSourceOf } from './root-routes';

const SERVER = 2;
const CLIENT = 3;
const INTERNAL = 1;

const traceId = (n: number) => n.toString(16).padStart(32, '0');

/** A span of trace `n`: a root unless `parentSpanId` is given. */
function span(n: number, kind: number, attributes: Attributes, parentSpanId?: string): OtlpSpan {
  return {
    kind,
    record: {
      traceId: traceId(n),
      spanId: '00f067aa0ba902b7',
      parentSpanId,
      name: 'GET /api/chat',
      startTimeMs: Date.parse('2025-11-25T12:00:00.000Z'),
      durationMs: 120,
      attributes,
      statusCode: SpanStatusCode.UNSET,
      serviceName: 'checkout',
    },
  };
}

/** The root SERVER span of trace `n`, for route `route`. */
const root = (n: number, route: string) => span(n, SERVER, { 'http.route': route });

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('rootSourceOf', () => {
  it.each([
    {
      attributes: { 'ai.source': 'job:nightly-digest', 'http.route': '/api/chat', 'next.route': '/api/chat/[id]' },
      expected: 'job:nightly-digest',
    },
    { attributes: { 'http.route': '/api/chat', 'next.route': '/api/chat/[id]' }, expected: '/api/chat' },
    { attributes: { 'next.route': '/api/chat/[id]' }, expected: '/api/chat/[id]' },
    { attributes: { 'ai.source': '', 'http.route': '/api/chat' }, expected: '/api/chat' },
    { attributes: { 'ai.source': 7, 'next.route': '/checkout' }, expected: '/checkout' },
    { attributes: { 'ai.source': 'action:\u0000save' }, expected: 'action:\uFFFDsave' },
    { attributes: { 'http.route': '/api/leads/42/draft?x=1' }, expected: '/api/leads/[id]/draft' },
    { attributes: { 'ai.source': `/${'a'.repeat(600)}` }, expected: `/${'a'.repeat(508)}…` },
    { attributes: { 'http.method': 'GET' }, expected: undefined },
    { attributes: {}, expected: undefined },
  ])('gives a root SERVER span with $attributes the source $expected', ({ attributes, expected }) => {
    expect(rootSourceOf(span(1, SERVER, attributes))).toBe(expected);
  });

  it.each([
    { spanOf: 'a SERVER span with a parent', kind: SERVER, parent: '53995c3f42cd8ad8' },
    { spanOf: 'a CLIENT root', kind: CLIENT, parent: undefined },
    { spanOf: 'an INTERNAL root', kind: INTERNAL, parent: undefined },
    { spanOf: 'a root of unspecified kind', kind: 0, parent: undefined },
  ])('gives no source for $spanOf', ({ kind, parent }) => {
    expect(rootSourceOf(span(1, kind, { 'ai.source': 'job:nightly-digest', 'http.route': '/api/chat' }, parent))).toBe(
      undefined,
    );
  });
});

describe('RootRoutes', () => {
  describe('learn', () => {
    it('remembers the source of each root and returns no corrections when nothing awaits', () => {
      const roots = new RootRoutes();

      expect(
        roots.learn([
          root(1, '/api/chat'),
          span(2, CLIENT, { 'http.route': '/ignored' }),
          span(3, SERVER, { 'ai.source': 'job:nightly-digest' }),
        ]),
      ).toEqual(new Map());
      expect([1, 2, 3].map((n) => roots.sourceOf(traceId(n)))).toEqual(['/api/chat', undefined, 'job:nightly-digest']);
      expect(roots.size).toEqual({ sources: 2, awaiting: 0 });
    });

    it('returns corrections only for traces that settle() left awaiting their root', () => {
      const roots = new RootRoutes();
      roots.settle(new Map(), [traceId(1)]);
      roots.settle(new Map(), [traceId(3)]);

      expect(roots.learn([root(1, '/api/chat'), root(2, '/api/search'), span(3, CLIENT, {})])).toEqual(
        new Map([[traceId(1), '/api/chat']]),
      );
    });

    it('returns a correction again until corrected() is called, and not after', () => {
      const roots = new RootRoutes();
      roots.settle(new Map(), [traceId(1)]);

      expect(roots.learn([root(1, '/api/chat')])).toEqual(new Map([[traceId(1), '/api/chat']]));
      expect(roots.learn([root(1, '/api/chat')])).toEqual(new Map([[traceId(1), '/api/chat']]));
      roots.corrected(traceId(1));
      expect(roots.learn([root(1, '/api/chat')])).toEqual(new Map());
      expect(roots.size).toEqual({ sources: 1, awaiting: 0 });
    });

    it('takes the later root when a trace has two', () => {
      const roots = new RootRoutes();
      roots.settle(new Map(), [traceId(1)]);

      expect(roots.learn([root(1, '/api/chat'), root(1, '/api/chat/retry')])).toEqual(
        new Map([[traceId(1), '/api/chat/retry']]),
      );
      expect(roots.sourceOf(traceId(1))).toBe('/api/chat/retry');
    });
  });

  describe('settle', () => {
    it('corrects the unattributed traces whose root is known by now and leaves the others awaiting it', () => {
      const roots = new RootRoutes();
      roots.learn([root(1, '/api/chat')]);
      const learned = new Map([[traceId(5), '/api/search']]);

      expect(roots.settle(learned, [traceId(1), traceId(2), traceId(2)])).toEqual(
        new Map([
          [traceId(5), '/api/search'],
          [traceId(1), '/api/chat'],
        ]),
      );
      expect(roots.size).toEqual({ sources: 1, awaiting: 1 });
      expect(roots.learn([root(2, '/api/later')])).toEqual(new Map([[traceId(2), '/api/later']]));
    });
  });

  describe('sourceOf', () => {
    it('returns undefined for a trace whose root it has not seen', () => {
      expect(new RootRoutes().sourceOf(traceId(1))).toBe(undefined);
    });
  });

  describe('maxTraces', () => {
    it('forgets the oldest source past maxTraces', () => {
      const roots = new RootRoutes({ maxTraces: 3 });
      roots.learn([root(1, '/one'), root(2, '/two'), root(3, '/three'), root(4, '/four')]);

      expect([1, 2, 3, 4].map((n) => roots.sourceOf(traceId(n)))).toEqual([undefined, '/two', '/three', '/four']);
      expect(roots.size).toEqual({ sources: 3, awaiting: 0 });
    });

    it('counts a root learnt again as the newest', () => {
      const roots = new RootRoutes({ maxTraces: 3 });
      roots.learn([root(1, '/one'), root(2, '/two'), root(3, '/three'), root(1, '/one'), root(4, '/four')]);

      expect([1, 2, 3, 4].map((n) => roots.sourceOf(traceId(n)))).toEqual(['/one', undefined, '/three', '/four']);
    });

    it('forgets the oldest awaiting trace past maxTraces', () => {
      const roots = new RootRoutes({ maxTraces: 3 });
      for (const n of [1, 2, 3, 4]) roots.settle(new Map(), [traceId(n)]);

      expect(roots.size).toEqual({ sources: 0, awaiting: 3 });
      expect(roots.learn([1, 2, 3, 4].map((n) => root(n, `/route-${n}`)))).toEqual(
        new Map([
          [traceId(2), '/route-2'],
          [traceId(3), '/route-3'],
          [traceId(4), '/route-4'],
        ]),
      );
    });
  });

  describe('ttlMs', () => {
    it('keeps a source for ttlMs and forgets it after', () => {
      const clock = manualClock();
      const roots = new RootRoutes({ ttlMs: 1000, now: clock.now });
      roots.learn([root(1, '/api/chat')]);

      clock.advance(1000);
      expect(roots.sourceOf(traceId(1))).toBe('/api/chat');
      clock.advance(1);
      expect(roots.sourceOf(traceId(1))).toBe(undefined);
      expect(roots.size).toEqual({ sources: 0, awaiting: 0 });
    });

    it('forgets a trace awaiting its root after ttlMs', () => {
      const clock = manualClock();
      const roots = new RootRoutes({ ttlMs: 1000, now: clock.now });
      roots.settle(new Map(), [traceId(1)]);
      roots.settle(new Map(), [traceId(2)]);

      clock.advance(600);
      roots.settle(new Map(), [traceId(3)]);
      clock.advance(401);

      expect(roots.learn([1, 2, 3].map((n) => root(n, `/route-${n}`)))).toEqual(new Map([[traceId(3), '/route-3']]));
    });

    it('drops expired entries of both maps when it adds new ones', () => {
      const clock = manualClock();
      const roots = new RootRoutes({ ttlMs: 1000, now: clock.now });
      roots.learn([root(1, '/one')]);
      roots.settle(new Map(), [traceId(11)]);
      clock.advance(500);
      roots.learn([root(2, '/two')]);
      roots.settle(new Map(), [traceId(12)]);

      clock.advance(700);
      roots.learn([root(3, '/three')]);
      roots.settle(new Map(), [traceId(13)]);

      expect(roots.size).toEqual({ sources: 2, awaiting: 2 });
      expect([1, 2, 3].map((n) => roots.sourceOf(traceId(n)))).toEqual([undefined, '/two', '/three']);
    });
  });
});
