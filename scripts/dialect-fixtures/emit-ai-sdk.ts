// The Vercel AI SDK emitters (ai-sdk-6, ai-sdk-6-anthropic, ai-sdk-7): the shared run of node-sdk.ts (the SDK
// traces with the global provider NodeSDK registers) with the same calls made through whichever `ai` major and
// provider package the script passes in. What the majors name differently (the system prompt, the telemetry
// switch) the script spells out itself, so each call's options are exactly those the SDK's docs show.
import { API_KEY, CHAT_MODEL, EMBEDDING_INPUTS, EMBEDDING_MODEL, SHORT_USER_PROMPT } from './common';
import { runNodeSdkEmitter, type NodeSdkEmitter } from './node-sdk';

/** The switch every call gets: `experimental_telemetry` in AI SDK 6, `telemetry` in 7. */
export type TelemetryOption = { experimental_telemetry: { isEnabled: true } } | { telemetry: { isEnabled: true } };

// Methods, not function properties, so the SDK's own generic functions fit these narrower calls.
export interface AiSdkEmitter<Chat, Embedding> extends Pick<
  NodeSdkEmitter,
  'afterStart' | 'packages' | 'checkPackages'
> {
  generateText(options: { model: NoInfer<Chat>; prompt: string }): PromiseLike<unknown>;
  streamText(options: { model: NoInfer<Chat>; prompt: string }): {
    textStream: AsyncIterable<unknown>;
    usage: PromiseLike<unknown>;
  };
  /** Left out where the provider has no embeddings (Anthropic). */
  embedMany?(options: { model: NoInfer<Embedding>; values: string[] }): PromiseLike<unknown>;
  /**
   * The provider package's models against the local provider; each call makes its own, as an app would. Give
   * `providerUrl` its type (`string`), so that TypeScript infers Chat and Embedding from here, not from the SDK's
   * generic functions.
   */
  models: (providerUrl: string) => { chat: () => Chat; embedding?: () => Embedding };
  telemetry: TelemetryOption;
  /** The first call's system prompt, under the name this major gives it (`system`, `instructions`). */
  system: Record<string, unknown>;
  /** The first call's user prompt (the second's is always SHORT_USER_PROMPT). */
  prompt: string;
}

/**
 * A generateText with the system prompt, a streamText read to its end (text and usage), then, where the
 * provider has them, the embeddings of EMBEDDING_INPUTS: all under the root span.
 */
export function emitThroughAiSdk<Chat, Embedding>(
  emitter: NodeSdkEmitter['emitter'],
  sdk: AiSdkEmitter<Chat, Embedding>,
) {
  const { telemetry } = sdk;
  runNodeSdkEmitter({
    emitter,
    afterStart: sdk.afterStart,
    prepare: (providerUrl) => {
      const models = sdk.models(providerUrl);
      return async () => {
        await sdk.generateText({ model: models.chat(), ...sdk.system, prompt: sdk.prompt, ...telemetry });
        const stream = sdk.streamText({ model: models.chat(), prompt: SHORT_USER_PROMPT, ...telemetry });
        for await (const _delta of stream.textStream) {
          // Read the whole stream, as a caller would.
        }
        await stream.usage;
        if (!sdk.embedMany) return;
        if (!models.embedding) throw new Error(`${emitter}: embedMany is given, but no embedding model`);
        await sdk.embedMany({ model: models.embedding(), values: [...EMBEDDING_INPUTS], ...telemetry });
      };
    },
    packages: sdk.packages,
    checkPackages: sdk.checkPackages,
  });
}

/**
 * `models` for an `@ai-sdk/openai` major, given its `createOpenAI`: `openai.chat(...)`, so the calls go to Chat
 * Completions like every other emitter's (the provider's default `openai(...)` would use the Responses API).
 * Call it apart from `emitThroughAiSdk` (a `const`): as one of its options, TypeScript infers unknown models.
 */
export function openaiModels<Chat, Embedding>(
  createOpenAI: (options: { baseURL: string; apiKey: string }) => {
    chat(modelId: string): Chat;
    embedding(modelId: string): Embedding;
  },
): AiSdkEmitter<Chat, Embedding>['models'] {
  return (providerUrl) => {
    const openai = createOpenAI({ baseURL: providerUrl, apiKey: API_KEY });
    return { chat: () => openai.chat(CHAT_MODEL), embedding: () => openai.embedding(EMBEDDING_MODEL) };
  };
}
