// Drives the instrumented client with the real `openai` SDK against the local provider, and reads the spans it
// records through a real BasicTracerProvider. Expected token counts follow the provider's documented rule
// (`simulatedUsage`); expected costs are hand-computed from genai-prices 0.1.8's OpenAI list prices.
import { DiagLogLevel, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import OpenAI, { APIConnectionTimeoutError, InternalServerError, RateLimitError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { captureDiag, type DiagMessage } from '../../test/support/capture-diag';
import { enableAsyncContext } from '../../test/support/enable-async-context';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { createAIClient, type AIClient } from './ai-client';
import {
  simulatedEmbedding,
  simulatedReply,
  simulatedUsage,
  startLocalProvider,
  type LocalProvider,
  type SimulatedUsage,
} from './local-provider';
import { createPriceBook, GENAI_PRICES_VERSION } from '../ledger/price-book';
import { type PriceBook } from '../ledger/price-types';
import { WITHHELD_MESSAGE } from '../ledger/provider-error';
import { UnknownFeatureError } from './prompt-registry';
import { callsInFlight } from '../telemetry/in-flight';

// ---------------------------------------------------------------------------------------------
// Prices, in pico-dollars per token ($1/MTok = 1,000,000 pico-dollars per token).

interface Rates {
  input: bigint;
  cached: bigint;
  output: bigint;
}

// gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per MTok.
const GPT_4O_MINI: Rates = { input: 150_000n, cached: 75_000n, output: 600_000n };
// o4-mini: $1.10 input, $0.275 cached input, $4.40 output (reasoning billed as output) per MTok.
const O4_MINI: Rates = { input: 1_100_000n, cached: 275_000n, output: 4_400_000n };
// text-embedding-3-small: $0.02 input per MTok.
const TEXT_EMBEDDING_3_SMALL_INPUT = 20_000n;

const PRICE_REF = `genai-prices@${GENAI_PRICES_VERSION}:openai`;

/** The `ai.cost.usd` attribute for this usage: exact pico-dollars, as a double. */
function costUsd(rates: Rates, usage: SimulatedUsage): number {
  const pico =
    BigInt(usage.promptTokens - usage.cachedTokens) * rates.input +
    BigInt(usage.cachedTokens) * rates.cached +
    BigInt(usage.completionTokens) * rates.output;
  return Number(pico) / 1e12;
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

const MODEL = 'gpt-4o-mini';
const SYSTEM = 'You are terse.';
const QUESTION = 'Hello there';
const messages: ChatCompletionMessageParam[] = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: QUESTION },
];
// 'You are terse.' 14 chars -> 4 + 4 = 8; 'Hello there' 11 chars -> 3 + 4 = 7; prompt 15.
// 'Simulated reply to: Hello there' 31 chars -> 8. No cache (< 256 prompt tokens), no reasoning.
const usage = simulatedUsage({ model: MODEL, prompt: [SYSTEM, QUESTION], reply: simulatedReply(QUESTION) });

let provider: LocalProvider;
let openai: OpenAI;
let ai: AIClient;
let server: Attributes;
const { provider: tracerProvider, exporter } = inMemoryTracing();
const priceBook = createPriceBook();

enableAsyncContext();

beforeAll(async () => {
  trace.setGlobalTracerProvider(tracerProvider);
  provider = await startLocalProvider();
  openai = new OpenAI({ apiKey: 'test', baseURL: provider.url, maxRetries: 0 });
  ai = createAIClient(openai, { priceBook });
  server = { 'server.address': '127.0.0.1', 'server.port': Number(new URL(provider.url).port) };
});

afterAll(async () => {
  await provider.close();
  await tracerProvider.shutdown();
  trace.disable();
});

beforeEach(() => {
  exporter.reset();
});

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The 1-based number the provider gives the next request; its answer's ids carry it. */
function nextRequest(): number {
  return provider.requests.length + 1;
}

/** The body of the provider's request number `n`. */
function bodyOf(n: number): unknown {
  return provider.requests[n - 1]?.body;
}

/** The one span recorded since the test started. */
function onlySpan(): ReadableSpan {
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(1);
  const [span] = spans;
  if (!span) throw new Error('no span');
  return span;
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

/**
 * A deep copy with what differs between two identical requests made neutral: the request number in ids
 * ('chatcmpl-local-3', 'resp_local_3') and the server's clock (created, created_at, completed_at).
 */
function normalized(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, item: unknown) => {
      if (key === 'created' || key === 'created_at' || key === 'completed_at')
        return typeof item === 'number' ? 0 : item;
      return typeof item === 'string' ? item.replace(/(local[-_])\d+/g, '$1N') : item;
    }),
  ) as unknown;
}

/** The bare SDK's chunks as the answer to request number `n`: that request's id, and the `created` it carries. */
function answerTo(n: number, bare: ChatCompletionChunk[], created: number | undefined): ChatCompletionChunk[] {
  return bare.map((chunk) => ({ ...chunk, id: `chatcmpl-local-${n}`, created: created ?? -1 }));
}

/** The span's exception events without their stack traces (which name this file's lines). */
function exceptionEvents(span: ReadableSpan): unknown[] {
  return span.events.map((event) => {
    const { 'exception.stacktrace': stack, ...attributes } = event.attributes ?? {};
    return { name: event.name, attributes, hasStack: typeof stack === 'string' && stack.length > 0 };
  });
}

/** Attributes every call of the default client starts its span with. */
function started(
  operation: string,
  genAiOperation: string,
  feature: string,
  streamed: boolean,
  model = MODEL,
): Attributes {
  return {
    'gen_ai.operation.name': genAiOperation,
    'gen_ai.provider.name': 'openai',
    'ai.operation': operation,
    'ai.feature': feature,
    'ai.streamed': streamed,
    'gen_ai.request.model': model,
    ...server,
  };
}

function usageAttributes(u: SimulatedUsage): Attributes {
  return {
    'gen_ai.usage.input_tokens': u.promptTokens,
    'gen_ai.usage.cache_read.input_tokens': u.cachedTokens,
    'gen_ai.usage.output_tokens': u.completionTokens,
    'gen_ai.usage.reasoning.output_tokens': u.reasoningTokens,
  };
}

/** What the span of chat completion request number `n` says of its answer. */
function chatAnswer(n: number): Attributes {
  return {
    'gen_ai.response.model': MODEL,
    'gen_ai.response.id': `chatcmpl-local-${n}`,
    'gen_ai.response.finish_reasons': ['stop'],
  };
}

/** What the span of Responses request number `n` says of its answer. */
function responseAnswer(n: number, model = MODEL): Attributes {
  return {
    'gen_ai.response.model': model,
    'gen_ai.response.id': `resp_local_${n}`,
    'gen_ai.response.finish_reasons': ['completed'],
  };
}

/** The cost attributes of a call priced at `usd` from `model`'s list prices. */
function pricedAt(usd: number, model = MODEL): Attributes {
  return { 'ai.cost.status': 'priced', 'ai.cost.usd': usd, 'ai.price.ref': `${PRICE_REF}/${model}` };
}

/** The exception event of a failed call, as `exceptionEvents` gives it. */
function exceptionEvent(type: string, message: string): unknown {
  return { name: 'exception', attributes: { 'exception.type': type, 'exception.message': message }, hasStack: true };
}

/** Starts a streamed chat for the insights chat through a client of our own on `local`, a provider of its own. */
async function streamFrom(local: LocalProvider) {
  const client = createAIClient(new OpenAI({ apiKey: 'test', baseURL: local.url, maxRetries: 0 }), { priceBook });
  return client.chat.completions.create({ model: MODEL, messages, stream: true, feature: 'insights_chat.answer' });
}

// ---------------------------------------------------------------------------------------------

describe('createAIClient', () => {
  describe('chat.completions.create', () => {
    it('records a CLIENT span with GenAI attributes, usage and cost, and returns what the bare SDK returns', async () => {
      const bareN = nextRequest();
      const bare = await openai.chat.completions.create({ model: MODEL, messages });
      const n = nextRequest();

      const result = await ai.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' });

      expect(result).toStrictEqual({ ...bare, id: `chatcmpl-local-${n}`, created: result.created });
      expect(bare.id).toBe(`chatcmpl-local-${bareN}`);
      // `feature` stays on our side; the client only makes the non-streamed request explicit.
      expect(bodyOf(n)).toEqual({ model: MODEL, messages, stream: false });
      expect(bodyOf(bareN)).toEqual({ model: MODEL, messages });

      const span = onlySpan();
      expect(span.name).toBe('chat gpt-4o-mini');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.instrumentationScope.name).toBe('spendtrace');
      expect(span.events).toEqual([]);
      // 15 uncached in * 150,000 + 8 out * 600,000 = 7,050,000 pico.
      expect(usage).toEqual({
        promptTokens: 15,
        cachedTokens: 0,
        completionTokens: 8,
        reasoningTokens: 0,
        totalTokens: 23,
      });
      expect(span.attributes).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'ai.operation': 'chat',
        'ai.feature': 'email.sentiment',
        'ai.streamed': false,
        'gen_ai.request.model': 'gpt-4o-mini',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(provider.url).port),
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.response.id': `chatcmpl-local-${n}`,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 15,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.output_tokens': 8,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'ai.cost.status': 'priced',
        'ai.cost.usd': 0.00000705,
        'ai.price.ref': `${PRICE_REF}/gpt-4o-mini`,
      });
    });

    it('records cached input tokens and prices them at the cached rate', async () => {
      const long = `${'x'.repeat(1023)}?`;
      const n = nextRequest();

      await ai.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: long }],
        feature: 'followups.draft',
      });

      // 1024 chars -> 256 + 4 = 260 prompt tokens, of which 256 (two 128-token blocks) cached.
      // Reply 'Simulated reply to: ' + 40 chars = 60 chars -> 15 tokens.
      const expected = simulatedUsage({ model: MODEL, prompt: [long], reply: simulatedReply(long) });
      expect(expected).toEqual({
        promptTokens: 260,
        cachedTokens: 256,
        completionTokens: 15,
        reasoningTokens: 0,
        totalTokens: 275,
      });
      // 4 uncached * 150,000 + 256 cached * 75,000 + 15 out * 600,000 = 600,000 + 19,200,000 + 9,000,000
      // = 28,800,000 pico.
      expect(costUsd(GPT_4O_MINI, expected)).toBe(0.0000288);
      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'followups.draft', false),
        ...chatAnswer(n),
        'gen_ai.usage.input_tokens': 260,
        'gen_ai.usage.cache_read.input_tokens': 256,
        'gen_ai.usage.output_tokens': 15,
        'gen_ai.usage.reasoning.output_tokens': 0,
        ...pricedAt(0.0000288),
      });
    });

    it('records max_completion_tokens and temperature from the request', async () => {
      const n = nextRequest();

      await ai.chat.completions.create({
        model: MODEL,
        messages,
        max_completion_tokens: 100,
        temperature: 0.25,
        feature: 'email.sentiment',
      });

      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'email.sentiment', false),
        'gen_ai.request.max_tokens': 100,
        'gen_ai.request.temperature': 0.25,
        ...chatAnswer(n),
        ...usageAttributes(usage),
        ...pricedAt(costUsd(GPT_4O_MINI, usage)),
      });
    });
  });

  describe('chat.completions.create, streamed', () => {
    /** The span of streamed chat request number `n` for the insights chat, once its usage arrived. */
    const streamedSpan = (n: number): Attributes => ({
      ...started('chat', 'chat', 'insights_chat.answer', true),
      ...chatAnswer(n),
      ...usageAttributes(usage),
      ...pricedAt(0.00000705),
    });

    it('asks for usage, hides it from a caller who did not, and records it on the span', async () => {
      const bareN = nextRequest();
      const bare = await collect(await openai.chat.completions.create({ model: MODEL, messages, stream: true }));
      const n = nextRequest();

      const chunks = await collect(
        await ai.chat.completions.create({ model: MODEL, messages, stream: true, feature: 'insights_chat.answer' }),
      );

      // Role chunk, one chunk per word of 'Simulated reply to: Hello there', the finish chunk.
      expect(bare).toHaveLength(7);
      expect(bare.some((chunk) => 'usage' in chunk)).toBe(false);
      // Exactly the bare chunks: no `usage` key on any chunk, no trailing usage-only chunk.
      expect(chunks).toStrictEqual(answerTo(n, bare, chunks[0]?.created));
      expect(bodyOf(bareN)).toEqual({ model: MODEL, messages, stream: true });
      expect(bodyOf(n)).toEqual({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } });

      const span = onlySpan();
      expect(span.name).toBe('chat gpt-4o-mini');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes).toEqual(streamedSpan(n));
    });

    it('keeps the caller’s other stream_options while asking for usage', async () => {
      const n = nextRequest();

      await collect(
        await ai.chat.completions.create({
          model: MODEL,
          messages,
          stream: true,
          stream_options: { include_obfuscation: false },
          feature: 'insights_chat.answer',
        }),
      );

      expect(bodyOf(n)).toEqual({
        model: MODEL,
        messages,
        stream: true,
        stream_options: { include_obfuscation: false, include_usage: true },
      });
      expect(onlySpan().attributes).toMatchObject(usageAttributes(usage));
    });

    it('passes the usage chunk through to a caller who asked for it', async () => {
      const request = { model: MODEL, messages, stream: true, stream_options: { include_usage: true } } as const;
      const bareN = nextRequest();
      const bare = await collect(await openai.chat.completions.create(request));
      const n = nextRequest();

      const chunks = await collect(await ai.chat.completions.create({ ...request, feature: 'insights_chat.answer' }));

      expect(bare).toHaveLength(8);
      expect(bare.at(-1)?.usage).toEqual({
        prompt_tokens: 15,
        completion_tokens: 8,
        total_tokens: 23,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      });
      expect(chunks).toStrictEqual(answerTo(n, bare, chunks[0]?.created));
      expect(bodyOf(n)).toEqual(bodyOf(bareN));
      expect(onlySpan().attributes).toEqual(streamedSpan(n));
    });

    it('ends the span without throwing when the caller breaks out of the loop early', async () => {
      const n = nextRequest();
      const stream = await ai.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        feature: 'insights_chat.answer',
      });

      const seen: ChatCompletionChunk[] = [];
      for await (const chunk of stream) {
        seen.push(chunk);
        break;
      }

      expect(seen).toHaveLength(1);
      const span = onlySpan();
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.events).toEqual([]);
      // The usage chunk never arrived: no cost to compute, and the span says the stream was abandoned,
      // so the request's total is not presented as complete.
      expect(span.attributes).toEqual({
        ...started('chat', 'chat', 'insights_chat.answer', true),
        'gen_ai.response.model': MODEL,
        'gen_ai.response.id': `chatcmpl-local-${n}`,
        'ai.stream.abandoned': true,
        'ai.cost.status': 'no_usage',
      });
    });

    it('ends the span as abandoned at once when the caller aborts while a read waits, and ends the stream', async () => {
      // A slow provider, so the second read is still waiting for its chunk when the caller aborts.
      const slow = await startLocalProvider({ chunkDelayMs: 500 });
      try {
        const stream = await streamFrom(slow);
        const iterator = stream[Symbol.asyncIterator]();
        const first: IteratorResult<ChatCompletionChunk, undefined> = await iterator.next();
        expect(first.value?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
        const waiting = iterator.next();

        stream.controller.abort();

        // Ended by the abort itself, before the waiting read settles.
        const span = onlySpan();
        expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
        expect(span.attributes).toEqual({
          ...started('chat', 'chat', 'insights_chat.answer', true),
          'server.port': Number(new URL(slow.url).port),
          'gen_ai.response.model': MODEL,
          'gen_ai.response.id': 'chatcmpl-local-1',
          'ai.stream.abandoned': true,
          'ai.cost.status': 'no_usage',
        });
        await expect(waiting).resolves.toEqual({ done: true, value: undefined });
        expect(exporter.getFinishedSpans()).toHaveLength(1);
      } finally {
        await slow.close();
      }
    });
  });

  describe('responses.create', () => {
    const INSTRUCTIONS = 'Be brief.';
    const INPUT = 'Why is the sky blue?';
    // 'Be brief.' 9 chars -> 3 + 4 = 7; 'Why is the sky blue?' 20 chars -> 5 + 4 = 9; prompt 16.
    // Reply 'Simulated reply to: Why is the sky blue?' 40 chars -> 10, plus 64 reasoning = 74.
    const reasoningUsage = simulatedUsage({
      model: 'o4-mini',
      prompt: [INSTRUCTIONS, INPUT],
      reply: simulatedReply(INPUT),
    });

    it('records reasoning tokens of a reasoning model and returns what the bare SDK returns', async () => {
      const bare = await openai.responses.create({ model: 'o4-mini', instructions: INSTRUCTIONS, input: INPUT });
      const n = nextRequest();

      const result = await ai.responses.create({
        model: 'o4-mini',
        instructions: INSTRUCTIONS,
        input: INPUT,
        feature: 'email.auto_send',
      });

      expect(result.id).toBe(`resp_local_${n}`);
      expect(result.output_text).toBe('Simulated reply to: Why is the sky blue?');
      expect(normalized(result)).toStrictEqual(normalized(bare));
      expect(bodyOf(n)).toEqual({ model: 'o4-mini', instructions: INSTRUCTIONS, input: INPUT, stream: false });

      expect(reasoningUsage).toEqual({
        promptTokens: 16,
        cachedTokens: 0,
        completionTokens: 74,
        reasoningTokens: 64,
        totalTokens: 90,
      });
      // 16 in * 1,100,000 + 74 out (reasoning included) * 4,400,000 = 17,600,000 + 325,600,000 = 343,200,000 pico.
      expect(costUsd(O4_MINI, reasoningUsage)).toBe(0.0003432);
      const span = onlySpan();
      expect(span.name).toBe('chat o4-mini');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...started('responses', 'chat', 'email.auto_send', false, 'o4-mini'),
        ...responseAnswer(n, 'o4-mini'),
        'gen_ai.usage.input_tokens': 16,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.output_tokens': 74,
        'gen_ai.usage.reasoning.output_tokens': 64,
        ...pricedAt(0.0003432, 'o4-mini'),
      });
    });

    it('streamed: passes every event through unchanged and records usage from response.completed', async () => {
      const bare = await collect(
        await openai.responses.create({ model: 'o4-mini', instructions: INSTRUCTIONS, input: INPUT, stream: true }),
      );
      const n = nextRequest();

      const events = await collect(
        await ai.responses.create({
          model: 'o4-mini',
          instructions: INSTRUCTIONS,
          input: INPUT,
          stream: true,
          feature: 'email.auto_send',
        }),
      );

      expect(events.map((event: ResponseStreamEvent) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.output_item.done',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(normalized(events)).toStrictEqual(normalized(bare));
      expect(JSON.stringify(events)).toContain(`"resp_local_${n}"`);
      expect(bodyOf(n)).toEqual({ model: 'o4-mini', instructions: INSTRUCTIONS, input: INPUT, stream: true });

      const span = onlySpan();
      expect(span.name).toBe('chat o4-mini');
      expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
      expect(span.attributes).toEqual({
        ...started('responses', 'chat', 'email.auto_send', true, 'o4-mini'),
        ...responseAnswer(n, 'o4-mini'),
        ...usageAttributes(reasoningUsage),
        ...pricedAt(0.0003432, 'o4-mini'),
      });
    });

    it('records max_output_tokens from the request', async () => {
      await ai.responses.create({ model: 'o4-mini', input: INPUT, max_output_tokens: 500, feature: 'email.auto_send' });

      expect(onlySpan().attributes['gen_ai.request.max_tokens']).toBe(500);
    });
  });

  describe('embeddings.create', () => {
    it('records input usage and cost, and returns the vectors the SDK decoded from base64', async () => {
      const input = 'hello world';
      const bare = await openai.embeddings.create({ model: 'text-embedding-3-small', input });
      const n = nextRequest();

      const result = await ai.embeddings.create({ model: 'text-embedding-3-small', input, feature: 'followups.draft' });

      expect(result).toStrictEqual(bare);
      expect(result.data[0]?.embedding).toEqual(simulatedEmbedding(input));
      // The SDK asks for base64 when the caller names no encoding, and decodes it.
      expect(bodyOf(n)).toEqual({ model: 'text-embedding-3-small', input, encoding_format: 'base64' });

      // 'hello world' 11 chars -> 3 tokens; 3 * 20,000 = 60,000 pico.
      const span = onlySpan();
      expect(span.name).toBe('embeddings text-embedding-3-small');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...started('embeddings', 'embeddings', 'followups.draft', false, 'text-embedding-3-small'),
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 3,
        ...pricedAt(Number(3n * TEXT_EMBEDDING_3_SMALL_INPUT) / 1e12, 'text-embedding-3-small'),
      });
      expect(span.attributes['ai.cost.usd']).toBe(0.00000006);
    });
  });

  describe('responses.inputTokens.count', () => {
    it('records a token_count operation that is not billed', async () => {
      const result = await ai.responses.inputTokens.count({
        model: MODEL,
        input: QUESTION,
        feature: 'email.sentiment',
      });

      // 'Hello there' -> 3 + 4 = 7.
      expect(result).toEqual({ object: 'response.input_tokens', input_tokens: 7 });
      const span = onlySpan();
      expect(span.name).toBe('count_tokens gpt-4o-mini');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...started('token_count', 'count_tokens', 'email.sentiment', false),
        // Not gen_ai.usage.input_tokens: counting consumed nothing.
        'ai.token_count.input_tokens': 7,
        'ai.cost.status': 'not_billable',
      });
    });
  });

  describe('errors', () => {
    it('rethrows the SDK’s RateLimitError unchanged and marks the span as failed', async () => {
      provider.failNext(429);
      const n = nextRequest();

      const error = await rejectionOf(
        ai.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' }),
      );

      expect(error).toBeInstanceOf(RateLimitError);
      const rateLimit = error as RateLimitError;
      expect({
        status: rateLimit.status,
        message: rateLimit.message,
        code: rateLimit.code,
        type: rateLimit.type,
        requestID: rateLimit.requestID,
      }).toEqual({
        status: 429,
        message: '429 Rate limit reached for requests. Please try again later.',
        code: 'rate_limit_exceeded',
        type: 'requests',
        requestID: `req_local_${n}`,
      });
      // The provider's words are withheld from the span without content capture: they may quote the prompt.
      const span = onlySpan();
      expect(span.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: `429 (requests, rate_limit_exceeded): ${WITHHELD_MESSAGE}`,
      });
      expect(span.attributes).toEqual({
        ...started('chat', 'chat', 'email.sentiment', false),
        'error.type': 'RateLimitError',
        'ai.cost.status': 'no_usage',
      });
      expect(exceptionEvents(span)).toEqual([
        exceptionEvent('rate_limit_exceeded', `429 (requests, rate_limit_exceeded): ${WITHHELD_MESSAGE}`),
      ]);
    });

    it('rethrows InternalServerError from a streamed call before any chunk', async () => {
      provider.failNext(500);

      const error = await rejectionOf(
        ai.chat.completions.create({ model: MODEL, messages, stream: true, feature: 'insights_chat.answer' }),
      );

      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as InternalServerError).status).toBe(500);
      const span = onlySpan();
      expect(span.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: `500 (server_error): ${WITHHELD_MESSAGE}`,
      });
      expect(span.attributes).toEqual({
        ...started('chat', 'chat', 'insights_chat.answer', true),
        'error.type': 'InternalServerError',
        'ai.cost.status': 'no_usage',
      });
    });

    it('rethrows InternalServerError from embeddings', async () => {
      provider.failNext(500);

      const error = await rejectionOf(
        ai.embeddings.create({ model: 'text-embedding-3-small', input: 'x', feature: 'followups.draft' }),
      );

      expect(error).toBeInstanceOf(InternalServerError);
      expect(onlySpan().attributes).toEqual({
        ...started('embeddings', 'embeddings', 'followups.draft', false, 'text-embedding-3-small'),
        'error.type': 'InternalServerError',
        'ai.cost.status': 'no_usage',
      });
    });

    it('rethrows APIConnectionTimeoutError when the request option timeout passes', async () => {
      provider.delayNext(500);

      const error = await rejectionOf(
        ai.responses.create({ model: MODEL, input: QUESTION, feature: 'email.sentiment' }, { timeout: 50 }),
      );

      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect((error as APIConnectionTimeoutError).message).toBe('Request timed out.');
      const span = onlySpan();
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Request timed out.' });
      expect(span.attributes).toEqual({
        ...started('responses', 'chat', 'email.sentiment', false),
        'error.type': 'APIConnectionTimeoutError',
        'ai.cost.status': 'no_usage',
      });
    });

    it('rethrows an error raised mid-stream and marks the span as failed', async () => {
      // A provider of its own, so closing it (which drops the connection mid-stream) leaves the shared one
      // alone. The chunk delay only keeps the rest of the stream from arriving before the drop.
      const dropping = await startLocalProvider({ chunkDelayMs: 200 });
      try {
        const stream = await streamFrom(dropping);
        const seen: ChatCompletionChunk[] = [];

        const error = await rejectionOf(
          (async () => {
            for await (const chunk of stream) {
              seen.push(chunk);
              if (seen.length === 1) void dropping.close();
            }
          })(),
        );

        expect(error).toBeInstanceOf(TypeError);
        expect((error as TypeError).message).toBe('terminated');
        expect(seen).toHaveLength(1);
        const span = onlySpan();
        expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'terminated' });
        expect(span.attributes).toEqual({
          ...started('chat', 'chat', 'insights_chat.answer', true),
          'server.port': Number(new URL(dropping.url).port),
          'gen_ai.response.model': MODEL,
          'gen_ai.response.id': 'chatcmpl-local-1',
          'error.type': 'TypeError',
          'ai.cost.status': 'no_usage',
        });
      } finally {
        await dropping.close();
      }
    });
  });

  describe('feature ids', () => {
    const message =
      "Unknown AI feature id 'nope'. Register it in lib/ai/prompt-registry.ts; known ids: " +
      'email.sentiment, email.auto_send, followups.draft, drafts.reply, knowledge.embed, knowledge.summarize, ' +
      'digest.weekly, lead.classify, insights_chat.answer.';

    it.each([
      { name: 'chat', call: () => ai.chat.completions.create({ model: MODEL, messages, feature: 'nope' as never }) },
      {
        name: 'streamed chat',
        call: () => ai.chat.completions.create({ model: MODEL, messages, stream: true, feature: 'nope' as never }),
      },
      {
        name: 'responses',
        call: () => ai.responses.create({ model: MODEL, input: QUESTION, feature: 'nope' as never }),
      },
      {
        name: 'embeddings',
        call: () => ai.embeddings.create({ model: 'text-embedding-3-small', input: 'x', feature: 'nope' as never }),
      },
      {
        name: 'token count',
        call: () => ai.responses.inputTokens.count({ model: MODEL, input: 'x', feature: 'nope' as never }),
      },
    ])('$name: refuses an unregistered feature id before any request or span', async ({ call }) => {
      const before = provider.requests.length;

      const error = await rejectionOf(call());

      expect(error).toBeInstanceOf(UnknownFeatureError);
      expect((error as UnknownFeatureError).message).toBe(message);
      expect(provider.requests).toHaveLength(before);
      expect(exporter.getFinishedSpans()).toEqual([]);
    });
  });

  describe('content capture', () => {
    const MARKER = 'ZQX-marker-4711';
    const secret = `${MARKER} please summarise my medical history`;
    const secretMessages: ChatCompletionMessageParam[] = [{ role: 'user', content: secret }];
    const secretUsage = simulatedUsage({ model: MODEL, prompt: [secret], reply: simulatedReply(secret) });
    /** What every call of `secret` records besides its content: one gpt-4o-mini prompt, its reply, their cost. */
    const secretUsageAndCost: Attributes = {
      ...usageAttributes(secretUsage),
      ...pricedAt(costUsd(GPT_4O_MINI, secretUsage)),
    };
    /** The chat and the Responses request of `secret`, for the insights chat. */
    const secretChat = { model: MODEL, messages: secretMessages, feature: 'insights_chat.answer' } as const;
    const secretResponse = { model: MODEL, input: secret, feature: 'insights_chat.answer' } as const;
    let capturing: AIClient;

    beforeAll(() => {
      capturing = createAIClient(openai, { priceBook, captureContent: true });
    });

    /** Every string a span carries to a backend: name, attribute values, event attributes, status message. */
    function everyText(span: ReadableSpan): string {
      return JSON.stringify([span.name, span.attributes, span.events.map((e) => e.attributes), span.status]);
    }

    it('records no prompt or completion text by default', async () => {
      // The simulated reply repeats the prompt's start, so the marker is in the completions too.
      expect(simulatedReply(secret)).toContain(MARKER);

      await ai.chat.completions.create(secretChat);
      await collect(await ai.chat.completions.create({ ...secretChat, stream: true }));
      await ai.responses.create(secretResponse);
      await collect(await ai.responses.create({ ...secretResponse, stream: true }));
      await ai.embeddings.create({ model: 'text-embedding-3-small', input: secret, feature: 'insights_chat.answer' });
      await ai.responses.inputTokens.count({ model: MODEL, input: secret, feature: 'insights_chat.answer' });

      const spans = exporter.getFinishedSpans();
      expect(spans).toHaveLength(6);
      for (const span of spans) {
        expect(everyText(span)).not.toContain(MARKER);
        expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
        expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
      }
    });

    it('withholds a provider error message that quotes the prompt by default', async () => {
      provider.failNext(400, 1, { message: `Invalid content: '${secret}'`, code: 'invalid_value' });

      const error = await rejectionOf(ai.chat.completions.create(secretChat));

      // The caller gets the SDK's error unchanged; the span gets its status, type and code only.
      expect((error as Error).message).toBe(`400 Invalid content: '${secret}'`);
      const span = onlySpan();
      expect(everyText(span)).not.toContain(MARKER);
      expect(span.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: `400 (invalid_request_error, invalid_value): ${WITHHELD_MESSAGE}`,
      });
      expect(exceptionEvents(span)).toEqual([
        exceptionEvent('invalid_value', `400 (invalid_request_error, invalid_value): ${WITHHELD_MESSAGE}`),
      ]);
      expect(span.attributes['error.type']).toBe('BadRequestError');
    });

    it('records a provider error message as it is with captureContent: true', async () => {
      provider.failNext(400, 1, { message: `Invalid content: '${secret}'`, code: 'invalid_value' });

      await rejectionOf(capturing.chat.completions.create(secretChat));

      expect(onlySpan().status).toEqual({ code: SpanStatusCode.ERROR, message: `400 Invalid content: '${secret}'` });
    });

    it('records chat messages and the completion with captureContent: true', async () => {
      const n = nextRequest();

      await capturing.chat.completions.create(secretChat);

      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'insights_chat.answer', false),
        'gen_ai.input.messages': JSON.stringify(secretMessages),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', content: simulatedReply(secret), refusal: null, annotations: [] },
        ]),
        ...chatAnswer(n),
        ...secretUsageAndCost,
      });
      expect(String(onlySpan().attributes['gen_ai.input.messages'])).toContain(MARKER);
      expect(String(onlySpan().attributes['gen_ai.output.messages'])).toContain(MARKER);
    });

    it('records Responses input and output with captureContent: true', async () => {
      const n = nextRequest();

      const result = await capturing.responses.create(secretResponse);

      expect(onlySpan().attributes).toEqual({
        ...started('responses', 'chat', 'insights_chat.answer', false),
        'gen_ai.input.messages': JSON.stringify(secret),
        'gen_ai.output.messages': JSON.stringify(result.output),
        ...responseAnswer(n),
        ...secretUsageAndCost,
      });
      expect(String(onlySpan().attributes['gen_ai.output.messages'])).toContain(MARKER);
    });

    it('records streamed Responses input and output from response.completed with captureContent: true', async () => {
      const n = nextRequest();

      const events = await collect(await capturing.responses.create({ ...secretResponse, stream: true }));

      const completed = events.at(-1);
      if (completed?.type !== 'response.completed') throw new Error('the stream did not end with response.completed');
      expect(onlySpan().attributes).toEqual({
        ...started('responses', 'chat', 'insights_chat.answer', true),
        'gen_ai.input.messages': JSON.stringify(secret),
        'gen_ai.output.messages': JSON.stringify(completed.response.output),
        ...responseAnswer(n),
        ...secretUsageAndCost,
      });
      expect(String(onlySpan().attributes['gen_ai.output.messages'])).toContain(MARKER);
    });

    it('records the streamed chat completion with captureContent: true', async () => {
      const n = nextRequest();

      await collect(await capturing.chat.completions.create({ ...secretChat, stream: true }));

      // A streamed completion is recorded too, once the stream ends. Its exact format is not specified; it
      // must hold the reply text.
      const holdsReply: unknown = expect.stringContaining(simulatedReply(secret));
      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'insights_chat.answer', true),
        'gen_ai.input.messages': JSON.stringify(secretMessages),
        'gen_ai.output.messages': holdsReply,
        ...chatAnswer(n),
        ...secretUsageAndCost,
      });
    });
  });

  describe('context', () => {
    it('starts its span as a child of the active span', async () => {
      const tracer = trace.getTracer('test');

      const parentContext = await tracer.startActiveSpan('parent', async (parent) => {
        await ai.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' });
        parent.end();
        return parent.spanContext();
      });

      const spans = exporter.getFinishedSpans();
      expect(spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini', 'parent']);
      const child = spans[0];
      expect(child?.spanContext().traceId).toBe(parentContext.traceId);
      expect(child?.parentSpanContext?.spanId).toBe(parentContext.spanId);
    });

    it('runs the SDK’s HTTP request inside its span, so HTTP spans nest under it', async () => {
      const activeDuringFetch: Array<string | undefined> = [];
      const sdk = new OpenAI({
        apiKey: 'test',
        baseURL: provider.url,
        maxRetries: 0,
        fetch: (url, init) => {
          activeDuringFetch.push(trace.getActiveSpan()?.spanContext().spanId);
          return fetch(url, init);
        },
      });
      const client = createAIClient(sdk, { priceBook });

      await client.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' });

      expect(activeDuringFetch).toEqual([onlySpan().spanContext().spanId]);
    });
  });

  describe('calls in flight (what shutdown waits for)', () => {
    it('counts a streamed call from its start until its stream ends', async () => {
      const before = callsInFlight();

      const stream = await ai.chat.completions.create({
        model: MODEL,
        messages,
        stream: true,
        feature: 'insights_chat.answer',
      });
      const during = callsInFlight();
      await collect(stream);

      expect({ during, after: callsInFlight() }).toEqual({ during: before + 1, after: before });
    });

    it('counts a call once whether it succeeds or fails', async () => {
      const before = callsInFlight();

      await ai.embeddings.create({ model: 'text-embedding-3-small', input: QUESTION, feature: 'knowledge.embed' });
      provider.failNext(429);
      await rejectionOf(ai.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' }));

      expect(callsInFlight()).toBe(before);
      expect(exporter.getFinishedSpans()).toHaveLength(2);
    });
  });

  describe('telemetry failures', () => {
    const throwingPriceBook: PriceBook = {
      price() {
        throw new Error('price data exploded');
      },
    };
    /** What the client reports through diag when the price book throws. */
    const priceBookFailure: DiagMessage = {
      level: 'error',
      message: 'spendtrace: recording an OpenAI span failed',
      args: [new Error('price data exploded')],
    };

    it('returns the normal result when the price book throws, and reports it through diag', async () => {
      const reported = captureDiag(DiagLogLevel.ERROR);
      const client = createAIClient(openai, { priceBook: throwingPriceBook });
      const bare = await openai.chat.completions.create({ model: MODEL, messages });
      const n = nextRequest();

      const result = await client.chat.completions.create({ model: MODEL, messages, feature: 'email.sentiment' });

      expect(result).toStrictEqual({ ...bare, id: `chatcmpl-local-${n}`, created: result.created });
      expect(reported).toEqual([priceBookFailure]);
      // The span still ends, with everything but the cost.
      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'email.sentiment', false),
        ...chatAnswer(n),
        ...usageAttributes(usage),
      });
    });

    it('streams normally when the price book throws', async () => {
      const reported = captureDiag(DiagLogLevel.ERROR);
      const client = createAIClient(openai, { priceBook: throwingPriceBook });
      const bare = await collect(await openai.chat.completions.create({ model: MODEL, messages, stream: true }));
      const n = nextRequest();

      const chunks = await collect(
        await client.chat.completions.create({ model: MODEL, messages, stream: true, feature: 'insights_chat.answer' }),
      );

      expect(chunks).toStrictEqual(answerTo(n, bare, chunks[0]?.created));
      expect(reported).toEqual([priceBookFailure]);
      expect(onlySpan().attributes).toEqual({
        ...started('chat', 'chat', 'insights_chat.answer', true),
        ...chatAnswer(n),
        ...usageAttributes(usage),
      });
    });
  });
});
