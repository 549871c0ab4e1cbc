// Starts OpenTelemetry in a plain Node.js process (a script, a queue worker) with Spendtrace's processors.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getConfig } from '../config/config';
import { closeDatabase } from '../db/get-database';
import { createAppSampler, createAppTelemetry } from './app-telemetry';
import type { RegisterTelemetryOptions } from '../telemetry/types';

export interface NodeTelemetry {
  sdk: NodeSDK;
  /** Flushes the spans and rows the process holds, then closes the database. Call before exiting. */
  shutdown(): Promise<void>;
}

export function registerNodeTelemetry(options: RegisterTelemetryOptions = {}): NodeTelemetry {
  const telemetry = createAppTelemetry(options);
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? getConfig().serviceName,
    spanProcessors: telemetry.processors,
    sampler: createAppSampler(),
    instrumentations: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    sdk,
    shutdown() {
      stopped ??= sdk.shutdown().finally(closeDatabase);
      return stopped;
    },
  };
}
