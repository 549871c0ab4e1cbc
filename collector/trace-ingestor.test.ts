import { SpanStatusCode } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { getDefaultPriceBook } from '../lib/ledger/default-price-book';
import type { InteractionRow, SpanRecord } from '../lib/ledger/span-to-interaction';
import type { DecodedRequest } from './otlp/otlp-span';
import { SPAN_KIND_SERVER } from './otlp/otlp-span';
import { RootRoutes } from './root-routes';
import { SinkMetrics } from './sink-metrics';
import { TraceIngestor } from './trace-ingestor';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const OTLP_SPAN_KIND_CLIENT = 3;

function span(spanId: string, attributes: SpanRecord['attributes'], parentSpanId?: string): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    name: spanId,
    startTimeMs: Date.parse('2026-11-25T12:00:00Z'),
    durationMs: 100,
    attributes,
    statusCode: SpanStatusCode.UNSET,
    serviceName: 'lead-service',
  };
}

function request(...spans: { record: SpanRecord; kind: number }[]): DecodedRequest {
  return { spans, rejected: 0, rejectReasons: [] };
}

/** A store whose first INSERT waits until released; it records the corrections it is asked for. */
function heldStore() {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const attributed: [string, string][] = [];
  const inserted: InteractionRow[] = [];
  return {
    release: () => release(),
    attributed,
    inserted,
    async insertMany(rows: readonly InteractionRow[]) {
      await held;
      inserted.push(...rows);
      return rows.length;
    },
    attributeTrace(traceId: string, source: string) {
      attributed.push([traceId, source]);
      return Promise.resolve(1);
    },
  };
}

describe('TraceIngestor', () => {
  describe('ingest', () => {
    it('attributes rows whose root arrived in another request while they were being written', async () => {
      const store = heldStore();
      const ingestor = new TraceIngestor({
        store,
        priceBook: getDefaultPriceBook(),
        roots: new RootRoutes(),
        metrics: new SinkMetrics(),
        logger: pino({ level: 'silent' }),
      });
      const aiCall = span(
        '00000000000000a1',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 20,
          'gen_ai.usage.output_tokens': 10,
        },
        '00000000000000r0',
      );
      const root = span('00000000000000r0', { 'http.route': '/api/leads/[id]/draft' });

      const withoutRoot = ingestor.ingest(request({ record: aiCall, kind: OTLP_SPAN_KIND_CLIENT }));
      const rootOnly = ingestor.ingest(request({ record: root, kind: SPAN_KIND_SERVER }));
      store.release();
      await Promise.all([withoutRoot, rootOnly]);

      expect(store.inserted.map((r) => [r.spanId, r.source])).toEqual([['00000000000000a1', null]]);
      expect(store.attributed).toEqual([[TRACE, '/api/leads/[id]/draft']]);
    });
  });
});
