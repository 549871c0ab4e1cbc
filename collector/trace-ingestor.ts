// Turns decoded OTLP spans into AIInteraction rows with the same mapping and idempotent store as the
// in-process exporter, attributing spans without ai.source to their trace's root. Rows are written before
// the request is answered: the 200 tells the Collector they are safe. Nothing is held in memory: the roots
// live in the database (TraceRootStore), so replicas agree and a restart forgets nothing.
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
const BATCH_ROWS = 500;

export class TraceIngestor {
  constructor(private readonly deps: TraceIngestorDeps) {}

  /** Throws when the database is unreachable; the caller answers 503 and the client retries. */
  async ingest(decoded: DecodedRequest): Promise<IngestResult> {
    const { store, priceBook, roots, metrics, logger } = this.deps;
    const reasons = [...decoded.rejectReasons];
    let rejected = decoded.rejected;

    // Roots first, so AI spans that arrive in the same request as their root are attributed at once.
    const learned = new Map<string, string>();
    for (const span of decoded.spans) {
      const source = rootSourceOf(span);
      if (source !== undefined && !learned.has(span.record.traceId)) learned.set(span.record.traceId, source);
    }
    await roots.remember(learned);

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
    await attributeFromEarlierRoots(rows, roots);

    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      metrics.rowsWritten += await insertIsolatingRejected(store, rows.slice(i, i + BATCH_ROWS), (row, error) => {
        rejected += 1;
        if (!reasons.includes('a value the database cannot store')) reasons.push('a value the database cannot store');
        logger.warn({ err: error, traceId: row.traceId, spanId: row.spanId }, 'span refused by the database');
      });
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
    metrics.spansRejected += rejected;
    return { rejected, reasons };
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
