// Turns decoded OTLP spans into AIInteraction rows with the same mapping and idempotent store as the
// in-process exporter, attributing spans without ai.source to their trace's root. Rows are written before
// the request is answered: the 200 tells the Collector they are safe. Nothing is held in memory: the roots
// live in the database (TraceRootStore), so replicas agree and a restart forgets nothing. Requests that
// arrive while a write runs are written together in the next (WriteGroups).
import type { PriceBook } from '../lib/ledger/price-types';
import type { InteractionStore } from '../lib/db/interaction-store';
import { insertIsolatingRejected } from '../lib/telemetry/insert-isolating-rejected';
import { looksLikeModelSpan, readSpan } from '../lib/ledger/dialects';
import { callToInteraction, type InteractionRow } from '../lib/ledger/span-to-interaction';
import { sourceKindOf } from '../lib/ledger/source-rules';
import type { TraceRootStore } from '../lib/db/trace-roots';
import type { Logger } from 'pino';
import type { DecodedRequest } from './otlp/otlp-span';
import { rootSourceOf } from './root-routes';
import type { SinkMetrics } from './sink-metrics';
import { WriteGroups } from './write-groups';

export interface IngestResult {
  /** Spans refused, for partial_success. */
  rejected: number;
  reasons: string[];
}

export interface TraceIngestorDeps {
  store: Pick<InteractionStore, 'insertMany'>;
  priceBook: PriceBook;
  roots: Pick<TraceRootStore, 'remember' | 'sourcesOf' | 'attribute'>;
  metrics: SinkMetrics;
  logger: Logger;
}

/** Rows per INSERT. */
const BATCH_ROWS = 1_000;
/** Rows in one group write at most (several statements when more than BATCH_ROWS); one request always fits. */
const MAX_GROUP_ROWS = 2_000;
/**
 * Group writes at once. Two: while one waits on the database (its statement's work, the rollup rows another
 * holds, the network), the other's rows go in. bench:sink, one replica: 34,336 spans/s with one and 41,979 with
 * two before the rollup trigger took its shared rows last; after it, 54,012–60,515 with two, 50,533 with three.
 */
const WRITE_CONCURRENCY = 2;

/** What one request adds: its traces' root sources, and its rows. */
interface RequestWrite {
  learned: ReadonlyMap<string, string>;
  rows: InteractionRow[];
}

export class TraceIngestor {
  /** Requests in flight are written together, in groups (collector/write-groups.ts says why). */
  private readonly groups: WriteGroups<RequestWrite, number>;

  constructor(private readonly deps: TraceIngestorDeps) {
    this.groups = new WriteGroups({
      write: (requests) => this.writeGroup(requests),
      size: (request) => request.rows.length,
      maxGroupSize: MAX_GROUP_ROWS,
      concurrency: WRITE_CONCURRENCY,
    });
  }

  /** Throws when the database is unreachable; the caller answers 503 and the client retries. */
  async ingest(decoded: DecodedRequest): Promise<IngestResult> {
    const reasons = [...decoded.rejectReasons];
    // Roots first, so AI spans that arrive in the same request as their root are attributed at once.
    const learned = new Map<string, string>();
    for (const span of decoded.spans) {
      const source = rootSourceOf(span);
      if (source !== undefined && !learned.has(span.record.traceId)) learned.set(span.record.traceId, source);
    }
    const refused = await this.groups.submit({ learned, rows: this.rowsOf(decoded, learned) });
    if (refused > 0) reasons.push('a value the database cannot store');
    const rejected = decoded.rejected + refused;
    this.deps.metrics.spansRejected += rejected;
    return { rejected, reasons };
  }

  private rowsOf(decoded: DecodedRequest, learned: ReadonlyMap<string, string>): InteractionRow[] {
    const { priceBook, metrics, logger } = this.deps;
    const rows: InteractionRow[] = [];
    for (const { record } of decoded.spans) {
      const reading = readSpan(record);
      if (reading?.kind === 'call') {
        metrics.countDialectSpan(reading.call.dialect, 'call');
        rows.push(callToInteraction(record, reading.call, { priceBook, fallbackSource: learned.get(record.traceId) }));
      } else if (reading?.kind === 'wrapper') {
        metrics.countDialectSpan(reading.dialect, 'wrapper');
      } else if (looksLikeModelSpan(record.attributes)) {
        const scope = record.scope?.name ?? '';
        if (metrics.countUnmapped(scope)) {
          logger.warn(
            { scope, version: record.scope?.version, span: record.name },
            'spans that look like model calls from an instrumentation Spendtrace does not read: no rows for them',
          );
        }
      }
    }
    return rows;
  }

  /** Writes the roots and rows of several requests; resolves to how many rows of each the database refused. */
  private async writeGroup(requests: RequestWrite[]): Promise<number[]> {
    const { store, roots, metrics, logger } = this.deps;
    const learned = new Map<string, string>();
    for (const request of requests) {
      for (const [traceId, source] of request.learned) if (!learned.has(traceId)) learned.set(traceId, source);
    }
    await roots.remember(learned);

    const rows = requests.flatMap((request) => request.rows);
    await attributeFromEarlierRoots(rows, roots);
    const ownerOf = new Map<InteractionRow, number>();
    requests.forEach((request, i) => request.rows.forEach((row) => ownerOf.set(row, i)));
    const refused = requests.map(() => 0);
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      const written = await insertIsolatingRejected(store, rows.slice(i, i + BATCH_ROWS), (row, error) => {
        const owner = ownerOf.get(row) ?? 0;
        refused[owner] = (refused[owner] ?? 0) + 1;
        logger.warn({ err: error, traceId: row.traceId, spanId: row.spanId }, 'span refused by the database');
      });
      // Added after the await, not with `+= await`: that would add to the count read before another group's.
      metrics.rowsWritten += written;
    }
    // Rows still without a source await a root; a root learned here may have rows written earlier. Either
    // may have been committed by another replica meanwhile: this statement, after our own writes, sees it.
    const pending = new Set([
      ...learned.keys(),
      ...rows.filter((row) => row.source === null).map((row) => row.traceId),
    ]);
    const changed = await roots.attribute([...pending]);
    metrics.rowsCorrected += changed;
    if (changed > 0) logger.debug({ rows: changed }, 'unattributed rows attributed to their root');
    metrics.writes += 1;
    return refused;
  }
}

/** Gives rows without a source the root source another request recorded for their trace, if any. */
async function attributeFromEarlierRoots(
  rows: InteractionRow[],
  roots: Pick<TraceRootStore, 'sourcesOf'>,
): Promise<void> {
  const unattributed = [...new Set(rows.filter((row) => row.source === null).map((row) => row.traceId))];
  if (unattributed.length === 0) return;
  const known = await roots.sourcesOf(unattributed);
  for (const row of rows) {
    const source = row.source === null ? known.get(row.traceId) : undefined;
    if (source === undefined) continue;
    row.source = source;
    row.sourceKind = sourceKindOf(source);
  }
}
