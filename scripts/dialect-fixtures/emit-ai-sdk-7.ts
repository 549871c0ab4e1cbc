// Emitter `ai-sdk-7`: Vercel AI SDK 7 (`ai`, installed as `ai-v7`: the app depends on `ai` 6) with
// `@ai-sdk/openai` 4 (installed as `ai-sdk-openai-v4`), traced by `@ai-sdk/otel`'s `OpenTelemetry` integration
// (registered with `registerTelemetry`, as the SDK's telemetry docs show; it follows the GenAI semantic
// conventions and uses the global tracer provider, registered here by NodeSDK). Each call passes
// `telemetry: { isEnabled: true }` (7's name for 6's `experimental_telemetry`). The model is `openai.chat(...)`,
// so the calls go to Chat Completions like every other emitter's.
// `@ai-sdk/otel` depends on `ai` 7 itself, so npm installs it its own copy (node_modules/@ai-sdk/otel/node_modules/
// ai) beside `ai-v7`. The two copies still meet: `registerTelemetry` keeps integrations on `globalThis`
// (AI_SDK_TELEMETRY_INTEGRATIONS), where either copy's calls find them, and the integration uses the copy only
// for `RetryError.isInstance` (a Symbol.for marker) and a pure helper. `checkSameAi` makes sure both copies are
// the same version, so the fixture's `ai` version is the one the integration was built with.
// Run by record.ts (FIXTURE_PROVIDER_URL, FIXTURE_OUTPUT).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OpenTelemetry } from '@ai-sdk/otel';
import { createOpenAI } from 'ai-sdk-openai-v4';
import { embedMany, generateText, registerTelemetry, streamText } from 'ai-v7';

import { LONG_USER_PROMPT, SYSTEM_PROMPT } from './common';
import { emitThroughAiSdk, openaiModels } from './emit-ai-sdk';

/** The `ai` that `@ai-sdk/otel` resolves (its own copy) is the version installed as `ai-v7`. */
function checkSameAi(aiVersion: string | undefined): void {
  const otel = createRequire(require.resolve('@ai-sdk/otel/package.json'));
  const manifest = JSON.parse(readFileSync(otel.resolve('ai/package.json'), 'utf8')) as { version: string };
  if (manifest.version !== aiVersion) {
    throw new Error(`@ai-sdk/otel uses ai ${manifest.version}, but ai-v7 is ai ${String(aiVersion)}`);
  }
}

const models = openaiModels(createOpenAI);
emitThroughAiSdk('ai-sdk-7', {
  afterStart: () => registerTelemetry(new OpenTelemetry()),
  generateText,
  streamText,
  embedMany,
  models,
  telemetry: { telemetry: { isEnabled: true } },
  system: { instructions: SYSTEM_PROMPT },
  prompt: LONG_USER_PROMPT,
  packages: [['ai', 'ai-v7'], ['@ai-sdk/openai', 'ai-sdk-openai-v4'], '@ai-sdk/otel'],
  checkPackages: (packages) => checkSameAi(packages.ai),
});
