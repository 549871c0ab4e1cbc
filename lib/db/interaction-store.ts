// Writes AIInteraction rows in bulk, idempotently: a row whose (trace_id, span_id) exists is skipped,
// so a retried batch, or a call seen by both the in-process exporter and the sink, is one row.
import { RowsRejectedError } from '../telemetry/rows-rejected-error';
import { sourceKindOf } from '../telemetry/source-context';
import type { InteractionRow } from '../telemetry/span-to-interaction';
import type { InteractionSink } from '../telemetry/types';
import { Prisma, type PrismaClient } from './generated/client';
import { uuidV7 } from './uuid-v7';

export class InteractionStore implements InteractionSink {
  constructor(private readonly prisma: PrismaClient) {}

  /** Throws {@link RowsRejectedError} when the database refused a value in the rows; anything else as is. */
  async insertMany(rows: readonly InteractionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      return await this.prisma.$executeRaw(insertStatement(rows));
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
    const { count } = await this.prisma.aIInteraction.updateMany({
      where: { traceId, source: null },
      data: { source, sourceKind: sourceKindOf(source) },
    });
    return count;
  }
}

/** The Postgres SQLSTATE behind a Prisma driver-adapter error, when there is one. */
function sqlStateOf(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === 'string' ? code : undefined;
}

type Text = string | null;

/**
 * Each column of a row as Postgres text, and the cast from `text[]` to its type. Values travel as text
 * arrays and are cast by Postgres, so a value it cannot hold is refused there (class 22/23) like any other,
 * and PGlite and Postgres read them alike.
 */
const COLUMNS: [name: string, cast: string, value: (row: InteractionRow, now: number) => Text][] = [
  // UUID v7, as Prisma's @default(uuid(7)).
  ['id', '::uuid[]', (_, now) => uuidV7(now)],
  // An invalid date goes as NULL, which the NOT NULL column refuses (23502): that row alone is rejected.
  ['started_at', '::timestamptz[]', (r) => (Number.isNaN(r.startedAt.getTime()) ? null : r.startedAt.toISOString())],
  ['duration_ms', '::float8[]', (r) => String(r.durationMs)],
  ['trace_id', '', (r) => r.traceId],
  ['span_id', '', (r) => r.spanId],
  ['parent_span_id', '', (r) => r.parentSpanId],
  ['source', '', (r) => r.source],
  ['source_kind', '::"SourceKind"[]', (r) => r.sourceKind],
  ['feature_id', '', (r) => r.featureId],
  ['operation', '::"Operation"[]', (r) => r.operation],
  ['provider', '', (r) => r.provider],
  ['request_model', '', (r) => r.requestModel],
  ['response_model', '', (r) => r.responseModel],
  ['input_tokens', '::int[]', (r) => numeric(r.inputTokens)],
  ['cached_input_tokens', '::int[]', (r) => numeric(r.cachedInputTokens)],
  ['output_tokens', '::int[]', (r) => numeric(r.outputTokens)],
  ['reasoning_tokens', '::int[]', (r) => numeric(r.reasoningTokens)],
  ['total_tokens', '::int[]', (r) => numeric(r.totalTokens)],
  ['cost_usd', '::numeric[]', (r) => r.costUsd],
  ['cost_status', '::"CostStatus"[]', (r) => r.costStatus],
  ['price_ref', '', (r) => r.priceRef],
  ['streamed', '::boolean[]', (r) => String(r.streamed)],
  ['status', '::"InteractionStatus"[]', (r) => r.status],
  ['error_type', '', (r) => r.errorType],
  ['service_name', '', (r) => r.serviceName],
  ['attributes', '::jsonb[]', (r) => JSON.stringify(r.attributes)],
];

const COLUMN_LIST = Prisma.raw(COLUMNS.map(([name]) => name).join(', '));

/**
 * One `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` for the whole batch, one array parameter per
 * column whatever the batch size: the statement Prisma's `createMany({ skipDuplicates })` sends, but with
 * 26 parameters instead of 26 per row. With a parameter per value, `createMany` spent most of its time in
 * Prisma's query compiler and ran 7 to 15 times slower than the same INSERT through `pg` (bench:persistence).
 */
function insertStatement(rows: readonly InteractionRow[]): Prisma.Sql {
  const now = Date.now();
  const arrays = COLUMNS.map(
    ([, cast, value]) => Prisma.sql`${rows.map((row) => value(row, now))}::text[]${Prisma.raw(cast)}`,
  );
  return Prisma.sql`INSERT INTO ai_interaction (${COLUMN_LIST})
    SELECT * FROM unnest(${Prisma.join(arrays)})
    ON CONFLICT DO NOTHING`;
}

function numeric(value: number | null): Text {
  return value === null ? null : String(value);
}
