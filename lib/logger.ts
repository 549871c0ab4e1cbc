// The one pino logger. Every line written inside a span carries its trace_id and span_id, so a log line
// leads to its trace in Jaeger.
import { diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { getConfig } from './config';

/** A JSON logger at `level`, writing to `destination` (default stdout). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'spendtrace' },
      mixin() {
        const span = trace.getActiveSpan();
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    destination,
  );
}

const globalForLogger = globalThis as unknown as { spendtraceLogger?: Logger };

/** The process's logger, at `LOG_LEVEL`. */
export function getLogger(): Logger {
  globalForLogger.spendtraceLogger ??= createLogger(getConfig().logLevel);
  return globalForLogger.spendtraceLogger;
}

/** Routes OpenTelemetry's `diag` messages (our telemetry errors among them) into pino. */
export function diagToPino(logger: Logger): DiagLogger {
  const log =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]) => {
      const err = args.find((a): a is Error => a instanceof Error);
      logger[level]({ component: 'otel', ...(err && { err }) }, message);
    };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), verbose: log('trace') };
}

export function installDiagLogger(logger: Logger): void {
  diag.setLogger(diagToPino(logger), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
