// The sink's counters, exposed at GET /metrics in the Prometheus text format.

/** Distinct instrumentation scopes counted by name; more than this are counted as `other`. */
export const MAX_COUNTED_SCOPES = 100;

/** A label value as the Prometheus text format writes it. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class SinkMetrics {
  /** Spans received in decodable requests. */
  spansReceived = 0;
  /** AIInteraction rows inserted (a retried span already stored is not counted again). */
  rowsWritten = 0;
  /** Spans refused: undecodable ids or times, or values the database cannot store. */
  spansRejected = 0;
  /** Spans in requests answered 503 because the database was unavailable; the client retries them. */
  spansRetried = 0;
  /** Unattributed rows given their source when their trace's root arrived later. */
  rowsCorrected = 0;
  /** Group writes to the database: each carries the requests that arrived while the one before it ran. */
  writes = 0;
  /** OTLP/HTTP requests by HTTP status code. */
  readonly requests = new Map<number, number>();
  /** OTLP/gRPC requests by gRPC status code name (`OK`, `UNAUTHENTICATED`, …). */
  readonly grpcRequests = new Map<string, number>();
  /** Spans each dialect read, as calls (rows) and as wrappers (no row), keyed `dialect\tkind`. */
  readonly dialectSpans = new Map<string, number>();
  /** AI-looking spans no dialect reads, by instrumentation scope name ('' when the span has none). */
  readonly unmappedSpans = new Map<string, number>();

  countRequest(status: number): void {
    this.requests.set(status, (this.requests.get(status) ?? 0) + 1);
  }

  countGrpcRequest(code: string): void {
    this.grpcRequests.set(code, (this.grpcRequests.get(code) ?? 0) + 1);
  }

  countDialectSpan(dialect: string, kind: 'call' | 'wrapper'): void {
    const key = `${dialect}\t${kind}`;
    this.dialectSpans.set(key, (this.dialectSpans.get(key) ?? 0) + 1);
  }

  /** Counts an AI-looking span no dialect reads; true the first time its scope is seen (to log it once). */
  countUnmapped(scope: string): boolean {
    const counted = this.unmappedSpans.has(scope) || this.unmappedSpans.size < MAX_COUNTED_SCOPES ? scope : 'other';
    const seen = this.unmappedSpans.get(counted);
    this.unmappedSpans.set(counted, (seen ?? 0) + 1);
    return seen === undefined;
  }

  render(): string {
    const counter = (name: string, help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}\n`;
    const byStatus = [...this.requests.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `spendtrace_sink_requests_total{status="${status}"} ${n}\n`)
      .join('');
    const byCode = [...this.grpcRequests.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, n]) => `spendtrace_sink_grpc_requests_total{code="${label(code)}"} ${n}\n`)
      .join('');
    return (
      counter('spendtrace_sink_spans_received_total', 'Spans received in decodable requests.', this.spansReceived) +
      counter('spendtrace_sink_rows_written_total', 'AIInteraction rows inserted.', this.rowsWritten) +
      counter('spendtrace_sink_spans_rejected_total', 'Spans refused as invalid.', this.spansRejected) +
      counter(
        'spendtrace_sink_spans_retried_total',
        'Spans in requests answered 503 (gRPC: UNAVAILABLE) for the client to retry.',
        this.spansRetried,
      ) +
      counter('spendtrace_sink_rows_corrected_total', 'Unattributed rows attributed later.', this.rowsCorrected) +
      counter(
        'spendtrace_sink_writes_total',
        'Writes to the database, each with the requests that arrived while the one before it ran.',
        this.writes,
      ) +
      `# HELP spendtrace_sink_requests_total OTLP requests by HTTP status.\n# TYPE spendtrace_sink_requests_total counter\n${byStatus}` +
      `# HELP spendtrace_sink_grpc_requests_total OTLP/gRPC requests by gRPC status code.\n# TYPE spendtrace_sink_grpc_requests_total counter\n${byCode}` +
      this.renderDialects()
    );
  }

  private renderDialects(): string {
    const byDialect = [...this.dialectSpans.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => {
        const [dialect = '', kind = ''] = key.split('\t');
        return `spendtrace_sink_dialect_spans_total{dialect="${label(dialect)}",kind="${kind}"} ${n}\n`;
      })
      .join('');
    const unmapped = [...this.unmappedSpans.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scope, n]) => `spendtrace_sink_unmapped_ai_spans_total{scope="${label(scope)}"} ${n}\n`)
      .join('');
    return (
      '# HELP spendtrace_sink_dialect_spans_total Spans read per span dialect: calls (one row each) and wrappers (no row).\n' +
      `# TYPE spendtrace_sink_dialect_spans_total counter\n${byDialect}` +
      '# HELP spendtrace_sink_unmapped_ai_spans_total Spans with GenAI-looking attributes that no dialect reads, by instrumentation scope.\n' +
      `# TYPE spendtrace_sink_unmapped_ai_spans_total counter\n${unmapped}`
    );
  }
}
