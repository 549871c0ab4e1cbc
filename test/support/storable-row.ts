// What a row must be for Postgres to take it, whatever span it came from: the column types and limits of
// ai_interaction and its indexes (prisma/schema.prisma), checked on a mapped row without a database.
import { expect } from 'vitest';
import { MAX_TOKEN_COUNT } from '../../lib/ledger/attribute-readers';
import { MAX_KEY_TEXT_BYTES } from '../../lib/ledger/storable-text';
import { normalizeSource, sourceKindOf } from '../../lib/ledger/source-rules';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';

// U+0000 (Postgres text), and a surrogate without its other half (Postgres JSON, UTF-8).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when Postgres can store `text` as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

function jsonStrings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      jsonStrings(v, out);
    }
  }
  return out;
}

/** The violations of the column limits in `row`, as readable lines; empty when the row is storable. */
export function rowViolations(row: InteractionRow): string[] {
  const problems: string[] = [];
  const keyTexts = {
    source: row.source,
    featureId: row.featureId,
    provider: row.provider,
    requestModel: row.requestModel,
    responseModel: row.responseModel,
    errorType: row.errorType,
    serviceName: row.serviceName,
  };
  for (const [column, value] of Object.entries(keyTexts)) {
    if (value === null) continue;
    if (Buffer.byteLength(value) > MAX_KEY_TEXT_BYTES) problems.push(`${column} is ${Buffer.byteLength(value)} bytes`);
    if (!isStorableText(value)) problems.push(`${column} holds NUL or a lone surrogate`);
  }
  if (!/^[0-9a-f]{32}$/.test(row.traceId)) problems.push(`traceId ${row.traceId}`);
  if (!/^[0-9a-f]{16}$/.test(row.spanId)) problems.push(`spanId ${row.spanId}`);
  if (row.parentSpanId !== null && !/^[0-9a-f]{16}$/.test(row.parentSpanId)) problems.push('parentSpanId');
  if (Number.isNaN(row.startedAt.getTime())) problems.push('startedAt is an invalid date');
  if (!Number.isFinite(row.durationMs) || row.durationMs < 0) problems.push(`durationMs ${row.durationMs}`);
  const counts = {
    inputTokens: row.inputTokens,
    cachedInputTokens: row.cachedInputTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
    totalTokens: row.totalTokens,
  };
  for (const [column, value] of Object.entries(counts)) {
    if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_COUNT)) {
      problems.push(`${column} ${value}`);
    }
  }
  // DECIMAL(20, 12): at most 8 digits before the point.
  if (row.costUsd !== null && !/^\d{1,8}\.\d{12}$/.test(row.costUsd)) problems.push(`costUsd ${row.costUsd}`);
  if (row.sourceKind !== sourceKindOf(row.source)) problems.push(`sourceKind ${row.sourceKind}`);
  if (row.source !== null && normalizeSource(row.source) !== row.source) problems.push(`source not normalised`);
  const strings = jsonStrings(JSON.parse(JSON.stringify(row.attributes)), []);
  if (!strings.every(isStorableText)) problems.push('attributes hold NUL or a lone surrogate');
  return problems;
}

export function expectStorableRow(row: InteractionRow): void {
  expect(rowViolations(row)).toEqual([]);
}
