// The app's instrumented OpenAI client. Each call becomes a GenAI span (semantic-convention attributes,
// usage with cached and reasoning tokens, cost), explicitly, so it works inside the Next.js bundle
// without loader hooks. Telemetry steps never throw into the call; the call's own errors pass through.
import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { InputTokenCountParams, InputTokenCountResponse } from 'openai/resources/responses/input-tokens';
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { Stream } from 'openai/streaming';
import type { Operation } from '../ledger/ai-span';
import {
  ATTR_AI_COUNTED_INPUT_TOKENS,
  ATTR_AI_FEATURE,
  ATTR_AI_OPERATION,
  ATTR_AI_STREAMED,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  PROVIDER_OPENAI,
} from '../ledger/attributes';
import type { PriceBook } from '../ledger/price-types';
import { TRACER_NAME } from '../telemetry/source-context';
import type { BudgetGuard } from './budget-guard';
import { CallSpan } from './call-span';
import { chatStreamRecorder, recordChatCompletion } from './chat-recorder';
import { observeStream } from './observe-stream';
import { assertFeatureId, type FeatureId } from './prompt-registry';
import { recordRequest } from './request-recorder';
import { recordResponse, responsesEventObserver } from './responses-recorder';

/** The SDK's per-request options (not exported by the SDK under a public path). */
export type RequestOptions = Parameters<OpenAI['embeddings']['create']>[1];

export interface AIClientOptions {
  priceBook: PriceBook;
  /**
   * Record prompt and completion text on spans (`gen_ai.input.messages`, `gen_ai.output.messages`).
   * Default false: then a provider's error message (which may quote the prompt) is withheld too.
   * Warning: prompts often hold personal data; spans go to every trace backend.
   */
  captureContent?: boolean;
  /**
   * Asked before each call reaches the provider; a refusal fails the call with `BudgetExceededError`, recorded
   * on its span as `error.type=budget_exceeded`. Default: none (every call goes).
   */
  budgetGuard?: BudgetGuard;
}

/** Every call names its prompt-registry feature. */
export type WithFeature<T> = T & { feature: FeatureId };

export interface AIClient {
  readonly openai: OpenAI;
  chat: {
    completions: {
      create(
        body: WithFeature<ChatCompletionCreateParamsNonStreaming>,
        options?: RequestOptions,
      ): Promise<ChatCompletion>;
      create(
        body: WithFeature<ChatCompletionCreateParamsStreaming>,
        options?: RequestOptions,
      ): Promise<Stream<ChatCompletionChunk>>;
    };
  };
  responses: {
    create(body: WithFeature<ResponseCreateParamsNonStreaming>, options?: RequestOptions): Promise<Response>;
    create(
      body: WithFeature<ResponseCreateParamsStreaming>,
      options?: RequestOptions,
    ): Promise<Stream<ResponseStreamEvent>>;
    inputTokens: {
      count(body: WithFeature<InputTokenCountParams>, options?: RequestOptions): Promise<InputTokenCountResponse>;
    };
  };
  embeddings: {
    create(body: WithFeature<EmbeddingCreateParams>, options?: RequestOptions): Promise<CreateEmbeddingResponse>;
  };
}

const GEN_AI_OPERATION: Record<Operation, string> = {
  chat: 'chat',
  responses: 'chat',
  embeddings: 'embeddings',
  token_count: 'count_tokens',
};

export function createAIClient(openai: OpenAI, options: AIClientOptions): AIClient {
  const tracer = trace.getTracer(TRACER_NAME);
  const captureContent = options.captureContent ?? false;
  const server = safeUrl(openai.baseURL);

  /** Starts the span, runs the request inside it, and hands back both. */
  async function start<T>(
    operation: Operation,
    body: { feature: string; model?: unknown },
    streamed: boolean,
    request: () => Promise<T>,
  ): Promise<{ call: CallSpan; result: T }> {
    assertFeatureId(body.feature);
    const model = typeof body.model === 'string' ? body.model : undefined;
    // Given at start, so the sampler sees an AI call (LedgerSampler records it even in a dropped trace).
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION[operation],
      [ATTR_GEN_AI_PROVIDER_NAME]: PROVIDER_OPENAI,
      [ATTR_AI_OPERATION]: operation,
      [ATTR_AI_FEATURE]: body.feature,
      [ATTR_AI_STREAMED]: streamed,
      ...(model !== undefined && { [ATTR_GEN_AI_REQUEST_MODEL]: model }),
      ...(server && { 'server.address': server.hostname, 'server.port': server.port }),
    };
    const span = tracer.startSpan(`${GEN_AI_OPERATION[operation]} ${model ?? ''}`.trim(), {
      kind: SpanKind.CLIENT,
      attributes,
    });
    const call = new CallSpan(span, options.priceBook, attributes, captureContent);
    recordRequest(call, body, captureContent);
    // The span's own attributes: the processors have stamped its source, feature and developer attributes.
    const refusal = options.budgetGuard?.refuse((span as { attributes?: Attributes }).attributes ?? attributes);
    if (refusal !== undefined) {
      call.fail(refusal);
      throw refusal;
    }
    try {
      const result = await context.with(trace.setSpan(context.active(), span), request);
      return { call, result };
    } catch (error) {
      call.fail(error);
      throw error;
    }
  }

  /**
   * The request body without `feature`: a copy of the caller's, which the methods below complete with
   * `Object.assign`, which stays on V8's fast path where `{ ...copy, stream: true }` does not.
   */
  function withoutFeature<T extends { feature: string }>(body: T): Omit<T, 'feature'> {
    const { feature: _feature, ...rest } = body;
    return rest;
  }

  async function chatCreate(
    body: WithFeature<ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming>,
    requestOptions?: RequestOptions,
  ): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    const params = withoutFeature(body);
    if (params.stream === true) {
      // Usage arrives in streamed chat only when asked for; ask, and hide it from a caller who did not.
      const injected = params.stream_options?.include_usage !== true;
      const streamParams: ChatCompletionCreateParamsStreaming = injected
        ? Object.assign(params, {
            stream: true as const,
            stream_options: Object.assign({}, params.stream_options, { include_usage: true }),
          })
        : Object.assign(params, { stream: true as const });
      const { call, result } = await start('chat', body, true, () =>
        openai.chat.completions.create(streamParams, requestOptions),
      );
      const recorder = chatStreamRecorder(call, captureContent, injected);
      return observeStream(result, call, recorder.observe, recorder.done);
    }
    const { call, result } = await start('chat', body, false, () =>
      openai.chat.completions.create(Object.assign(params, { stream: false as const }), requestOptions),
    );
    recordChatCompletion(call, result, captureContent);
    call.end();
    return result;
  }

  async function responsesCreate(
    body: WithFeature<ResponseCreateParamsNonStreaming | ResponseCreateParamsStreaming>,
    requestOptions?: RequestOptions,
  ): Promise<Response | Stream<ResponseStreamEvent>> {
    const params = withoutFeature(body);
    if (params.stream === true) {
      const { call, result } = await start('responses', body, true, () =>
        openai.responses.create(Object.assign(params, { stream: true as const }), requestOptions),
      );
      return observeStream(result, call, responsesEventObserver(call, captureContent));
    }
    const { call, result } = await start('responses', body, false, () =>
      openai.responses.create(Object.assign(params, { stream: false as const }), requestOptions),
    );
    recordResponse(call, result, captureContent);
    call.end();
    return result;
  }

  async function embeddingsCreate(
    body: WithFeature<EmbeddingCreateParams>,
    requestOptions?: RequestOptions,
  ): Promise<CreateEmbeddingResponse> {
    const { call, result } = await start('embeddings', body, false, () =>
      openai.embeddings.create(withoutFeature(body), requestOptions),
    );
    call.set({ [ATTR_GEN_AI_RESPONSE_MODEL]: result.model });
    call.usage({ input: result.usage.prompt_tokens });
    call.end();
    return result;
  }

  async function countInputTokens(
    body: WithFeature<InputTokenCountParams>,
    requestOptions?: RequestOptions,
  ): Promise<InputTokenCountResponse> {
    const { call, result } = await start('token_count', body, false, () =>
      openai.responses.inputTokens.count(withoutFeature(body), requestOptions),
    );
    // Not gen_ai.usage.*: nothing was consumed, and generic GenAI dashboards sum those.
    call.set({ [ATTR_AI_COUNTED_INPUT_TOKENS]: result.input_tokens });
    call.end();
    return result;
  }

  return {
    openai,
    chat: { completions: { create: chatCreate as AIClient['chat']['completions']['create'] } },
    responses: {
      create: responsesCreate as AIClient['responses']['create'],
      inputTokens: { count: countInputTokens },
    },
    embeddings: { create: embeddingsCreate },
  };
}

function safeUrl(url: string): { hostname: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return { hostname: parsed.hostname, port };
  } catch {
    return undefined;
  }
}
