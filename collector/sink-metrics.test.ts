// SinkMetrics.render: the exact Prometheus text exposition, fresh and after counting.
import { describe, expect, it } from 'vitest';

import { SinkMetrics } from './sink-metrics';

/** The text render() gives for these counter values and `requests` lines. */
function exposition(
  values: [number, number, number, number, number, number],
  requests: string[],
  dialects: string[] = [],
  unmapped: string[] = [],
  grpcRequests: string[] = [],
): string {
  const [received, written, rejected, retried, corrected, writes] = values;
  return [
    '# HELP spendtrace_sink_spans_received_total Spans received in decodable requests.',
    '# TYPE spendtrace_sink_spans_received_total counter',
    `spendtrace_sink_spans_received_total ${received}`,
    '# HELP spendtrace_sink_rows_written_total AIInteraction rows inserted.',
    '# TYPE spendtrace_sink_rows_written_total counter',
    `spendtrace_sink_rows_written_total ${written}`,
    '# HELP spendtrace_sink_spans_rejected_total Spans refused as invalid.',
    '# TYPE spendtrace_sink_spans_rejected_total counter',
    `spendtrace_sink_spans_rejected_total ${rejected}`,
    '# HELP spendtrace_sink_spans_retried_total Spans in requests answered 503 (gRPC: UNAVAILABLE) for the client to retry.',
    '# TYPE spendtrace_sink_spans_retried_total counter',
    `spendtrace_sink_spans_retried_total ${retried}`,
    '# HELP spendtrace_sink_rows_corrected_total Unattributed rows attributed later.',
    '# TYPE spendtrace_sink_rows_corrected_total counter',
    `spendtrace_sink_rows_corrected_total ${corrected}`,
    '# HELP spendtrace_sink_writes_total Writes to the database, each with the requests that arrived while the one before it ran.',
    '# TYPE spendtrace_sink_writes_total counter',
    `spendtrace_sink_writes_total ${writes}`,
    '# HELP spendtrace_sink_requests_total OTLP requests by HTTP status.',
    '# TYPE spendtrace_sink_requests_total counter',
    ...requests,
    '# HELP spendtrace_sink_grpc_requests_total OTLP/gRPC requests by gRPC status code.',
    '# TYPE spendtrace_sink_grpc_requests_total counter',
    ...grpcRequests,
    '# HELP spendtrace_sink_dialect_spans_total Spans read per span dialect: calls (one row each) and wrappers (no row).',
    '# TYPE spendtrace_sink_dialect_spans_total counter',
    ...dialects,
    '# HELP spendtrace_sink_unmapped_ai_spans_total Spans with GenAI-looking attributes that no dialect reads, by instrumentation scope.',
    '# TYPE spendtrace_sink_unmapped_ai_spans_total counter',
    ...unmapped,
    '',
  ].join('\n');
}

describe('SinkMetrics', () => {
  describe('render', () => {
    it('renders every counter at zero and no request lines before anything is counted', () => {
      expect(new SinkMetrics().render()).toBe(exposition([0, 0, 0, 0, 0, 0], []));
    });

    it('renders the counts, with requests by status in ascending order', () => {
      const metrics = new SinkMetrics();
      metrics.spansReceived += 12;
      metrics.rowsWritten += 7;
      metrics.spansRejected += 2;
      metrics.spansRetried += 3;
      metrics.rowsCorrected += 1;
      metrics.writes += 4;
      for (const status of [503, 200, 401, 200, 400, 200, 503]) metrics.countRequest(status);

      expect(metrics.render()).toBe(
        exposition(
          [12, 7, 2, 3, 1, 4],
          [
            'spendtrace_sink_requests_total{status="200"} 3',
            'spendtrace_sink_requests_total{status="400"} 1',
            'spendtrace_sink_requests_total{status="401"} 1',
            'spendtrace_sink_requests_total{status="503"} 2',
          ],
        ),
      );
    });

    it('renders OTLP/gRPC requests by status code name, sorted', () => {
      const metrics = new SinkMetrics();
      for (const code of ['OK', 'UNAVAILABLE', 'OK', 'INVALID_ARGUMENT', 'UNAUTHENTICATED', 'OK']) {
        metrics.countGrpcRequest(code);
      }

      expect(metrics.render()).toBe(
        exposition(
          [0, 0, 0, 0, 0, 0],
          [],
          [],
          [],
          [
            'spendtrace_sink_grpc_requests_total{code="INVALID_ARGUMENT"} 1',
            'spendtrace_sink_grpc_requests_total{code="OK"} 3',
            'spendtrace_sink_grpc_requests_total{code="UNAUTHENTICATED"} 1',
            'spendtrace_sink_grpc_requests_total{code="UNAVAILABLE"} 1',
          ],
        ),
      );
    });
  });

  describe('countDialectSpan and countUnmapped', () => {
    it('renders spans per dialect and kind, and unmapped spans per scope, sorted, with labels escaped', () => {
      const metrics = new SinkMetrics();
      metrics.countDialectSpan('gen_ai', 'call');
      metrics.countDialectSpan('ai_sdk', 'wrapper');
      metrics.countDialectSpan('ai_sdk', 'call');
      metrics.countDialectSpan('ai_sdk', 'wrapper');
      expect(metrics.countUnmapped('acme "llm" kit')).toBe(true);
      expect(metrics.countUnmapped('acme "llm" kit')).toBe(false);
      expect(metrics.countUnmapped('')).toBe(true);

      expect(metrics.render()).toBe(
        exposition(
          [0, 0, 0, 0, 0, 0],
          [],
          [
            'spendtrace_sink_dialect_spans_total{dialect="ai_sdk",kind="call"} 1',
            'spendtrace_sink_dialect_spans_total{dialect="ai_sdk",kind="wrapper"} 2',
            'spendtrace_sink_dialect_spans_total{dialect="gen_ai",kind="call"} 1',
          ],
          [
            'spendtrace_sink_unmapped_ai_spans_total{scope=""} 1',
            'spendtrace_sink_unmapped_ai_spans_total{scope="acme \\"llm\\" kit"} 2',
          ],
        ),
      );
    });

    it('counts scopes past the 100th as other, and says so once', () => {
      const metrics = new SinkMetrics();
      for (let i = 0; i < 100; i++) metrics.countUnmapped(`scope-${i}`);
      expect(metrics.countUnmapped('scope-100')).toBe(true);
      expect(metrics.countUnmapped('scope-101')).toBe(false);
      expect(metrics.countUnmapped('scope-5')).toBe(false);
      expect(metrics.unmappedSpans.get('other')).toBe(2);
      expect(metrics.unmappedSpans.get('scope-5')).toBe(2);
      expect(metrics.unmappedSpans.size).toBe(101);
    });
  });

  describe('countRequest', () => {
    it('counts requests per status code', () => {
      const metrics = new SinkMetrics();
      for (const status of [200, 415, 200, 413]) metrics.countRequest(status);

      expect(metrics.requests).toEqual(
        new Map([
          [200, 2],
          [415, 1],
          [413, 1],
        ]),
      );
    });
  });
});
