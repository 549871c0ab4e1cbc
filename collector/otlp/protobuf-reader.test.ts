// decodeProtobuf reads the wire format itself (ProtobufReader); the sink decoded with protobufjs before. These
// tests hold it to protobufjs, byte for byte: for hand-written bodies (fields in any order, repeated, unknown,
// of the wrong wire type, groups, malformed) and for thousands of generated and mutated ones, it returns
// exactly what the protobufjs-based decoder returned, or throws the DecodeError it threw, message included.
import { inspect } from 'node:util';
import type { Attributes } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { mutate, mutation } from '../../test/support/byte-mutations';
import { decodeProtobuf } from './decode-protobuf';
import { ExportTraceServiceRequest } from './otlp-schema';
import { DecodeError, type DecodedRequest, type OtlpSpan } from './otlp-span';
import {
  attributeValue,
  MAX_VALUE_DEPTH,
  putAttribute,
  Rejections,
  scopeOf,
  serviceOf,
  TOO_DEEP,
  toSpanRecord,
  type PlainValue,
} from './otlp-values';

const SEED = 20261127;

/** Bytes as the reference read ids: lowercase hex, empty for none. */
function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined || bytes.length === 0 ? '' : Buffer.from(bytes).toString('hex');
}

// ---------------------------------------------------------------------------------------------------------
// The reference: decodeProtobuf as it was, protobufjs's object tree walked into span records.

interface Long {
  high: number;
  low: number;
  toString(): string;
}
interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Long | number;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key?: string;
  value?: PbAnyValue;
}
interface PbSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: Long | number;
  endTimeUnixNano?: Long | number;
  attributes?: PbKeyValue[];
  status?: { code?: number };
}
interface PbRequest {
  resourceSpans?: {
    resource?: { attributes?: PbKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: PbSpan[] }[];
  }[];
}

function referenceNanos(value: Long | number | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? BigInt(Math.trunc(value)) : undefined;
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

function referenceValue(value: PbAnyValue | undefined, depth: number): PlainValue | undefined {
  if (depth > MAX_VALUE_DEPTH) return TOO_DEEP;
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'intValue':
      return typeof value.intValue === 'number' ? value.intValue : Number(value.intValue?.toString());
    case 'doubleValue':
      return value.doubleValue;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map((v) => referenceValue(v, depth + 1) ?? null);
    case 'kvlistValue':
      return Object.fromEntries(
        (value.kvlistValue?.values ?? []).map((kv) => [kv.key ?? '', referenceValue(kv.value, depth + 1) ?? null]),
      );
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return undefined;
  }
}

function referenceAttributes(list: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) {
    if (kv.key) putAttribute(out, kv.key, attributeValue(referenceValue(kv.value, 1)));
  }
  return out;
}

function referenceDecode(body: Uint8Array): DecodedRequest {
  let request: PbRequest;
  try {
    request = ExportTraceServiceRequest.decode(body) as PbRequest;
  } catch (error) {
    throw new DecodeError(`the body is not a valid OTLP ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  const spans: OtlpSpan[] = [];
  const rejections = new Rejections();
  for (const resourceSpans of request.resourceSpans ?? []) {
    const { serviceName, serviceVersion } = serviceOf(referenceAttributes(resourceSpans.resource?.attributes));
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeOf(scopeSpans.scope?.name, scopeSpans.scope?.version);
      for (const span of scopeSpans.spans ?? []) {
        const record = toSpanRecord({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          startNanos: referenceNanos(span.startTimeUnixNano),
          endNanos: referenceNanos(span.endTimeUnixNano),
          attributes: referenceAttributes(span.attributes),
          statusCode: span.status?.code ?? 0,
          serviceName,
          serviceVersion,
          scope,
        });
        if (typeof record === 'string') rejections.add(record);
        else spans.push({ record, kind: span.kind ?? 0 });
      }
    }
  }
  return { spans, rejected: rejections.count, rejectReasons: rejections.reasons };
}

// ---------------------------------------------------------------------------------------------------------
// Comparing the two.

type Outcome = { decoded: DecodedRequest; text: string } | { error: string };

function outcomeOf(decode: (body: Uint8Array) => DecodedRequest, body: Uint8Array): Outcome {
  try {
    const decoded = decode(body);
    // inspect shows what toStrictEqual does not: key order, -0, an own __proto__.
    return { decoded, text: inspect(decoded, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: 200 }) };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: `${error instanceof DecodeError ? 'DecodeError' : error.name}: ${error.message}` };
  }
}

/** Decodes `body` both ways; fails unless the outcomes are the same. Returns it. */
function sameAsProtobufjs(body: Uint8Array): Outcome {
  const expected = outcomeOf(referenceDecode, body);
  const actual = outcomeOf(decodeProtobuf, body);
  expect(actual).toStrictEqual(expected);
  return actual;
}

const errorOf = (outcome: Outcome) => ('error' in outcome ? outcome.error : 'decoded');

// ---------------------------------------------------------------------------------------------------------
// Writing the wire format by hand (protobufjs's encoder will not write most of what is tested here).

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const I32 = 5;

/** A varint of `value` (as uint64), with `padding` redundant 0x80 bytes before its last. */
function varint(value: bigint | number, padding = 0): Buffer {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest >= 128n) {
    bytes.push(Number(rest & 127n) | 128);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  for (let i = 0; i < padding; i++) {
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) | 128;
    bytes.push(0);
  }
  return Buffer.from(bytes);
}

const tag = (field: number, wireType: number) => varint(BigInt(field) * 8n + BigInt(wireType));
const len = (field: number, ...parts: Uint8Array[]) => {
  const bytes = Buffer.concat(parts);
  return Buffer.concat([tag(field, LEN), varint(bytes.length), bytes]);
};
const str = (field: number, text: string) => len(field, Buffer.from(text));
const num = (field: number, value: bigint | number, padding = 0) =>
  Buffer.concat([tag(field, VARINT), varint(value, padding)]);
const fixed64 = (field: number, value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
  return Buffer.concat([tag(field, I64), bytes]);
};
const double = (field: number, value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return Buffer.concat([tag(field, I64), bytes]);
};
const fixed32 = (field: number, value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return Buffer.concat([tag(field, I32), bytes]);
};
const group = (field: number, ...parts: Uint8Array[]) =>
  Buffer.concat([tag(field, START_GROUP), ...parts, tag(field, END_GROUP)]);

// Messages of trace.proto, field by field.
const request = (...resourceSpans: Uint8Array[]) => Buffer.concat(resourceSpans.map((r) => len(1, r)));
const stringValue = (text: string) => str(1, text);
const keyValue = (key: string, ...value: Uint8Array[]) => Buffer.concat([str(1, key), len(2, ...value)]);
const TRACE_ID = Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex');
const SPAN_ID = Buffer.from('00f067aa0ba902b7', 'hex');
const START = 1_764_072_000_000_000_000n;

/** The fields of a valid span (1 ms long), then `more`. */
const span = (...more: Uint8Array[]) =>
  Buffer.concat([
    len(1, TRACE_ID),
    len(2, SPAN_ID),
    str(5, 'chat'),
    num(6, 3),
    fixed64(7, START),
    fixed64(8, START + 1_000_000n),
    ...more,
  ]);
/** A request of one resource (service `service`) and one scope 'hand' holding `spans`. */
const oneResource = (service: string, ...spans: Uint8Array[]) =>
  request(
    Buffer.concat([
      len(1, len(1, keyValue('service.name', stringValue(service)))),
      len(2, len(1, str(1, 'hand')), ...spans.map((s) => len(2, s))),
    ]),
  );

function decodedSpans(body: Uint8Array) {
  const outcome = sameAsProtobufjs(body);
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome.decoded.spans;
}

function refusal(body: Uint8Array): string {
  const outcome = sameAsProtobufjs(body);
  if (!('error' in outcome)) throw new Error('expected a DecodeError; the body decoded');
  return outcome.error;
}

const REFUSED = 'DecodeError: the body is not a valid OTLP ExportTraceServiceRequest: ';

// ---------------------------------------------------------------------------------------------------------
// Generated bodies: OTLP requests written field by field in any order, with fields repeated, unknown, of the
// wrong wire type, groups, overlong varints, invalid UTF-8 and ids of every length now and then.

type MessageName =
  | 'Request'
  | 'ResourceSpans'
  | 'Resource'
  | 'ScopeSpans'
  | 'Scope'
  | 'Span'
  | 'Status'
  | 'KeyValue'
  | 'AnyValue'
  | 'ArrayValue'
  | 'KeyValueList';
/** A field's type: a scalar as the generator writes it, or a message. */
type Kind = 'string' | 'key' | 'id' | 'bytes' | 'varint' | 'bool' | 'int64' | 'fixed64' | 'double' | MessageName;

const SCHEMA: Record<MessageName, Record<number, Kind>> = {
  Request: { 1: 'ResourceSpans' },
  ResourceSpans: { 1: 'Resource', 2: 'ScopeSpans', 3: 'string' },
  Resource: { 1: 'KeyValue', 2: 'varint' },
  ScopeSpans: { 1: 'Scope', 2: 'Span', 3: 'string' },
  Scope: { 1: 'string', 2: 'string', 3: 'KeyValue', 4: 'varint' },
  Span: {
    1: 'id',
    2: 'id',
    4: 'id',
    5: 'string',
    6: 'varint',
    7: 'fixed64',
    8: 'fixed64',
    9: 'KeyValue',
    10: 'varint',
    15: 'Status',
  },
  Status: { 2: 'string', 3: 'varint' },
  KeyValue: { 1: 'key', 2: 'AnyValue' },
  AnyValue: {
    1: 'string',
    2: 'bool',
    3: 'int64',
    4: 'double',
    5: 'ArrayValue',
    6: 'KeyValueList',
    7: 'bytes',
  },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
};

/** The field of the list that leads to spans, by message. */
const LISTS: Partial<Record<MessageName, number>> = { Request: 1, ResourceSpans: 2, ScopeSpans: 2 };

/** A seeded generator of bodies (mulberry32): fast-check draws the seed, and the mutations. */
class BodyWriter {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private below(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(options: readonly T[]): T {
    return options[this.below(options.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  /** Mostly minimal varints; now and then padded, up to and past protobufjs's ten bytes. */
  private padding(): number {
    return this.chance(0.9) ? 0 : this.below(this.chance(0.8) ? 3 : 10);
  }

  message(name: MessageName, budget: number): Buffer {
    const fields: Buffer[] = [];
    // Most requests hold spans, and most spans are valid but for a few fields.
    const list = LISTS[name];
    if (list !== undefined) {
      for (let i = this.below(3); i > 0; i--) fields.push(this.known(list, SCHEMA[name][list] ?? 'bytes', budget));
    }
    if (name === 'Span' && this.chance(0.7)) fields.push(span());
    const count = this.below(name === 'Span' ? 3 : 4);
    for (let i = 0; i < count; i++) fields.push(this.field(name, budget));
    if (this.chance(0.3)) fields.reverse();
    return Buffer.concat(fields);
  }

  private field(name: MessageName, budget: number): Buffer {
    const schema = SCHEMA[name];
    const numbers = Object.keys(schema).map(Number);
    const roll = this.random();
    if (roll < 0.86) {
      const number = this.pick(numbers);
      return this.known(number, schema[number] ?? 'bytes', budget);
    }
    // A field the schema does not have, or one it has with another wire type: protobufjs skips both.
    const number = roll < 0.93 ? this.pick([...numbers, 11, 12, 99, 2 ** 29 - 1]) : this.pick([3, 16, 1000]);
    return this.unknown(number, budget);
  }

  private unknown(number: number, budget: number): Buffer {
    const roll = this.random();
    // Now and then what protobufjs refuses: an end-group tag with no group, a wire type that does not exist,
    // a group ended by another field's tag.
    if (roll < 0.03) return tag(number, END_GROUP);
    if (roll < 0.06) return Buffer.concat([tag(number, 6 + this.below(2)), varint(1)]);
    if (roll < 0.09) return Buffer.concat([tag(number, START_GROUP), this.unknown(7, 0), tag(number + 1, END_GROUP)]);
    switch (this.below(budget > 0 ? 5 : 4)) {
      case 0:
        return num(number, BigInt(this.below(2 ** 31)) * BigInt(this.below(2 ** 31)), this.padding());
      case 1:
        return fixed64(number, BigInt(this.below(2 ** 31)));
      case 2:
        return len(number, this.bytes(12));
      case 3:
        return fixed32(number, this.below(2 ** 31));
      default:
        return group(number, this.unknown(7, budget - 1), this.unknown(8, budget - 1));
    }
  }

  private bytes(max: number): Buffer {
    return Buffer.from(Array.from({ length: this.below(max + 1) }, () => this.below(256)));
  }

  private text(): string {
    return this.pick([
      '',
      'chat',
      'service.name',
      'GET /api/leads/:id',
      'é',
      'naïve café ☕',
      '😀 emoji',
      '\uFEFFbom',
      'a\u0000b',
      'x'.repeat(70),
      `${'y'.repeat(60)}é${'z'.repeat(10)}`,
    ]);
  }

  private string(number: number): Buffer {
    if (this.chance(0.03)) return len(number, Buffer.from([0x61, this.pick([0x80, 0xc3, 0xed, 0xff])]));
    return str(number, this.text());
  }

  private known(number: number, kind: Kind, budget: number): Buffer {
    switch (kind) {
      case 'string':
        return this.string(number);
      case 'key':
        return this.chance(0.6)
          ? str(number, this.pick(['service.name', 'service.version', 'k', '', '__proto__', 'gen_ai.system']))
          : this.string(number);
      case 'id':
        return len(number, this.chance(0.8) ? this.pick([TRACE_ID, SPAN_ID]) : this.bytes(17));
      case 'bytes':
        return len(number, this.bytes(20));
      case 'varint':
        return num(number, this.pick([0, 1, 2, 3, 7, 300, -1, -(2 ** 31), 2 ** 32 + 5]), this.padding());
      case 'bool':
        return num(number, this.pick([0, 1, 2, 128, 2 ** 40]), this.padding());
      case 'int64':
        return num(
          number,
          this.pick([0n, 1n, -1n, 42n, -42n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 64n - 1n, 1n << 35n]),
          this.padding(),
        );
      case 'fixed64':
        return fixed64(number, this.pick([0n, START, START + 1_000_000n, START + 5n, 2n ** 64n - 1n, 1n]));
      case 'double':
        return double(number, this.pick([0, -0, 0.5, -1e300, Number.NaN, Number.POSITIVE_INFINITY, 3]));
      default:
        return len(number, budget > 0 ? this.message(kind, budget - 1) : Buffer.alloc(0));
    }
  }
}

function generatedBody(seed: number): Buffer {
  return new BodyWriter(seed).message('Request', 7);
}

function countOutcomes(outcomes: Outcome[]): { decoded: number; spans: number; refusals: Record<string, number> } {
  const refusals: Record<string, number> = {};
  let decoded = 0;
  let spans = 0;
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      // The kind of refusal, without the offsets.
      const kind = outcome.error.replace(REFUSED, '').replace(/\d+/g, 'N');
      refusals[kind] = (refusals[kind] ?? 0) + 1;
    } else {
      decoded += 1;
      spans += outcome.decoded.spans.length;
    }
  }
  return { decoded, spans, refusals };
}

// ---------------------------------------------------------------------------------------------------------

describe('decodeProtobuf against protobufjs', () => {
  describe('fields in any order', () => {
    it('reads a resource and a scope given after their spans, and span fields in reverse', () => {
      const fields = [
        len(1, TRACE_ID),
        len(2, SPAN_ID),
        str(5, 'chat'),
        fixed64(7, START),
        fixed64(8, START + 2_000_000n),
        len(9, keyValue('a', stringValue('x'))),
      ];
      const body = request(
        Buffer.concat([
          len(2, len(2, Buffer.concat(fields.reverse())), len(1, str(1, 'late-scope'), str(2, '1.0'))),
          len(
            1,
            len(1, keyValue('service.version', stringValue('2.0'))),
            len(1, keyValue('service.name', stringValue('s'))),
          ),
        ]),
      );

      expect(decodedSpans(body)).toStrictEqual([
        {
          kind: 0,
          record: {
            traceId: TRACE_ID.toString('hex'),
            spanId: SPAN_ID.toString('hex'),
            parentSpanId: undefined,
            name: 'chat',
            startTimeMs: 1_764_072_000_000,
            durationMs: 2,
            attributes: { a: 'x' },
            statusCode: 0,
            serviceName: 's',
            serviceVersion: '2.0',
            scope: { name: 'late-scope', version: '1.0' },
          },
        },
      ]);
    });
  });

  describe('bodies as bytes', () => {
    it('reads a Buffer, a Uint8Array, and a view into the middle of a larger buffer alike', () => {
      const body = oneResource('s', span(len(9, keyValue('k', stringValue('v')))));
      const larger = new Uint8Array(body.length + 10);
      larger.set(body, 3);
      const views = [body, new Uint8Array(body), larger.subarray(3, 3 + body.length)];
      const [first, ...rest] = views.map((view) => sameAsProtobufjs(view));
      expect(rest).toStrictEqual([first, first]);
      expect(errorOf(first ?? { error: 'none' })).toBe('decoded');
    });
  });

  describe('fields that occur more than once', () => {
    it('keeps the last of a scalar field, an empty one included', () => {
      const [only] = decodedSpans(
        oneResource('s', span(str(5, 'second'), num(6, 2), len(4, SPAN_ID), len(4, Buffer.alloc(0)))),
      );
      expect([only?.record.name, only?.kind, only?.record.parentSpanId]).toEqual(['second', 2, undefined]);
    });

    it('merges a second resource into the first: its attributes are added, the last service.name wins', () => {
      const body = request(
        Buffer.concat([
          len(1, len(1, keyValue('service.name', stringValue('first')))),
          len(2, len(2, span())),
          len(1, len(1, keyValue('service.name', stringValue('second')))),
          len(1, len(1, keyValue('service.version', stringValue('3')))),
        ]),
      );
      expect(decodedSpans(body).map((s) => [s.record.serviceName, s.record.serviceVersion])).toEqual([['second', '3']]);
    });

    it('merges a second scope and status: a field the second lacks keeps the first one', () => {
      const body = request(
        len(2, len(1, str(1, 'scope'), str(2, '1')), len(1, str(2, '')), len(2, span(len(15, num(3, 2)), len(15)))),
      );
      expect(decodedSpans(body).map((s) => [s.record.scope, s.record.statusCode])).toEqual([
        [{ name: 'scope', version: undefined }, 2],
      ]);
    });

    it('merges a repeated attribute value as a oneof: the last member set wins, an array set again gathers', () => {
      const array = (...values: string[]) => len(5, ...values.map((v) => len(1, stringValue(v))));
      const attributes = [
        keyValue('scalar', stringValue('a'), num(3, 7)),
        // KeyValue.value three times: the arrays on either side of the string are not gathered.
        Buffer.concat([str(1, 'restarted'), len(2, array('a')), len(2, stringValue('s')), len(2, array('b', 'c'))]),
        Buffer.concat([str(1, 'gathered'), len(2, array('a')), len(2, array('b')), len(2)]),
        Buffer.concat([str(1, 'replaced'), len(2, array('a')), len(2, num(2, 1))]),
        keyValue('list', len(6, len(1, keyValue('k', stringValue('1')))), len(6, len(1, keyValue('k', num(3, 2))))),
      ];
      const [only] = decodedSpans(oneResource('s', span(...attributes.map((a) => len(9, a)))));
      expect(only?.record.attributes).toStrictEqual({
        scalar: 7,
        restarted: ['b', 'c'],
        gathered: ['a', 'b'],
        replaced: true,
        list: '{"k":2}',
      });
    });
  });

  describe('fields it does not read', () => {
    it('skips unknown fields of every wire type at every level, and groups with fields inside', () => {
      const unknown = Buffer.concat([
        num(20, 2n ** 64n - 1n),
        fixed64(21, 5n),
        str(22, 'unknown'),
        fixed32(23, 9),
        group(24, num(1, 1), group(2, fixed32(3, 4)), str(4, 'in a group')),
      ]);
      const value = Buffer.concat([unknown, stringValue('v')]);
      const body = request(
        Buffer.concat([
          unknown,
          len(1, unknown, len(1, unknown, str(1, 'service.name'), unknown, len(2, value))),
          len(2, unknown, len(1, unknown, str(1, 'scope')), len(2, span(unknown, len(9, keyValue('k', value))))),
        ]),
        unknown,
      );
      const [only] = decodedSpans(Buffer.concat([unknown, body]));
      expect([only?.record.serviceName, only?.record.scope?.name, only?.record.attributes]).toStrictEqual([
        'v',
        'scope',
        { k: 'v' },
      ]);
    });

    it('skips an unknown varint of any length, where one it reads may have at most ten bytes', () => {
      expect(decodedSpans(oneResource('s', span(num(20, 1, 20))))).toHaveLength(1);
    });

    it('skips a field it reads when it comes with another wire type', () => {
      const [only] = decodedSpans(oneResource('s', span(num(5, 1), fixed32(1, 1), len(7, Buffer.alloc(8)))));
      expect(only?.record.name).toBe('chat');
    });

    it('still refuses invalid UTF-8 in the strings it does not use, as protobufjs did', () => {
      const invalid = Buffer.from([0x61, 0xff]);
      expect(refusal(oneResource('s', span(len(15, len(2, invalid)))))).toBe(
        `${REFUSED}The encoded data was not valid for encoding utf-8`,
      );
      // Span.trace_state (3) is not in trace.proto: an unknown field, not read as text.
      expect(decodedSpans(oneResource('s', span(len(3, invalid))))).toHaveLength(1);
    });
  });

  describe('malformed bodies, refused with protobufjs messages', () => {
    it.each([
      { problem: 'an end-group tag with no group', body: tag(9, END_GROUP), reason: 'invalid wire type 4 at offset 1' },
      { problem: 'wire type 6', body: tag(9, 6), reason: 'invalid wire type 6 at offset 1' },
      { problem: 'wire type 7', body: tag(9, 7), reason: 'invalid wire type 7 at offset 1' },
      { problem: 'field number 0', body: tag(0, VARINT), reason: 'illegal tag: field number 0' },
      { problem: 'a group never ended', body: group(9).subarray(0, 1), reason: 'index out of range: 1 + 1 > 1' },
      {
        problem: 'a group ended with the wrong field',
        body: Buffer.concat([tag(9, START_GROUP), tag(8, END_GROUP)]),
        reason: 'invalid end group tag',
      },
      {
        problem: 'a span kind of eleven bytes',
        body: request(len(2, len(2, num(6, 1, 10)))),
        reason: 'invalid varint encoding',
      },
      { problem: 'a tag of six bytes', body: varint(8, 5), reason: 'invalid tag encoding' },
      {
        problem: 'a length of 2^31',
        body: Buffer.concat([tag(9, LEN), varint(2 ** 31), Buffer.alloc(4)]),
        reason: 'invalid length encoding',
      },
      {
        problem: 'a message longer than its parent',
        body: request(Buffer.concat([tag(2, LEN), varint(5)])),
        reason: 'index out of range',
      },
      {
        problem: 'a string longer than its message',
        body: request(len(2, Buffer.concat([tag(3, LEN), varint(40), Buffer.from('short')]))),
        reason: 'index out of range: 6 + 40 > 11',
      },
      {
        problem: 'a timestamp cut short',
        body: request(len(2, len(2, Buffer.concat([tag(7, I64), Buffer.alloc(5)])))),
        reason: 'index out of range: 7 + 8 > 12',
      },
      {
        problem: 'a double cut short',
        body: oneResource('s', span(len(9, keyValue('d', Buffer.concat([tag(4, I64), Buffer.alloc(3)]))))),
        reason: 'index out of range: 99 + 4 > 102',
      },
    ])('$problem', ({ body, reason }) => {
      expect(refusal(body)).toBe(REFUSED + reason);
    });

    it('refuses groups nested past protobufjs’s depth limit, as it refuses messages', () => {
      const nested = (levels: number) => {
        let inner: Buffer = num(1, 1);
        for (let i = 0; i < levels; i++) inner = group(9, inner);
        return inner;
      };
      expect([errorOf(sameAsProtobufjs(nested(100))), refusal(nested(101))]).toEqual([
        'decoded',
        `${REFUSED}max depth exceeded`,
      ]);
    });

    it('refuses messages nested past the limit at exactly the same depth', () => {
      const arrays = (levels: number) => {
        let value = stringValue('x');
        for (let i = 0; i < levels; i++) value = len(5, len(1, value));
        return oneResource('s', span(len(9, keyValue('deep', value))));
      };
      // AnyValue of a span attribute is 5 messages down; each array adds two.
      expect([errorOf(sameAsProtobufjs(arrays(47))), refusal(arrays(48))]).toEqual([
        'decoded',
        `${REFUSED}max depth exceeded`,
      ]);
    });

    it('gives the same answer for a realistic body cut at every length', () => {
      const realistic = oneResource(
        'checkout',
        ...Array.from({ length: 6 }, (_, i) =>
          span(
            len(4, SPAN_ID),
            len(9, keyValue('http.route', stringValue(`/api/${i}`))),
            len(9, keyValue('gen_ai.usage.input_tokens', num(3, 900 + i))),
            len(9, keyValue('ai.tags', len(5, len(1, stringValue('a')), len(1, stringValue('é'))))),
            len(9, keyValue('ratio', double(4, 0.25))),
            len(15, str(2, 'ok'), num(3, 1)),
          ),
        ),
      );
      const outcomes = Array.from({ length: realistic.length + 1 }, (_, cut) =>
        errorOf(sameAsProtobufjs(realistic.subarray(0, cut))),
      );
      expect(new Set(outcomes.map((o) => o.replace(/\d+/g, 'N')))).toEqual(
        new Set(['decoded', `${REFUSED}index out of range`, `${REFUSED}index out of range: N + N > N`]),
      );
    });
  });

  describe('generated and mutated bodies', () => {
    it('gives the same answer for 3,000 generated requests', () => {
      const outcomes: Outcome[] = [];
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          outcomes.push(sameAsProtobufjs(generatedBody(seed)));
        }),
        { seed: SEED, numRuns: 3000 },
      );
      expect(countOutcomes(outcomes)).toEqual({
        decoded: 1630,
        spans: 3113,
        refusals: {
          'The encoded data was not valid for encoding utf-N': 385,
          'illegal tag: field number N': 4,
          'index out of range: N + N > N': 66,
          'invalid end group tag': 312,
          'invalid tag encoding': 13,
          'invalid varint encoding': 96,
          'invalid wire type N at offset N': 494,
        },
      });
    });

    it('gives the same answer for 3,000 generated requests with bytes flipped, cut, inserted or deleted', () => {
      const outcomes: Outcome[] = [];
      fc.assert(
        fc.property(fc.integer(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (seed, mutations) => {
          outcomes.push(sameAsProtobufjs(mutate(generatedBody(seed), mutations)));
        }),
        { seed: SEED, numRuns: 3000 },
      );
      expect(countOutcomes(outcomes)).toEqual({
        decoded: 374,
        spans: 343,
        refusals: {
          'The encoded data was not valid for encoding utf-N': 381,
          'illegal tag: field number N': 173,
          'index out of range': 909,
          'index out of range: N + N > N': 305,
          'invalid end group tag': 175,
          'invalid length encoding': 8,
          'invalid tag encoding': 44,
          'invalid varint encoding': 34,
          'invalid wire type N at offset N': 597,
        },
      });
    });
  });
});
