// Property tests of decodeProtobuf and decodeJson with fast-check, fixed seeds: generated requests decode to
// exactly the records they describe, and mutated, mistyped, deeply nested, huge or non-UTF-8 bodies either
// decode to records the mapping turns into storable rows or are refused with a DecodeError, never anything
// else. The run counts and outcomes are asserted exactly, so a change in what the generators reach shows.
import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { mutate, mutation } from '../../test/support/byte-mutations';
import { rowViolations } from '../../test/support/storable-row';
import { createPriceBook } from '../../lib/ledger/price-book';
import { spanToInteraction, type SpanRecord } from '../../lib/ledger/span-to-interaction';
import { decodeJson } from './decode-json';
import { decodeProtobuf } from './decode-protobuf';
import { ExportTraceServiceRequest } from './otlp-schema';
import { DecodeError, type DecodedRequest, type OtlpSpan } from './otlp-span';
import { MAX_VALUE_DEPTH, TOO_DEEP } from './otlp-values';

const priceBook = createPriceBook();
const SEED = 20261126;
const MAX_UINT64 = 2n ** 64n - 1n;
const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Generated requests: each value carries its OTLP/JSON form, its protobufjs object and the decoded value.

interface GenValue {
  json: Record<string, unknown>;
  pb: Record<string, unknown>;
  expected: AttributeValue;
}

const SQL = "'); DROP TABLE ai_interaction; --";
const HTML = '<script>alert(1)</script>';

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom(SQL, HTML, 'a\u0000b', '', '/api/leads/123/draft', '__proto__') },
);

const stringValue: fc.Arbitrary<GenValue> = text.map((s) => ({
  json: { stringValue: s },
  pb: { stringValue: s },
  expected: s,
}));
const boolValue: fc.Arbitrary<GenValue> = fc.boolean().map((b) => ({
  json: { boolValue: b },
  pb: { boolValue: b },
  expected: b,
}));
// int64 is a decimal string in OTLP/JSON; a JSON number is read too.
const intValue: fc.Arbitrary<GenValue> = fc
  .tuple(fc.maxSafeInteger(), fc.boolean())
  .map(([n, asString]) => ({ json: { intValue: asString ? String(n) : n }, pb: { intValue: n }, expected: n }));
// -0 is written "0" by JSON.stringify, so it is left out; NaN and the infinities are strings in OTLP/JSON.
const doubleValue: fc.Arbitrary<GenValue> = fc
  .double()
  .map((d) => (Object.is(d, -0) ? 0 : d))
  .map((d) => ({
    json: { doubleValue: Number.isFinite(d) ? d : String(d) },
    pb: { doubleValue: d },
    expected: d,
  }));
const bytesValue: fc.Arbitrary<GenValue> = fc.uint8Array({ maxLength: 24 }).map((bytes) => {
  const base64 = Buffer.from(bytes).toString('base64');
  return { json: { bytesValue: base64 }, pb: { bytesValue: Buffer.from(bytes) }, expected: base64 };
});
/** An array of one primitive type stays an array. */
const homogeneousArray: fc.Arbitrary<GenValue> = fc
  .oneof(fc.array(stringValue, { maxLength: 4 }), fc.array(intValue, { maxLength: 4 }), fc.array(boolValue))
  .map((values) => ({
    json: { arrayValue: { values: values.map((v) => v.json) } },
    pb: { arrayValue: { values: values.map((v) => v.pb) } },
    expected: values.map((v) => v.expected) as AttributeValue,
  }));
/** A key-value list is kept as its JSON text. */
const kvlistValue: fc.Arbitrary<GenValue> = fc
  .uniqueArray(fc.tuple(text, fc.oneof(stringValue, intValue, boolValue)), {
    maxLength: 4,
    selector: ([key]) => key,
  })
  .map((entries) => ({
    json: { kvlistValue: { values: entries.map(([key, v]) => ({ key, value: v.json })) } },
    pb: { kvlistValue: { values: entries.map(([key, v]) => ({ key, value: v.pb })) } },
    expected: JSON.stringify(Object.fromEntries(entries.map(([key, v]) => [key, v.expected]))),
  }));

const anyValue = fc.oneof(stringValue, boolValue, intValue, doubleValue, bytesValue, homogeneousArray, kvlistValue);

const attributeKey = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'ai.source',
      'ai.feature',
      'gen_ai.operation.name',
      'ai.attr.__proto__',
    ),
  },
);
const attributeList = fc.uniqueArray(fc.tuple(attributeKey, anyValue), { maxLength: 6, selector: ([key]) => key });

const nonZeroHex = (bytes: number) =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .filter((a) => a.some((b) => b !== 0))
    .map((a) => Buffer.from(a).toString('hex'));

interface GenSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attributes: [string, GenValue][];
  status: number;
}

const span: fc.Arbitrary<GenSpan> = fc
  .record({
    traceId: nonZeroHex(16),
    spanId: nonZeroHex(8),
    parentSpanId: fc.option(nonZeroHex(8), { nil: undefined }),
    name: text,
    kind: fc.integer({ min: 0, max: 5 }),
    start: fc.bigInt({ min: 1n, max: MAX_UINT64 }),
    duration: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: MAX_UINT64 })),
    attributes: attributeList,
    status: fc.integer({ min: 0, max: 2 }),
  })
  .filter((s) => s.start + s.duration <= MAX_UINT64)
  .map(({ duration, ...s }) => ({ ...s, end: s.start + duration }));

interface GenResource {
  serviceName: string | undefined;
  scopes: GenSpan[][];
}

const request = fc.array(
  fc.record({
    serviceName: fc.option(text, { nil: undefined }),
    scopes: fc.array(fc.array(span, { maxLength: 3 }), { maxLength: 2 }),
  }),
  { maxLength: 3 },
);

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

function jsonBody(resources: GenResource[]): string {
  return JSON.stringify({
    resourceSpans: resources.map((r) => ({
      resource: {
        attributes: r.serviceName === undefined ? [] : [kv('service.name', { stringValue: r.serviceName })],
      },
      scopeSpans: r.scopes.map((spans) => ({
        scope: { name: 'fuzz' },
        spans: spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId !== undefined && { parentSpanId: s.parentSpanId }),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(s.start),
          endTimeUnixNano: String(s.end),
          attributes: s.attributes.map(([key, v]) => kv(key, v.json)),
          status: { code: s.status },
        })),
      })),
    })),
  });
}

function protobufBody(resources: GenResource[]): Uint8Array {
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: resources.map((r) => ({
      resource: {
        attributes: r.serviceName === undefined ? [] : [kv('service.name', { stringValue: r.serviceName })],
      },
      scopeSpans: r.scopes.map((spans) => ({
        scope: { name: 'fuzz' },
        spans: spans.map((s) => ({
          traceId: Buffer.from(s.traceId, 'hex'),
          spanId: Buffer.from(s.spanId, 'hex'),
          ...(s.parentSpanId !== undefined && { parentSpanId: Buffer.from(s.parentSpanId, 'hex') }),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(s.start),
          endTimeUnixNano: String(s.end),
          attributes: s.attributes.map(([key, v]) => kv(key, v.pb)),
          status: { code: s.status },
        })),
      })),
    })),
  });
  return ExportTraceServiceRequest.encode(message).finish();
}

/** What the decoders must return for `resources`, computed without them. */
function expectedDecoded(resources: GenResource[]): DecodedRequest {
  const spans: OtlpSpan[] = [];
  for (const r of resources) {
    for (const scope of r.scopes) {
      for (const s of scope) {
        const attributes: Attributes = Object.fromEntries(s.attributes.map(([key, v]) => [key, v.expected]));
        const record: SpanRecord = {
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          startTimeMs: Number(s.start / 1000n) / 1000,
          durationMs: Number(s.end - s.start) / 1e6,
          attributes,
          statusCode: [SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR][s.status] ?? SpanStatusCode.UNSET,
          serviceName: r.serviceName,
          scope: { name: 'fuzz', version: undefined },
        };
        spans.push({ record, kind: s.kind });
      }
    }
  }
  return { spans, rejected: 0, rejectReasons: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes of hostile bodies.

type Outcome = 'decoded' | 'refused';

/**
 * Decodes `body`: a DecodeError is 'refused'; anything else thrown fails the property. Each decoded span is
 * mapped, and every row must be one Postgres can store.
 */
function outcomeOf(decode: () => DecodedRequest): Outcome {
  let decoded: DecodedRequest;
  try {
    decoded = decode();
  } catch (error) {
    if (error instanceof DecodeError) return 'refused';
    throw error;
  }
  expect(decoded.rejected).toBeGreaterThanOrEqual(0);
  for (const { record } of decoded.spans) {
    const row = spanToInteraction(record, { priceBook });
    if (row !== null) expect(rowViolations(row)).toEqual([]);
  }
  return 'decoded';
}

const CHAT: [string, GenValue] = [
  'gen_ai.operation.name',
  { json: { stringValue: 'chat' }, pb: { stringValue: 'chat' }, expected: 'chat' },
];

/** A request with an AI span (which the mapping turns into a row) and another span, for mutations to hit. */
const someRequest = fc
  .tuple(
    span.map((s) => ({ ...s, attributes: [CHAT, ...s.attributes.filter(([key]) => key !== CHAT[0])] })),
    span,
  )
  .map(([ai, other]): GenResource[] => [{ serviceName: 'fuzz-service', scopes: [[ai, other]] }]);

/** Runs `property` `numRuns` times from SEED and counts each outcome. */
function countOutcomes<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, run: (value: T) => Outcome) {
  const counts: Record<Outcome, number> = { decoded: 0, refused: 0 };
  fc.assert(
    fc.property(arbitrary, (value) => {
      counts[run(value)] += 1;
    }),
    { seed: SEED, numRuns },
  );
  return counts;
}

// ---------------------------------------------------------------------------------------------------------

describe('decodeProtobuf and decodeJson (properties)', () => {
  describe('generated requests', () => {
    it('decode from protobuf to exactly the records they describe (500 requests)', () => {
      fc.assert(
        fc.property(request, (resources) => {
          expect(decodeProtobuf(protobufBody(resources))).toEqual(expectedDecoded(resources));
        }),
        { seed: SEED, numRuns: 500 },
      );
    });

    it('decode from JSON to exactly the records they describe (500 requests)', () => {
      fc.assert(
        fc.property(request, (resources) => {
          expect(decodeJson(jsonBody(resources))).toEqual(expectedDecoded(resources));
        }),
        { seed: SEED, numRuns: 500 },
      );
    });

    it('keep an attribute named __proto__ as an attribute, in both encodings', () => {
      const resources: GenResource[] = [
        {
          serviceName: 's',
          scopes: [
            [
              {
                traceId: '1'.repeat(32),
                spanId: '2'.repeat(16),
                parentSpanId: undefined,
                name: 'n',
                kind: 3,
                start: 1n,
                end: 2n,
                attributes: [
                  ['__proto__', { json: { arrayValue: { values: [] } }, pb: { arrayValue: {} }, expected: [] }],
                ],
                status: 0,
              },
            ],
          ],
        },
      ];
      for (const decoded of [decodeJson(jsonBody(resources)), decodeProtobuf(protobufBody(resources))]) {
        const { attributes } = decoded.spans[0]?.record ?? { attributes: {} };
        expect([Object.keys(attributes), Object.getPrototypeOf(attributes) === Object.prototype]).toEqual([
          ['__proto__'],
          true,
        ]);
      }
    });
  });

  describe('mutated bodies', () => {
    it('protobuf with bit flips, truncations, insertions and deletions: records or a DecodeError (3,000 bodies)', () => {
      const counts = countOutcomes(
        fc.tuple(someRequest, fc.array(mutation, { minLength: 1, maxLength: 4 })),
        3000,
        ([resources, mutations]) => outcomeOf(() => decodeProtobuf(mutate(protobufBody(resources), mutations))),
      );
      expect(counts).toEqual({ decoded: 190, refused: 2810 });
    });

    it('JSON bytes mutated, then read as UTF-8 the way the sink reads them (1,500 bodies)', () => {
      const counts = countOutcomes(
        fc.tuple(someRequest, fc.array(mutation, { minLength: 1, maxLength: 4 })),
        1500,
        ([resources, mutations]) =>
          outcomeOf(() => decodeJson(mutate(Buffer.from(jsonBody(resources)), mutations).toString('utf8'))),
      );
      expect(counts).toEqual({ decoded: 229, refused: 1271 });
    });

    it('JSON with values of the wrong type anywhere in the tree (1,500 bodies)', () => {
      const wrongValue = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(1e300, -1, 1.5, '18446744073709551616', '-5', 'NaN', 'Infinity', [], {}, null, true, '\ud800'),
      );
      const counts = countOutcomes(
        fc.tuple(someRequest, fc.array(fc.tuple(fc.nat(), wrongValue), { minLength: 1, maxLength: 5 })),
        1500,
        ([resources, replacements]) => {
          const tree: unknown = JSON.parse(jsonBody(resources));
          for (const [at, value] of replacements) replaceNode(tree, at, value);
          return outcomeOf(() => decodeJson(JSON.stringify(tree)));
        },
      );
      expect(counts).toEqual({ decoded: 1431, refused: 69 });
    });

    it('JSON with any number or string as start and end time (1,000 bodies)', () => {
      const time = fc.oneof(
        fc.double(),
        fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
        fc.constantFrom(1e300, 1e21, 1.5e19, '18446744073709551615', '18446744073709551616', '99999999999999999999'),
      );
      const counts = countOutcomes(
        fc.tuple(someRequest, time, fc.option(time, { nil: undefined })),
        1000,
        ([resources, start, end]) => {
          const tree = JSON.parse(jsonBody(resources)) as {
            resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
          };
          for (const span of tree.resourceSpans[0]?.scopeSpans[0]?.spans ?? []) {
            span.startTimeUnixNano = start;
            span.endTimeUnixNano = end ?? start;
          }
          return outcomeOf(() => decodeJson(JSON.stringify(tree)));
        },
      );
      expect(counts).toEqual({ decoded: 1000, refused: 0 });
    });
  });

  describe('deep nesting', () => {
    const LEVELS = 10_000;

    it(`cuts a JSON array nested ${LEVELS.toLocaleString('en')} levels deep at ${MAX_VALUE_DEPTH}`, () => {
      const value = '{"arrayValue":{"values":['.repeat(LEVELS) + '{"stringValue":"x"}' + ']}}'.repeat(LEVELS);
      const decoded = decodeJson(oneSpanJson(`{"key":"deep","value":${value}}`));
      expect(decoded.spans[0]?.record.attributes.deep).toBe(
        '['.repeat(MAX_VALUE_DEPTH) + JSON.stringify(TOO_DEEP) + ']'.repeat(MAX_VALUE_DEPTH),
      );
    });

    it(`cuts a JSON key-value list nested ${LEVELS.toLocaleString('en')} levels deep at ${MAX_VALUE_DEPTH}`, () => {
      const value =
        '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(LEVELS) + '{"stringValue":"x"}' + '}]}}'.repeat(LEVELS);
      const decoded = decodeJson(oneSpanJson(`{"key":"deep","value":${value}}`));
      expect(decoded.spans[0]?.record.attributes.deep).toBe(
        '{"k":'.repeat(MAX_VALUE_DEPTH) + JSON.stringify(TOO_DEEP) + '}'.repeat(MAX_VALUE_DEPTH),
      );
    });

    it(`refuses protobuf nested ${LEVELS.toLocaleString('en')} levels deep with a DecodeError`, () => {
      expect(() => decodeProtobuf(oneSpanProtobuf('deep', nestedArrays(LEVELS)))).toThrow(
        new DecodeError('the body is not a valid OTLP ExportTraceServiceRequest: max depth exceeded'),
      );
    });

    it(`cuts protobuf nested 40 levels deep (under protobufjs's limit of 100 messages) at ${MAX_VALUE_DEPTH}`, () => {
      const decoded = decodeProtobuf(oneSpanProtobuf('deep', nestedArrays(40)));
      expect(decoded.spans[0]?.record.attributes.deep).toBe(
        '['.repeat(MAX_VALUE_DEPTH) + JSON.stringify(TOO_DEEP) + ']'.repeat(MAX_VALUE_DEPTH),
      );
    });
  });

  describe('huge values', () => {
    it('keeps a 5 MiB attribute value whole in both encodings, and the mapping bounds what it indexes', () => {
      const huge = 'é'.repeat(5 * MiB);
      const json = decodeJson(oneSpanJson(`{"key":"ai.source","value":{"stringValue":"/${huge}"}}`));
      const pb = decodeProtobuf(oneSpanProtobuf('ai.source', stringAnyValue(`/${huge}`)));
      for (const decoded of [json, pb]) {
        const [only] = decoded.spans;
        expect((only?.record.attributes['ai.source'] as string).length).toBe(5 * MiB + 1);
        const row = only && spanToInteraction(only.record, { priceBook });
        // 1 + 254 × 2 bytes, then '…'.
        expect(row?.source).toBe(`/${'é'.repeat(254)}…`);
      }
    });
  });

  describe('text that is not well-formed', () => {
    // protobufjs reads strings with a fatal UTF-8 decoder: proto3 strings must be valid UTF-8, so such a
    // body is malformed as a whole (400), not a span to store with replacement characters.
    it('refuses invalid UTF-8 inside a protobuf string with a DecodeError', () => {
      const marker = Buffer.from('MARKER-MARKER');
      const body = Buffer.from(oneSpanProtobuf('ai.source', stringAnyValue(`/x/${marker.toString()}`)));
      expect(decodeProtobuf(body).spans.map((s) => s.record.attributes['ai.source'])).toEqual(['/x/MARKER-MARKER']);
      // A lone continuation byte, a truncated 2-byte sequence, an overlong NUL, a surrogate encoded in UTF-8.
      body.set([0x80, 0xc3, 0x28, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0x00, 0x41, 0x42], body.indexOf(marker));
      expect(() => decodeProtobuf(body)).toThrow(
        new DecodeError(
          'the body is not a valid OTLP ExportTraceServiceRequest: The encoded data was not valid for encoding utf-8',
        ),
      );
    });

    it('maps a JSON-escaped lone surrogate and NUL to U+FFFD', () => {
      const [only] = decodeJson(oneSpanJson('{"key":"ai.source","value":{"stringValue":"/a\\ud800b\\u0000"}}')).spans;
      expect(only && spanToInteraction(only.record, { priceBook })?.source).toBe('/a\uFFFDb\uFFFD');
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

/** Replaces the `at`-th node (modulo their count, in depth-first order) of a parsed JSON tree with `value`. */
function replaceNode(tree: unknown, at: number, value: unknown): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        slots.push([node, i]);
        walk(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    }
  };
  walk(tree);
  const slot = slots[at % Math.max(slots.length, 1)];
  if (slot) (slot[0] as Record<string | number, unknown>)[slot[1]] = value;
}

/** An OTLP/JSON request with one chat span whose attributes are `attributeJson` (JSON text) and the operation. */
function oneSpanJson(attributeJson: string): string {
  return (
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' +
    '1'.repeat(32) +
    '","spanId":"' +
    '2'.repeat(16) +
    '","name":"chat","kind":3,"startTimeUnixNano":"1764072000000000000","endTimeUnixNano":"1764072000250000000",' +
    '"attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},' +
    attributeJson +
    ']}]}]}]}'
  );
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let rest = n;
  while (rest > 127) {
    out.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** A length-delimited protobuf field. */
const field = (tag: number, bytes: Uint8Array) => Buffer.concat([Buffer.from([tag]), varint(bytes.length), bytes]);

/** An AnyValue holding string_value (1) `text`. */
const stringAnyValue = (text: string) => field(0x0a, Buffer.from(text));

/** An AnyValue of arrays `levels` deep around "x", written byte by byte (protobufjs's encoder would refuse it). */
function nestedArrays(levels: number): Buffer {
  let value = stringAnyValue('x');
  // AnyValue.array_value (5) holding ArrayValue.values (1).
  for (let i = 0; i < levels; i++) value = field(0x2a, field(0x0a, value));
  return value;
}

/** An OTLP/protobuf request with one chat span and attribute `key` holding the encoded AnyValue `anyValue`. */
function oneSpanProtobuf(key: string, anyValue: Uint8Array): Uint8Array {
  const fixed64 = (tag: number, n: bigint) => {
    const b = Buffer.alloc(9);
    b[0] = tag;
    b.writeBigUInt64LE(n, 1);
    return b;
  };
  const keyValue = (key: string, value: Uint8Array) =>
    field(0x4a, Buffer.concat([field(0x0a, Buffer.from(key)), field(0x12, value)]));
  const span = Buffer.concat([
    field(0x0a, Buffer.alloc(16, 0x11)),
    field(0x12, Buffer.alloc(8, 0x22)),
    field(0x2a, Buffer.from('chat')),
    fixed64(0x39, 1_764_072_000_000_000_000n),
    fixed64(0x41, 1_764_072_000_250_000_000n),
    keyValue('gen_ai.operation.name', field(0x0a, Buffer.from('chat'))),
    keyValue(key, anyValue),
  ]);
  return field(0x0a, field(0x12, field(0x12, span)));
}
