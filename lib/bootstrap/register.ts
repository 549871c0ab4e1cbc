// Starts OpenTelemetry inside Next.js (through @vercel/otel) with Spendtrace's processors. For a plain
// Node.js process (a script, a worker), use `registerNodeTelemetry()` from ./register-node instead. The
// production server (lib/server/start-app-server.ts) flushes them on SIGTERM, after draining requests.
import { registerOTel } from '@vercel/otel';
import { getConfig } from '../config/config';
import { ATTR_SERVICE_VERSION } from '../ledger/attributes';
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
    // The release (spend by release): SPENDTRACE_SERVICE_VERSION, else the version next.config.ts built in.
    attributes: { [ATTR_SERVICE_VERSION]: config.serviceVersion ?? process.env.SPENDTRACE_BUILD_VERSION ?? 'unknown' },
    spanProcessors: telemetry.processors,
    traceSampler: createAppSampler(),
    propagators: ['tracecontext', 'baggage'],
    // Trace context and baggage (ai.source, ai.attr.*) go only to our own services, never to OpenAI.
    instrumentationConfig: { fetch: { propagateContextUrls: config.propagateUrls } },
  });
  return telemetry;
}
