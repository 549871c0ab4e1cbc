// Starts OpenTelemetry inside Next.js (through @vercel/otel) with Spendtrace's processors. For a plain
// Node.js process (a script, a worker), use `registerNodeTelemetry()` from ./register-node instead. The
// production server (lib/server/start-app-server.ts) flushes them on SIGTERM, after draining requests.
import { registerOTel } from '@vercel/otel';
import { getConfig } from '../config/config';
import { createAppSampler, createAppTelemetry, currentAppTelemetry } from './app-telemetry';
import type { SpendtraceProcessors } from '../telemetry/spendtrace-processors';
import type { RegisterTelemetryOptions } from '../telemetry/types';

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
  return telemetry;
}
