// Starts OpenTelemetry in a plain Node.js process (a script, a queue worker) with Spendtrace's processors.
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_VERSION } from '../ledger/attributes';
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
  const config = getConfig();
  // The release (spend by release): SPENDTRACE_SERVICE_VERSION, else package.json's when run through npm.
  const version = config.serviceVersion ?? process.env.npm_package_version;
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? config.serviceName,
    ...(version === undefined
      ? {}
      : { resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_VERSION]: version })) }),
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
