// The app's instrumented OpenAI client. Each call becomes a GenAI span (semantic-convention attributes,
// usage with cached and reasoning tokens, cost), explicitly, so it works inside the Next.js bundle
// without loader hooks. Telemetry steps never throw into the call; the call's own errors pass through.
import { context, diag, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
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
import { Stream } from 'openai/streaming';
import { costOf, type Operation } from '../telemetry/ai-span';
import * as A from '../telemetry/attributes';
import { costAttributes } from '../telemetry/cost-span-processor';
import { trackCall } from '../telemetry/in-flight';
import { TRACER_NAME } from '../telemetry/source-context';
import type { PriceBook } from './price-book';
import { assertFeatureId, type FeatureId } from './prompt-registry';
import { WITHHELD_MESSAGE, withheldProviderMessage } from './provider-error';

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

interface Usage {
  input?: number;
  cached?: number;
  output?: number;
  reasoning?: number;
}

/**
 * One AI call's span. The attributes learned during the call are kept here and given to the span once, with
 * the call's cost, when it ends: one `setAttributes` (whose checks run per call) instead of one per step.
 */
class CallSpan {
  /** Everything learned after the span started, in the order learned. */
  private readonly learned: Attributes = {};
  private readonly startedAt = new Date();
  private ended = false;
  private readonly untrack = trackCall();

  /** `initial`: the attributes the span was started with. */
  constructor(
    readonly span: Span,
    private readonly priceBook: PriceBook,
    private readonly initial: Attributes,
    private readonly captureContent: boolean,
  ) {}

  set(attributes: Attributes): void {
    if (!this.ended) Object.assign(this.learned, attributes);
  }

  usage(usage: Usage | undefined): void {
    if (!usage || this.ended) return;
    const learned = this.learned;
    if (usage.input !== undefined) learned[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.input;
    if (usage.cached !== undefined) learned[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cached;
    if (usage.output !== undefined) learned[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.output;
    if (usage.reasoning !== undefined) learned[A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    safely(() => {
      // Object.assign, not `{ ...a, ...b }`: spreading a second object runs V8's slow path (~5 µs here).
      const cost = costOf(Object.assign({}, this.initial, this.learned), this.startedAt, this.priceBook);
      Object.assign(this.learned, costAttributes(cost));
    });
    // What was learned reaches the span even when pricing failed.
    safely(() => this.span.setAttributes(this.learned));
    this.span.end();
    this.untrack();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    safely(() => {
      this.set({ [A.ATTR_ERROR_TYPE]: errorTypeOf(error) });
      // The provider's message may quote the prompt: content, recorded only when content is captured.
      const recorded = this.captureContent ? error : withheldProviderMessage(error);
      if (recorded instanceof Error) this.span.recordException(recorded);
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: recorded instanceof Error ? recorded.message : String(recorded),
      });
    });
    this.end();
  }

  /** Marks the call failed without ending it (a stream reported an error as data, in the provider's words). */
  markFailed(type: string, message: string): void {
    safely(() => {
      this.set({ [A.ATTR_ERROR_TYPE]: type });
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: this.captureContent ? message : `${type}: ${WITHHELD_MESSAGE}`,
      });
    });
  }

  /** Marks a stream the caller stopped reading before the provider finished: its usage is unknown. */
  markAbandoned(): void {
    this.set({ [A.ATTR_AI_STREAM_ABANDONED]: true });
  }
}

// Most specific first. `instanceof`, not class names, so a minifying bundler cannot change the value.
const ERROR_TYPES: readonly [string, abstract new (...args: never[]) => Error][] = [
  ['RateLimitError', OpenAI.RateLimitError],
  ['InternalServerError', OpenAI.InternalServerError],
  ['BadRequestError', OpenAI.BadRequestError],
  ['AuthenticationError', OpenAI.AuthenticationError],
  ['PermissionDeniedError', OpenAI.PermissionDeniedError],
  ['NotFoundError', OpenAI.NotFoundError],
  ['ConflictError', OpenAI.ConflictError],
  ['UnprocessableEntityError', OpenAI.UnprocessableEntityError],
  ['APIConnectionTimeoutError', OpenAI.APIConnectionTimeoutError],
  ['APIUserAbortError', OpenAI.APIUserAbortError],
  ['APIConnectionError', OpenAI.APIConnectionError],
  ['APIError', OpenAI.APIError],
];

/** A low-cardinality `error.type`: the SDK's error class, else the error's name, else `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  for (const [name, type] of ERROR_TYPES) if (error instanceof type) return name;
  if (error instanceof Error && error.name && error.name !== 'Error') return error.name;
  return '_OTHER';
}

function safely(step: () => void): void {
  try {
    step();
  } catch (error) {
    diag.error('spendtrace: recording an OpenAI span failed', error);
  }
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
      [A.ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION[operation],
      [A.ATTR_GEN_AI_PROVIDER_NAME]: A.PROVIDER_OPENAI,
      [A.ATTR_AI_OPERATION]: operation,
      [A.ATTR_AI_FEATURE]: body.feature,
      [A.ATTR_AI_STREAMED]: streamed,
      ...(model !== undefined && { [A.ATTR_GEN_AI_REQUEST_MODEL]: model }),
      ...(server && { 'server.address': server.hostname, 'server.port': server.port }),
    };
    const span = tracer.startSpan(`${GEN_AI_OPERATION[operation]} ${model ?? ''}`.trim(), {
      kind: SpanKind.CLIENT,
      attributes,
    });
    const call = new CallSpan(span, options.priceBook, attributes, captureContent);
    recordRequest(call, body);
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
   * `Object.assign` (in V8, `{ ...copy, stream: true }` takes a slow path that costs about 0.7 µs a call).
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
      const reasons: string[] = [];
      const texts: string[] = [];
      // Every chunk repeats the model and id: set them when they change, not once per chunk.
      let model: string | undefined;
      let id: string | undefined;
      return observeStream(
        result,
        call,
        (chunk) => {
          if (chunk.model && (chunk.model !== model || chunk.id !== id)) {
            model = chunk.model;
            id = chunk.id;
            call.set({ [A.ATTR_GEN_AI_RESPONSE_MODEL]: model, [A.ATTR_GEN_AI_RESPONSE_ID]: id });
          }
          if (chunk.usage) call.usage(chatUsage(chunk.usage));
          for (const choice of chunk.choices) {
            if (choice.finish_reason) {
              reasons[choice.index] = choice.finish_reason;
              call.set({ [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: reasons.filter(Boolean) });
            }
            if (captureContent && choice.delta.content)
              texts[choice.index] = (texts[choice.index] ?? '') + choice.delta.content;
          }
          return reshape(chunk);
        },
        () => {
          if (captureContent) {
            const messages = texts.map((content) => ({ role: 'assistant', content }));
            call.set({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(messages.filter(Boolean)) });
          }
        },
      );

      function reshape(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
        if (!injected) return chunk;
        if (chunk.choices.length === 0 && chunk.usage) return undefined;
        if ('usage' in chunk) {
          const { usage: _usage, ...rest } = chunk;
          return rest;
        }
        return chunk;
      }
    }
    const { call, result } = await start('chat', body, false, () =>
      openai.chat.completions.create(Object.assign(params, { stream: false as const }), requestOptions),
    );
    call.set({
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: result.model,
      [A.ATTR_GEN_AI_RESPONSE_ID]: result.id,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: result.choices.map((c) => c.finish_reason),
    });
    call.usage(result.usage ? chatUsage(result.usage) : undefined);
    if (captureContent) {
      call.set({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(result.choices.map((c) => c.message)) });
    }
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
      return observeStream(result, call, (event) => {
        if (event.type === 'response.completed' || event.type === 'response.incomplete') {
          recordResponse(call, event.response);
        } else if (event.type === 'response.failed') {
          recordResponse(call, event.response);
          call.markFailed(
            event.response.error?.code ?? 'response_failed',
            event.response.error?.message ?? 'response failed',
          );
        } else if (event.type === 'error') {
          call.markFailed(event.code ?? 'stream_error', event.message);
        }
        return event;
      });
    }
    const { call, result } = await start('responses', body, false, () =>
      openai.responses.create(Object.assign(params, { stream: false as const }), requestOptions),
    );
    recordResponse(call, result);
    call.end();
    return result;
  }

  function recordRequest(call: CallSpan, params: object): void {
    const p = params as {
      max_tokens?: unknown;
      max_completion_tokens?: unknown;
      max_output_tokens?: unknown;
      temperature?: unknown;
    };
    const maxTokens = p.max_completion_tokens ?? p.max_tokens ?? p.max_output_tokens;
    if (typeof maxTokens === 'number') call.set({ [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: maxTokens });
    if (typeof p.temperature === 'number') call.set({ [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: p.temperature });
    if (captureContent) {
      const { messages, input, instructions } = params as {
        messages?: unknown;
        input?: unknown;
        instructions?: unknown;
      };
      const recorded = messages ?? (instructions === undefined ? input : { instructions, input });
      if (recorded !== undefined) call.set({ [A.ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify(recorded) });
    }
  }

  function recordResponse(call: CallSpan, response: Response): void {
    call.set({ [A.ATTR_GEN_AI_RESPONSE_MODEL]: response.model, [A.ATTR_GEN_AI_RESPONSE_ID]: response.id });
    if (response.usage) {
      // The SDK types say the details are always there; OpenAI-compatible servers do omit them.
      const usage = response.usage as Partial<NonNullable<Response['usage']>> & {
        input_tokens: number;
        output_tokens: number;
      };
      call.usage({
        input: usage.input_tokens,
        cached: usage.input_tokens_details?.cached_tokens,
        output: usage.output_tokens,
        reasoning: usage.output_tokens_details?.reasoning_tokens,
      });
    }
    if (response.status) call.set({ [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [response.status] });
    if (captureContent) call.set({ [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(response.output) });
  }

  async function embeddingsCreate(
    body: WithFeature<EmbeddingCreateParams>,
    requestOptions?: RequestOptions,
  ): Promise<CreateEmbeddingResponse> {
    const { call, result } = await start('embeddings', body, false, () =>
      openai.embeddings.create(withoutFeature(body), requestOptions),
    );
    call.set({ [A.ATTR_GEN_AI_RESPONSE_MODEL]: result.model });
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
    call.set({ [A.ATTR_AI_COUNTED_INPUT_TOKENS]: result.input_tokens });
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

function chatUsage(usage: NonNullable<ChatCompletion['usage']>): Usage {
  return {
    input: usage.prompt_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens,
    output: usage.completion_tokens,
    reasoning: usage.completion_tokens_details?.reasoning_tokens,
  };
}

/**
 * Passes a stream through, letting `observe` read (and, where we changed the request, reshape or
 * drop) each item; the span ends when the stream ends, fails, or the caller stops reading: by leaving
 * its loop, or by aborting the returned stream's controller. An abort ends the span at once, even while
 * a read waits for the provider, because the request's root span may end right after it.
 */
function observeStream<T>(
  source: Stream<T>,
  call: CallSpan,
  observe: (item: T) => T | undefined,
  onDone: () => void = () => undefined,
): Stream<T> {
  let settled = false;
  function settle(abandoned: boolean): void {
    if (settled) return;
    settled = true;
    // The caller stopped before the provider finished: the provider may have billed tokens we never saw.
    if (abandoned) call.markAbandoned();
    safely(onDone);
    call.end();
  }
  // The caller's controller, apart from the SDK's own, which the SDK also aborts when the stream fails.
  const controller = new AbortController();
  controller.signal.addEventListener(
    'abort',
    () => {
      settle(true);
      // Without the caller's reason, so the SDK takes it for its own abort and ends the stream quietly.
      source.controller.abort();
    },
    { once: true },
  );

  async function* iterate(): AsyncGenerator<T> {
    try {
      for await (const item of source) {
        if (settled) break;
        let out: T | undefined = item;
        try {
          out = observe(item);
        } catch (error) {
          diag.error('spendtrace: reading a streamed OpenAI item failed', error);
        }
        if (out !== undefined) yield out;
      }
      settle(false);
    } catch (error) {
      call.fail(error);
      settle(false);
      throw error;
    } finally {
      // The caller broke out of its loop: its `return()` brings us here (and aborts the request).
      settle(true);
    }
  }
  return new Stream(() => iterate(), controller);
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
