// The app's instrumented OpenAI clients: ours (`getAIClient`), and the Vercel AI SDK's OpenAI provider
// (`getAISdkOpenAI`) for flows written with the AI SDK. With OPENAI_API_KEY both talk to OpenAI (or
// OPENAI_BASE_URL); without one they share the simulated local provider, started in-process, and
// `isSimulatedProvider()` says so.
import { createOpenAI, type OpenAIProvider } from '@ai-sdk/openai';
import OpenAI from 'openai';
import { getConfig } from '../config/config';
import { createAIClient, type AIClient } from './ai-client';
import { guardedFetch } from './guarded-fetch';
import { installedBudgetGuard } from './budget-guard';
import { startLocalProvider, type LocalProvider } from './local-provider';
import { getDefaultPriceBook } from '../ledger/default-price-book';

const globalForAI = globalThis as unknown as {
  spendtraceAI?: Promise<AIClient>;
  spendtraceAISdk?: Promise<OpenAIProvider>;
  spendtraceProviderSettings?: Promise<ProviderSettings>;
  spendtraceLocalProvider?: LocalProvider;
};

/** Between the simulated provider's streamed chunks. */
const SIMULATED_CHUNK_DELAY_MS = 30;

interface ProviderSettings {
  apiKey: string;
  baseURL: string | undefined;
}

/** Where the clients send their calls: the configured provider, or the simulated one (started once). */
function providerSettings(): Promise<ProviderSettings> {
  globalForAI.spendtraceProviderSettings ??= (async () => {
    const config = getConfig();
    if (config.openaiApiKey !== undefined) return { apiKey: config.openaiApiKey, baseURL: config.openaiBaseUrl };
    // Word by word, a little apart, as a real model answers: a streamed answer is seen streaming.
    const provider = await startLocalProvider({ chunkDelayMs: SIMULATED_CHUNK_DELAY_MS });
    globalForAI.spendtraceLocalProvider = provider;
    return { apiKey: 'simulated', baseURL: provider.url };
  })().catch((error: unknown) => {
    globalForAI.spendtraceProviderSettings = undefined;
    throw error;
  });
  return globalForAI.spendtraceProviderSettings;
}

/** True when no OPENAI_API_KEY is set and calls go to the simulated provider. */
export function isSimulatedProvider(): boolean {
  return getConfig().openaiApiKey === undefined;
}

export function getAIClient(): Promise<AIClient> {
  globalForAI.spendtraceAI ??= (async () => {
    const config = getConfig();
    const { apiKey, baseURL } = await providerSettings();
    const openai = new OpenAI({
      apiKey,
      baseURL,
      maxRetries: config.openaiMaxRetries,
      timeout: config.openaiTimeoutMs,
    });
    return createAIClient(openai, {
      priceBook: getDefaultPriceBook(),
      captureContent: config.captureContent,
      budgetGuard: installedBudgetGuard,
    });
  })().catch((error: unknown) => {
    globalForAI.spendtraceAI = undefined;
    throw error;
  });
  return globalForAI.spendtraceAI;
}

/**
 * The AI SDK's OpenAI provider, on the same endpoint and key as `getAIClient`. Its calls are ledgered from
 * the AI SDK's own spans: pass `aiSdkTelemetry(feature)` as `experimental_telemetry`. Budgets guard its calls
 * too, in its `fetch`.
 */
export function getAISdkOpenAI(): Promise<OpenAIProvider> {
  globalForAI.spendtraceAISdk ??= providerSettings()
    .then(({ apiKey, baseURL }) => createOpenAI({ apiKey, baseURL, fetch: guardedFetch(installedBudgetGuard) }))
    .catch((error: unknown) => {
      globalForAI.spendtraceAISdk = undefined;
      throw error;
    });
  return globalForAI.spendtraceAISdk;
}

/**
 * Stops the simulated provider, if this process started one: its open server would keep a script from
 * exiting. A later `getAIClient()` starts afresh. Safe to call when no client was made.
 */
export async function closeAIClient(): Promise<void> {
  // A client still being made may be starting the provider: let it finish, so there is one to close.
  await globalForAI.spendtraceAI?.catch(() => undefined);
  await globalForAI.spendtraceProviderSettings?.catch(() => undefined);
  const provider = globalForAI.spendtraceLocalProvider;
  globalForAI.spendtraceAI = undefined;
  globalForAI.spendtraceAISdk = undefined;
  globalForAI.spendtraceProviderSettings = undefined;
  globalForAI.spendtraceLocalProvider = undefined;
  await provider?.close();
}
