// The sink's counters (and the size of what it remembers), exposed at GET /metrics in the Prometheus text format.

export interface SinkMetricsOptions {
  /** How many traces the sink remembers (see RootRoutes): rendered as a gauge when given. */
  rootTraces?: () => { sources: number; awaiting: number };
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
  /** Requests by status code. */
  readonly requests = new Map<number, number>();

  constructor(private readonly options: SinkMetricsOptions = {}) {}

  countRequest(status: number): void {
    this.requests.set(status, (this.requests.get(status) ?? 0) + 1);
  }

  render(): string {
    const counter = (name: string, help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}\n`;
    const byStatus = [...this.requests.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `spendtrace_sink_requests_total{status="${status}"} ${n}\n`)
      .join('');
    return (
      counter('spendtrace_sink_spans_received_total', 'Spans received in decodable requests.', this.spansReceived) +
      counter('spendtrace_sink_rows_written_total', 'AIInteraction rows inserted.', this.rowsWritten) +
      counter('spendtrace_sink_spans_rejected_total', 'Spans refused as invalid.', this.spansRejected) +
      counter(
        'spendtrace_sink_spans_retried_total',
        'Spans in requests answered 503 for the client to retry.',
        this.spansRetried,
      ) +
      counter('spendtrace_sink_rows_corrected_total', 'Unattributed rows attributed later.', this.rowsCorrected) +
      `# HELP spendtrace_sink_requests_total OTLP requests by HTTP status.\n# TYPE spendtrace_sink_requests_total counter\n${byStatus}` +
      this.renderRootTraces()
    );
  }

  private renderRootTraces(): string {
    if (!this.options.rootTraces) return '';
    const { sources, awaiting } = this.options.rootTraces();
    return (
      '# HELP spendtrace_sink_root_traces Traces remembered for late attribution: root sources, and traces awaiting their root.\n' +
      '# TYPE spendtrace_sink_root_traces gauge\n' +
      `spendtrace_sink_root_traces{map="sources"} ${sources}\n` +
      `spendtrace_sink_root_traces{map="awaiting"} ${awaiting}\n`
    );
  }
}
