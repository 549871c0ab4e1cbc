// The Vercel AI SDK's telemetry settings for a call of ours: on, named by its registered feature id (the
// ledger reads `ai.telemetry.functionId` as the row's feature), and recording prompts and answers on the
// spans only when content capture is configured, as our own client does.
import type { TelemetrySettings } from 'ai';
import { getConfig } from '../config/config';
import { assertFeatureId, type FeatureId } from './prompt-registry';

export function aiSdkTelemetry({ feature }: { feature: FeatureId }): TelemetrySettings {
  assertFeatureId(feature);
  const { captureContent } = getConfig();
  return { isEnabled: true, functionId: feature, recordInputs: captureContent, recordOutputs: captureContent };
}
