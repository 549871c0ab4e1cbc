// Turns decoded OTLP spans into AIInteraction rows with the same mapping and idempotent store as the
// in-process exporter, attributing spans without ai.source to their trace's root. Rows are written before
// the request is answered: the 200 tells the Collector they are safe, so nothing is held in memory.
import type { PriceBook } from '../lib/ledger/price-types';
import type { InteractionStore } from '../lib/db/interaction-store';
import { insertIsolatingRejected } from '../lib/telemetry/insert-isolating-rejected';
import { looksLikeModelSpan, readSpan } from '../lib/ledger/dialects';
import { callToInteraction, type InteractionRow } from '../lib/ledger/span-to-interaction';
import type { Logger } from 'pino';
import type { DecodedRequest } from './otlp/otlp-span';
import type { RootRoutes } from './root-routes';
import type { SinkMetrics } from './sink-metrics';

export interface IngestResult {
  /** Spans refused, for partial_success. */
  rejected: number;
  reasons: string[];
}

export interface TraceIngestorDeps {
  store: Pick<InteractionStore, 'insertMany' | 'attributeTrace'>;
  priceBook: PriceBook;
  roots: RootRoutes;
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
    const corrections = roots.learn(decoded.spans);
    const rows: InteractionRow[] = [];
    for (const { record } of decoded.spans) {
      const reading = readSpan(record);
      if (reading?.kind === 'call') {
        metrics.countDialectSpan(reading.call.dialect, 'call');
        rows.push(
          callToInteraction(record, reading.call, { priceBook, fallbackSource: roots.sourceOf(record.traceId) }),
        );
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

    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      metrics.rowsWritten += await insertIsolatingRejected(store, rows.slice(i, i + BATCH_ROWS), (row, error) => {
        rejected += 1;
        if (!reasons.includes('a value the database cannot store')) reasons.push('a value the database cannot store');
        logger.warn({ err: error, traceId: row.traceId, spanId: row.spanId }, 'span refused by the database');
      });
    }
    const unattributed = rows.filter((row) => row.source === null).map((row) => row.traceId);
    for (const [traceId, source] of roots.settle(corrections, unattributed)) {
      const changed = await store.attributeTrace(traceId, source);
      roots.corrected(traceId);
      metrics.rowsCorrected += changed;
      if (changed > 0) logger.info({ traceId, source, rows: changed }, 'unattributed rows attributed to their root');
    }
    metrics.spansRejected += rejected;
    return { rejected, reasons };
  }
}
