// Starts OpenTelemetry inside Next.js (through @vercel/otel) with Spendtrace's processors. For a plain
// Node.js process (a script, a worker), use `registerNodeTelemetry()` from ./register-node instead.
import { diag } from '@opentelemetry/api';
import { registerOTel } from '@vercel/otel';
import { getConfig } from '../config';
import { createAppSampler, createAppTelemetry, currentAppTelemetry, shutdownTelemetry } from './app-telemetry';
import type { SpendtraceProcessors } from './spendtrace-processors';
import type { RegisterTelemetryOptions } from './types';

/** For Next.js's `instrumentation.ts` on the Node.js runtime. Idempotent. */
export function registerTelemetry(options: RegisterTelemetryOptions = {}): SpendtraceProcessors {
  const existing = currentAppTelemetry();
  if (existing) return existing;
  const telemetry = createAppTelemetry(options);
  const config = getConfig();
  registerOTel({
    serviceName: options.serviceName ?? config.serviceName,
    spanProcessors: telemetry.processors,
    traceSampler: createAppSampler(),
    propagators: ['tracecontext', 'baggage'],
    // Trace context and baggage (ai.source, ai.attr.*) go only to our own services, never to OpenAI.
    instrumentationConfig: { fetch: { propagateContextUrls: config.propagateUrls } },
  });
  flushOnSignals();
  return telemetry;
}

/**
 * Next.js leaves SIGTERM and SIGINT to the app when NEXT_MANUAL_SIG_HANDLE is set (our `npm start` sets
 * it): flush the rows we hold, then exit.
 */
function flushOnSignals(): void {
  if (!getConfig().manualSignalHandling) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdownTelemetry()
        .catch((error: unknown) => {
          diag.error('spendtrace: flushing telemetry on shutdown failed', error);
        })
        .finally(() => process.exit(0));
    });
  }
}
