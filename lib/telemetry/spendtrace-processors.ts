// The span processors Spendtrace adds to any OpenTelemetry SDK, in order: attribution, cost, then the
// exporters. Shared by the Next.js registration and the plain Node.js one.
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as OTLPHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PriceBook } from '../ledger/price-types';
import { CostSpanProcessor } from './cost-span-processor';
import { InteractionExporter } from './interaction-exporter';
import { LedgerSpanProcessor } from './ledger-span-processor';
import { LocalRoots } from './local-roots';
import { SourceSpanProcessor } from './source-span-processor';
import { SpanReadings } from './span-readings';
import { installedSpendObserver, type SpendObserver } from './spend-observer';
import type { InteractionSink } from '../ledger/interaction-sink';

export interface SpendtraceProcessorsOptions {
  priceBook: PriceBook;
  /** `database`: rows in-process; `otlp`: spans to `OTEL_EXPORTER_OTLP_*`; `both`; `none`: attribution only. */
  exporter: 'database' | 'otlp' | 'both' | 'none';
  /** OTLP encoding: `http/protobuf` (the default, as in every OpenTelemetry SDK) or `http/json`. */
  otlpProtocol?: 'http/protobuf' | 'http/json';
  /** Opened on the first export. */
  sink: () => Promise<InteractionSink>;
  maxBufferedRows?: number;
  /** Told of each priced call (budgets). Default: whichever observer start-up installed. */
  spendObserver?: SpendObserver;
}

export interface SpendtraceProcessors {
  processors: SpanProcessor[];
  /** Present when rows are written in-process. */
  interactionExporter: InteractionExporter | undefined;
  /** Flushes and stops the exporting processors. Safe to call twice. */
  shutdown(): Promise<void>;
}

export function createSpendtraceProcessors(options: SpendtraceProcessorsOptions): SpendtraceProcessors {
  const exporting: SpanProcessor[] = [];
  // One reading of each ended span for the cost processor, the ledger processor and the exporter: read once, priced once.
  const readings = new SpanReadings();
  let interactionExporter: InteractionExporter | undefined;
  if (options.exporter === 'database' || options.exporter === 'both') {
    interactionExporter = new InteractionExporter({
      sink: options.sink,
      priceBook: options.priceBook,
      maxBufferedRows: options.maxBufferedRows,
      readings,
    });
    // Every AI span, sampled or not: the ledger is complete whatever the trace sampler keeps.
    exporting.push(new LedgerSpanProcessor(interactionExporter, { scheduledDelayMillis: 1000, readings }));
  }
  if (options.exporter === 'otlp' || options.exporter === 'both') {
    // Each reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself, as every OpenTelemetry SDK does.
    const otlp = options.otlpProtocol === 'http/json' ? new OTLPHttpJsonTraceExporter() : new OTLPProtoTraceExporter();
    exporting.push(new BatchSpanProcessor(otlp, { scheduledDelayMillis: 1000 }));
  }
  // One record of the open local roots for both processors that need it.
  const roots = new LocalRoots();
  let stopped: Promise<void> | undefined;
  return {
    processors: [
      new SourceSpanProcessor({ roots }),
      new CostSpanProcessor({
        priceBook: options.priceBook,
        roots,
        spendObserver: options.spendObserver ?? installedSpendObserver,
        readings,
      }),
      ...exporting,
    ],
    interactionExporter,
    shutdown() {
      stopped ??= Promise.all(exporting.map((p) => p.shutdown())).then(() => undefined);
      return stopped;
    },
  };
}
