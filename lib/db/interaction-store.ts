// Writes AIInteraction rows in bulk, idempotently: a row whose (trace_id, span_id, started_at) exists is skipped
// so a retried batch, or a call seen by both the in-process exporter and the sink, is one row.
import { RowsRejectedError } from '../ledger/rows-rejected-error';
import { sourceKindOf } from '../ledger/source-rules';
import type { InteractionRow } from '../ledger/span-to-interaction';
import type { InteractionSink } from '../ledger/interaction-sink';
import type { Database } from './database';
import { uuidV7 } from './uuid-v7';

export class InteractionStore implements InteractionSink {
  constructor(private readonly db: Pick<Database, 'prisma' | 'execute' | 'copyFrom'>) {}

  /**
   * New rows, the usual batch, go by `COPY`, the fastest way in; a batch with a row stored before (a retry, a
   * call both the exporter and the sink saw, a span twice in the batch) makes `COPY` fail on the unique key and
   * copy nothing, and goes again as one `INSERT … ON CONFLICT DO NOTHING`, which skips the rows stored (as does
   * every batch where the server cannot copy).
   * Throws {@link RowsRejectedError} when the database refused a value in the rows; anything else as is.
   */
  async insertMany(rows: readonly InteractionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const now = Date.now();
    const records = rows.map((row) => toRecord(row, now));
    try {
      try {
        const copied = await this.db.copyFrom(COPY_TARGET, copyData(records));
        if (copied !== undefined) return copied;
      } catch (error) {
        if (sqlStateOf(error) !== UNIQUE_VIOLATION) throw error;
      }
      return await this.db.execute(INSERT_SQL, [JSON.stringify(records)]);
    } catch (error) {
      const code = sqlStateOf(error);
      // Class 22 (data exception), 23 (integrity constraint) and 54 (program limit exceeded, such as an index
      // entry over 2,704 bytes): the rows, not the connection, are at fault.
      if (code?.startsWith('22') || code?.startsWith('23') || code?.startsWith('54')) {
        throw new RowsRejectedError(`the database refused the rows (SQLSTATE ${code})`, { cause: error });
      }
      throw error;
    }
  }

  /** Gives a trace's unattributed rows the source its root span revealed later. Returns the rows changed. */
  async attributeTrace(traceId: string, source: string): Promise<number> {
    const { count } = await this.db.prisma.aIInteraction.updateMany({
      where: { traceId, source: null },
      data: { source, sourceKind: sourceKindOf(source) },
    });
    return count;
  }
}

/** The Postgres SQLSTATE of a driver's error (`pg`'s and PGlite's carry it in `code`), when there is one. */
function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // Five characters: a connection's error has a system code (ECONNREFUSED) there instead.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The columns written, with their types in the record the statement reads (see {@link insertStatement}).
 * Postgres converts each JSON value to its column's type with the type's own input function, so a value it
 * cannot hold is refused there (class 22/23) like any other, and PGlite and Postgres read them alike.
 */
export const RECORD_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['id', 'uuid'],
  ['started_at', 'timestamptz'],
  ['duration_ms', 'float8'],
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['parent_span_id', 'text'],
  ['source', 'text'],
  ['source_kind', '"SourceKind"'],
  ['feature_id', 'text'],
  ['operation', '"Operation"'],
  ['provider', 'text'],
  ['request_model', 'text'],
  ['response_model', 'text'],
  ['input_tokens', 'int'],
  ['cached_input_tokens', 'int'],
  ['output_tokens', 'int'],
  ['reasoning_tokens', 'int'],
  ['total_tokens', 'int'],
  ['cost_usd', 'numeric'],
  ['cost_status', '"CostStatus"'],
  ['price_ref', 'text'],
  ['streamed', 'boolean'],
  ['status', '"InteractionStatus"'],
  ['error_type', 'text'],
  ['service_name', 'text'],
  ['attributes', 'jsonb'],
  ['service_version', 'text'],
];

/**
 * A row as the JSON record the statement reads: one key per entry of {@link RECORD_COLUMNS} (an object
 * literal, so V8 builds every record with the same shape: a loop over the columns took twice as long).
 */
export function toRecord(r: InteractionRow, now: number) {
  return {
    // UUID v7, as Prisma's @default(uuid(7)).
    id: uuidV7(now),
    // An invalid date goes as NULL, which the NOT NULL column refuses (23502): that row alone is rejected.
    started_at: Number.isNaN(r.startedAt.getTime()) ? null : r.startedAt.toISOString(),
    // JSON has no NaN or Infinity; as text, float8 reads them.
    duration_ms: Number.isFinite(r.durationMs) ? r.durationMs : String(r.durationMs),
    trace_id: r.traceId,
    span_id: r.spanId,
    parent_span_id: r.parentSpanId,
    source: r.source,
    source_kind: r.sourceKind,
    feature_id: r.featureId,
    operation: r.operation,
    provider: r.provider,
    request_model: r.requestModel,
    response_model: r.responseModel,
    input_tokens: r.inputTokens,
    cached_input_tokens: r.cachedInputTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    total_tokens: r.totalTokens,
    // Exact decimal text: a JSON number would pass through a double.
    cost_usd: r.costUsd,
    cost_status: r.costStatus,
    price_ref: r.priceRef,
    streamed: r.streamed,
    status: r.status,
    error_type: r.errorType,
    service_name: r.serviceName,
    attributes: r.attributes,
    service_version: r.serviceVersion ?? null,
  };
}

const COLUMN_LIST = RECORD_COLUMNS.map(([name]) => name).join(', ');
const COPY_TARGET = `ai_interaction (${COLUMN_LIST})`;
const UNIQUE_VIOLATION = '23505';

/** Characters COPY's text format gives a meaning, and how it reads them as data. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: `\N` for null, objects as JSON, the format's special characters escaped. */
function copyValue(value: string | number | boolean | object | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** The records as COPY's text data: a line per record, its values in the order of {@link RECORD_COLUMNS}. */
export function copyData(records: readonly ReturnType<typeof toRecord>[]): string {
  let data = '';
  for (const r of records) {
    data +=
      `${copyValue(r.id)}\t${copyValue(r.started_at)}\t${copyValue(r.duration_ms)}\t${copyValue(r.trace_id)}\t` +
      `${copyValue(r.span_id)}\t${copyValue(r.parent_span_id)}\t${copyValue(r.source)}\t` +
      `${copyValue(r.source_kind)}\t${copyValue(r.feature_id)}\t${copyValue(r.operation)}\t` +
      `${copyValue(r.provider)}\t${copyValue(r.request_model)}\t${copyValue(r.response_model)}\t` +
      `${copyValue(r.input_tokens)}\t${copyValue(r.cached_input_tokens)}\t${copyValue(r.output_tokens)}\t` +
      `${copyValue(r.reasoning_tokens)}\t${copyValue(r.total_tokens)}\t${copyValue(r.cost_usd)}\t` +
      `${copyValue(r.cost_status)}\t${copyValue(r.price_ref)}\t${copyValue(r.streamed)}\t${copyValue(r.status)}\t` +
      `${copyValue(r.error_type)}\t${copyValue(r.service_name)}\t${copyValue(r.attributes)}\t` +
      `${copyValue(r.service_version)}\n`;
  }
  return data;
}
const RECORD_TYPE = RECORD_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');

/**
 * One `INSERT … SELECT FROM json_to_recordset($1) … ON CONFLICT DO NOTHING` for the whole batch: the rows go
 * as one JSON parameter, whatever the batch size, so neither a parameter per value nor Prisma's query engine
 * sits on the write path (the measured alternatives: docs/benchmarks.md, "Persistence").
 */
const INSERT_SQL = `INSERT INTO ai_interaction (${COLUMN_LIST})
  SELECT ${COLUMN_LIST} FROM json_to_recordset($1::json) AS r(${RECORD_TYPE})
  ON CONFLICT DO NOTHING`;
