// The app's one instrumented OpenAI client. With OPENAI_API_KEY it talks to OpenAI (or OPENAI_BASE_URL);
// without one it starts the simulated local provider in-process, and `isSimulatedProvider()` says so.
import OpenAI from 'openai';
import { getConfig } from '../config/config';
import { createAIClient, type AIClient } from './ai-client';
import { startLocalProvider, type LocalProvider } from './local-provider';
import { getDefaultPriceBook } from '../ledger/default-price-book';

const globalForAI = globalThis as unknown as {
  spendtraceAI?: Promise<AIClient>;
  spendtraceLocalProvider?: LocalProvider;
};

/** True when no OPENAI_API_KEY is set and calls go to the simulated provider. */
export function isSimulatedProvider(): boolean {
  return getConfig().openaiApiKey === undefined;
}

export function getAIClient(): Promise<AIClient> {
  globalForAI.spendtraceAI ??= (async () => {
    const config = getConfig();
    let apiKey = config.openaiApiKey;
    let baseURL = config.openaiBaseUrl;
    if (apiKey === undefined) {
      const provider = await startLocalProvider();
      globalForAI.spendtraceLocalProvider = provider;
      apiKey = 'simulated';
      baseURL = provider.url;
    }
    const openai = new OpenAI({
      apiKey,
      baseURL,
      maxRetries: config.openaiMaxRetries,
      timeout: config.openaiTimeoutMs,
    });
    return createAIClient(openai, { priceBook: getDefaultPriceBook(), captureContent: config.captureContent });
  })().catch((error: unknown) => {
    globalForAI.spendtraceAI = undefined;
    throw error;
  });
  return globalForAI.spendtraceAI;
}

/**
 * Stops the simulated provider, if this process started one: its open server would keep a script from
 * exiting. A later `getAIClient()` starts afresh. Safe to call when no client was made.
 */
export async function closeAIClient(): Promise<void> {
  // A client still being made may be starting the provider: let it finish, so there is one to close.
  await globalForAI.spendtraceAI?.catch(() => undefined);
  const provider = globalForAI.spendtraceLocalProvider;
  globalForAI.spendtraceAI = undefined;
  globalForAI.spendtraceLocalProvider = undefined;
  await provider?.close();
}
