// The one pino logger. Every line written inside a span carries its trace_id and span_id, so a log line
// leads to its trace in Jaeger.
import { diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { withheldProviderMessage } from './ledger/provider-error';
import { getConfig } from './config/config';

export interface LoggerOptions {
  /**
   * Log an AI provider's error messages as they are. Default false: they may quote the prompt, so an
   * `err` from the provider is logged with its message withheld (status, type, code and request id kept).
   */
  captureContent?: boolean;
}

/** A JSON logger at `level`, writing to `destination` (default stdout). */
export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const captureContent = options.captureContent ?? false;
  return pino(
    {
      level,
      base: { service: 'spendtrace' },
      serializers: {
        err: (error: unknown) =>
          pino.stdSerializers.err((captureContent ? error : withheldProviderMessage(error)) as Error),
      },
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
  globalForLogger.spendtraceLogger ??= createLogger(getConfig().logLevel, undefined, {
    captureContent: getConfig().captureContent,
  });
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
