// Property tests of spanToInteraction and normalizeSource with fast-check, fixed seeds: any attributes (any
// type, huge, NUL, lone surrogates, SQL and HTML) give a row Postgres can store or null, never a throw; text
// that needs no change is stored literally; a route's ids never multiply its sources.
import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isStorableText, rowViolations } from '../../test/support/storable-row';
import { createPriceBook } from './price-book';
import { MAX_KEY_TEXT_BYTES } from './storable-text';
import * as attributeKeys from './attributes';
import { normalizeSource } from './source-rules';
import { spanToInteraction, type SpanRecord } from './span-to-interaction';

const priceBook = createPriceBook();
const SEED = 20261126;
const SQL = "'); DROP TABLE ai_interaction; --";
const HTML = '<script>alert(1)</script>';

/** Any UTF-16 code units: NUL, lone surrogates, controls, anything. */
const codeUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((codes) => String.fromCharCode(...codes));
/** Up to 1 MiB of one repeated piece, so a run stays cheap. */
const huge = fc
  .tuple(
    codeUnits.filter((s) => s.length > 0),
    fc.integer({ min: 1, max: 1024 * 1024 }),
  )
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: codeUnits },
  { weight: 1, arbitrary: huge },
  {
    weight: 2,
    arbitrary: fc.constantFrom(SQL, HTML, '', '\u0000', '\uD800', '\uDC00a', '/api/leads/123/draft', 'chat', 'openai'),
  },
);
const primitive = fc.oneof(
  hostileString,
  fc.integer(),
  fc.integer({ min: 2 ** 31 - 5, max: 2 ** 31 + 5 }),
  fc.double(),
  fc.boolean(),
);
const attributeValue: fc.Arbitrary<AttributeValue | undefined> = fc.oneof(
  primitive,
  fc.array(fc.oneof(primitive, fc.constant(null), fc.constant(undefined)), {
    maxLength: 5,
  }) as fc.Arbitrary<AttributeValue>,
  fc.constant(undefined),
);

/** Every attribute key Spendtrace reads, so the generated spans reach every branch of the mapping. */
const KNOWN_KEYS: string[] = Object.values(attributeKeys).filter((v: string) => v.includes('.'));
const OPERATION_VALUES = ['chat', 'responses', 'embeddings', 'token_count', 'text_completion', 'count_tokens'];

const attributeKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  { weight: 1, arbitrary: hostileString.map((s) => `ai.attr.${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'ai.attr.__proto__', 'constructor') },
  { weight: 1, arbitrary: codeUnits },
);

/** Attributes with an operation most of the time, so most spans map to a row. */
const attributes: fc.Arbitrary<Attributes> = fc
  .tuple(
    fc.array(fc.tuple(attributeKey, attributeValue), { maxLength: 12 }),
    fc.option(fc.constantFrom(...OPERATION_VALUES), { freq: 4 }),
  )
  .map(([entries, operation]) => {
    const out: Attributes = {};
    for (const [key, value] of entries)
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    if (operation !== null) out['gen_ai.operation.name'] = operation;
    return out;
  });

const hexId = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a).toString('hex'));

/** A record as the decoders and fromReadableSpan give it: valid ids and times, anything in the attributes. */
const spanRecord: fc.Arbitrary<SpanRecord> = fc.record({
  traceId: hexId(16),
  spanId: hexId(8),
  parentSpanId: fc.option(hexId(8), { nil: undefined }),
  name: hostileString,
  // The decoders' range: 0 to 2^64 - 1 nanoseconds after the epoch.
  startTimeMs: fc.integer({ min: 0, max: 18_446_744_073_709 }),
  durationMs: fc.double({ min: 0, max: 1.8e13, noNaN: true }),
  attributes,
  statusCode: fc.constantFrom(SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR),
  serviceName: fc.option(hostileString, { nil: undefined }),
});

const OUR_OPERATIONS = new Set(['chat', 'responses', 'embeddings', 'token_count']);
const GEN_AI_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings', 'count_tokens']);

/** Whether the span is an AI call, read without the mapping's helpers. */
function isAiCall(attributes: Attributes): boolean {
  const ours = attributes['ai.operation'];
  const genAi = attributes['gen_ai.operation.name'];
  return (
    (typeof ours === 'string' && OUR_OPERATIONS.has(ours)) ||
    (typeof genAi === 'string' && GEN_AI_OPERATIONS.has(genAi))
  );
}

describe('spanToInteraction (properties)', () => {
  it('maps any attributes to a row Postgres can store, or to null for a span that is not an AI call (3,000 spans)', () => {
    let rows = 0;
    fc.assert(
      fc.property(spanRecord, (span) => {
        const row = spanToInteraction(span, { priceBook });
        expect(row === null).toBe(!isAiCall(span.attributes));
        if (row !== null) {
          rows += 1;
          expect(rowViolations(row)).toEqual([]);
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(rows).toBe(1495);
  });

  it('stores a source and feature that need no change literally: SQL, HTML, quotes, any language (1,000 strings)', () => {
    const literal = fc
      .oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }), fc.constantFrom(SQL, HTML))
      .filter((s) => !s.startsWith('/') && isStorableText(s) && Buffer.byteLength(s) <= MAX_KEY_TEXT_BYTES);
    fc.assert(
      fc.property(literal, (text) => {
        const row = spanToInteraction(
          {
            traceId: '1'.repeat(32),
            spanId: '2'.repeat(16),
            parentSpanId: undefined,
            name: 'chat',
            startTimeMs: 1_764_072_000_000,
            durationMs: 1,
            attributes: { 'gen_ai.operation.name': 'chat', 'ai.source': text, 'ai.feature': text },
            statusCode: SpanStatusCode.UNSET,
            serviceName: text,
          },
          { priceBook },
        );
        expect([row?.source, row?.featureId, row?.serviceName]).toEqual([text, text, text]);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('normalizeSource (properties)', () => {
  /** A template segment: a name (no digit, at most 15 letters) or a Next.js dynamic segment. */
  const templateSegment = fc.oneof(
    fc.stringMatching(/^[a-z][a-z-]{0,14}$/),
    fc.constantFrom('[id]', '[slug]', '[...path]'),
  );
  const template = fc.array(templateSegment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`);
  const id = fc.oneof(
    fc.nat().map(String),
    fc.uuid(),
    fc.stringMatching(/^[0-9a-f]{16,32}$/),
    fc.stringMatching(/^[0-9A-Z]{26}$/).filter((s) => /\d/.test(s)),
    fc.emailAddress().filter((s) => !s.includes('/') && !s.includes('?') && !s.includes('#')),
  );

  it('leaves route templates as they are (1,000 templates)', () => {
    fc.assert(
      fc.property(template, (path) => {
        expect(normalizeSource(path)).toBe(path);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('gives every id in a raw path the one template: 200 ids, one source (200 routes)', () => {
    fc.assert(
      fc.property(
        fc.tuple(template, template),
        fc.array(fc.tuple(id, fc.option(fc.string(), { nil: undefined })), { minLength: 200, maxLength: 200 }),
        ([before, after], ids) => {
          const sources = new Set(
            ids.map(([value, query]) =>
              normalizeSource(`${before}/${value}${after}${query === undefined ? '' : `?${query}`}`),
            ),
          );
          expect([...sources]).toEqual([`${before}/[id]${after}`]);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('is idempotent, and keeps sources that are not routes as they are (2,000 strings)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          hostileString.map((s) => `/${s}`),
        ),
        (source) => {
          const once = normalizeSource(source);
          expect(normalizeSource(once)).toBe(once);
          if (!source.startsWith('/')) expect(once).toBe(source);
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
