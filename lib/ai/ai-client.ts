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
import { providerId } from '../ledger/provider-ids';
import { TRACER_NAME } from '../telemetry/source-context';
import type { BudgetGuard } from './budget-guard';
import { CallSpan } from './call-span';
import { ChatStreamRecorder, recordChatCompletion } from './chat-recorder';
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

/**
 * The attribute names read on every call, looked up once: where modules are compiled to CommonJS (tsx runs the
 * Node.js scripts that way) each imported binding is a getter.
 */
const KEY = {
  operationName: ATTR_GEN_AI_OPERATION_NAME,
  providerName: ATTR_GEN_AI_PROVIDER_NAME,
  operation: ATTR_AI_OPERATION,
  feature: ATTR_AI_FEATURE,
  streamed: ATTR_AI_STREAMED,
  requestModel: ATTR_GEN_AI_REQUEST_MODEL,
  responseModel: ATTR_GEN_AI_RESPONSE_MODEL,
  countedInputTokens: ATTR_AI_COUNTED_INPUT_TOKENS,
} as const;
const PROVIDER = PROVIDER_OPENAI;
/** The ledger's name for it. */
const PROVIDER_ID = providerId(PROVIDER);

export function createAIClient(openai: OpenAI, options: AIClientOptions): AIClient {
  // The same for every call of this client: computed once.
  const tracer = trace.getTracer(TRACER_NAME);
  const captureContent = options.captureContent ?? false;
  const server = safeUrl(openai.baseURL);

  /**
   * Starts the call's span (throwing, with the span failed, when the budget guard refuses the call). Not async,
   * and the request is sent by each method itself (`send`): every async step costs promises and microtask turns.
   */
  function begin(operation: Operation, body: { feature: string; model?: unknown }, streamed: boolean): CallSpan {
    assertFeatureId(body.feature);
    const model = typeof body.model === 'string' ? body.model : undefined;
    const operationName = GEN_AI_OPERATION[operation];
    // Given at start, so the sampler sees an AI call (LedgerSampler records it even in a dropped trace).
    const attributes: Attributes = {
      [KEY.operationName]: operationName,
      [KEY.providerName]: PROVIDER,
      [KEY.operation]: operation,
      [KEY.feature]: body.feature,
      [KEY.streamed]: streamed,
    };
    if (model !== undefined) attributes[KEY.requestModel] = model;
    if (server) {
      attributes['server.address'] = server.hostname;
      attributes['server.port'] = server.port;
    }
    const span = tracer.startSpan(`${operationName} ${model ?? ''}`.trim(), { kind: SpanKind.CLIENT, attributes });
    const call = new CallSpan(
      span,
      { operation, provider: PROVIDER_ID, requestModel: model, streamed },
      options.priceBook,
      captureContent,
    );
    recordRequest(call, body, captureContent);
    // The span's own attributes: the processors have stamped its source, feature and developer attributes.
    const refusal = options.budgetGuard?.refuse((span as { attributes?: Attributes }).attributes ?? attributes);
    if (refusal !== undefined) {
      call.fail(refusal);
      throw refusal;
    }
    return call;
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
      const call = begin('chat', body, true);
      let result: Stream<ChatCompletionChunk>;
      try {
        result = await send(call, () => openai.chat.completions.create(streamParams, requestOptions));
      } catch (error) {
        call.fail(error);
        throw error;
      }
      return observeStream(result, call, new ChatStreamRecorder(call, captureContent, injected));
    }
    const call = begin('chat', body, false);
    let result: ChatCompletion;
    try {
      result = await send(call, () =>
        openai.chat.completions.create(Object.assign(params, { stream: false as const }), requestOptions),
      );
    } catch (error) {
      call.fail(error);
      throw error;
    }
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
      const call = begin('responses', body, true);
      let result: Stream<ResponseStreamEvent>;
      try {
        result = await send(call, () =>
          openai.responses.create(Object.assign(params, { stream: true as const }), requestOptions),
        );
      } catch (error) {
        call.fail(error);
        throw error;
      }
      return observeStream(result, call, { observe: responsesEventObserver(call, captureContent) });
    }
    const call = begin('responses', body, false);
    let result: Response;
    try {
      result = await send(call, () =>
        openai.responses.create(Object.assign(params, { stream: false as const }), requestOptions),
      );
    } catch (error) {
      call.fail(error);
      throw error;
    }
    recordResponse(call, result, captureContent);
    call.end();
    return result;
  }

  async function embeddingsCreate(
    body: WithFeature<EmbeddingCreateParams>,
    requestOptions?: RequestOptions,
  ): Promise<CreateEmbeddingResponse> {
    const call = begin('embeddings', body, false);
    let result: CreateEmbeddingResponse;
    try {
      result = await send(call, () => openai.embeddings.create(withoutFeature(body), requestOptions));
    } catch (error) {
      call.fail(error);
      throw error;
    }
    call.setAttribute(KEY.responseModel, result.model);
    call.usage({ input: result.usage.prompt_tokens });
    call.end();
    return result;
  }

  async function countInputTokens(
    body: WithFeature<InputTokenCountParams>,
    requestOptions?: RequestOptions,
  ): Promise<InputTokenCountResponse> {
    const call = begin('token_count', body, false);
    let result: InputTokenCountResponse;
    try {
      result = await send(call, () => openai.responses.inputTokens.count(withoutFeature(body), requestOptions));
    } catch (error) {
      call.fail(error);
      throw error;
    }
    // Not gen_ai.usage.*: nothing was consumed, and generic GenAI dashboards sum those.
    call.setAttribute(KEY.countedInputTokens, result.input_tokens);
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

/** Sends a call's request inside its span (a request that throws at once throws here, as in an async step). */
function send<T>(call: CallSpan, request: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), call.span), request);
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
