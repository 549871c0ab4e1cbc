// rootSourceOf: which spans give their trace a source, and which source.
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import type { OtlpSpan } from './otlp/otlp-span';
import { rootSourceOf } from './root-routes';

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
