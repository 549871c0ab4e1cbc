// CostSpanProcessor on a real BasicTracerProvider and the real price book, fed spans as another GenAI
// instrumentation sends them (gen_ai.* only, no ai.* attributes).
// gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per MTok; text-embedding-3-small: $0.02 in (genai-prices 0.1.8).
import {
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span as ApiSpan,
  type Tracer,
} from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { captureDiag } from '../../test/support/capture-diag';
import { finishedSpan } from '../../test/support/finished-span';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { createPriceBook, GENAI_PRICES_VERSION } from '../ledger/price-book';
import { CostSpanProcessor } from './cost-span-processor';

const priceBook = createPriceBook();

/** Pico-dollars to the double the processor puts on spans. */
function usd(pico: bigint): number {
  return Number(pico) / 1e12;
}

// 176 uncached * 150,000 + 1024 cached * 75,000 + 50 out * 600,000 = 133,200,000 pico ($0.0001332).
const CACHED_CHAT_PICO = 133_200_000n;
// 20 in * 150,000 + 10 out * 600,000 = 9,000,000 pico.
const PLAIN_CHAT_PICO = 9_000_000n;
// 16 in * 20,000 = 320,000 pico.
const EMBEDDING_PICO = 320_000n;

interface Call {
  /** Known when the request is sent. */
  request: Attributes;
  /** Learned from the response. */
  response: Attributes;
  /** Whether the call ends with an error status. */
  failed?: boolean;
}

/** The request of a gpt-4o-mini chat call. */
const CHAT_REQUEST: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
};

const CACHED_CHAT: Call = {
  request: CHAT_REQUEST,
  response: {
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.cache_read.input_tokens': 1024,
    'gen_ai.usage.output_tokens': 50,
  },
};

const PLAIN_CHAT: Call = {
  request: CHAT_REQUEST,
  response: {
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 20,
    'gen_ai.usage.output_tokens': 10,
  },
};

const EMBEDDING: Call = {
  request: {
    'gen_ai.operation.name': 'embeddings',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'text-embedding-3-small',
  },
  response: {
    'gen_ai.response.model': 'text-embedding-3-small',
    'gen_ai.usage.input_tokens': 16,
  },
};

const UNKNOWN_MODEL: Call = {
  request: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-unknown-9000',
  },
  response: {
    'gen_ai.response.model': 'gpt-unknown-9000',
    'gen_ai.usage.input_tokens': 500,
    'gen_ai.usage.output_tokens': 40,
  },
};

const TOKEN_COUNT: Call = {
  request: {
    'ai.operation': 'token_count',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
  },
  response: { 'gen_ai.usage.input_tokens': 812 },
};

const RATE_LIMITED: Call = {
  request: CHAT_REQUEST,
  response: { 'error.type': 'RateLimitError' },
  failed: true,
};

function setup(): { tracer: Tracer; exporter: InMemorySpanExporter } {
  return inMemoryTracing({ processors: [new CostSpanProcessor({ priceBook })] });
}

function startRequest(tracer: Tracer, target: string): { root: ApiSpan; inRoot: Context } {
  const root = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.target': target } });
  return { root, inRoot: trace.setSpan(ROOT_CONTEXT, root) };
}

/** Starts and ends one AI call as an instrumentation does: request attributes at start, response ones at the end. */
function call(tracer: Tracer, parent: Context, name: string, { request, response, failed }: Call): void {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: request }, parent);
  span.setAttributes(response);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: '429 Rate limit reached' });
  span.end();
}

/** The attributes the root span of a request to `target` ends with, after these AI calls within it. */
function rootAfter(target: string, ...calls: Call[]): Attributes {
  const { tracer, exporter } = setup();
  const { root, inRoot } = startRequest(tracer, target);
  for (const aiCall of calls) call(tracer, inRoot, 'ai call', aiCall);
  root.end();
  return finishedSpan(exporter, 'GET').attributes;
}

/** A root span's attributes with the totals the processor rolls up onto it. */
function rootTotals(
  target: string,
  calls: number,
  inputTokens: number,
  outputTokens: number,
  costUsd: number,
  complete: boolean,
): Attributes {
  return {
    'http.target': target,
    'ai.calls': calls,
    'ai.usage.input_tokens': inputTokens,
    'ai.usage.output_tokens': outputTokens,
    'ai.cost.usd': costUsd,
    'ai.cost.complete': complete,
  };
}

const GPT_4O_MINI_REF = `genai-prices@${GENAI_PRICES_VERSION}:openai/gpt-4o-mini`;

describe('CostSpanProcessor', () => {
  describe('onEnd', () => {
    it('rolls the calls, tokens and cost of a request up to its root span', () => {
      const { tracer, exporter } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads/42/draft');
      call(tracer, inRoot, 'chat cached', CACHED_CHAT);
      // A call below an intermediate span counts too.
      const handler = tracer.startSpan('handler', {}, inRoot);
      call(tracer, trace.setSpan(inRoot, handler), 'chat plain', PLAIN_CHAT);
      handler.end();
      call(tracer, inRoot, 'embeddings', EMBEDDING);
      root.end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual(
        rootTotals('/api/leads/42/draft', 3, 1236, 60, usd(CACHED_CHAT_PICO + PLAIN_CHAT_PICO + EMBEDDING_PICO), true),
      );
      expect(finishedSpan(exporter, 'GET').attributes['ai.cost.usd']).toBeCloseTo(0.00014252, 12);
    });

    it('updates the root totals as each call ends', () => {
      const { tracer } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads/42/draft');
      call(tracer, inRoot, 'chat cached', CACHED_CHAT);

      expect((root as unknown as ReadableSpan).attributes).toEqual(
        rootTotals('/api/leads/42/draft', 1, 1200, 50, usd(CACHED_CHAT_PICO), true),
      );
      root.end();
    });

    it('marks the total incomplete when a call uses an unknown model', () => {
      expect(rootAfter('/api/insights/chat', PLAIN_CHAT, UNKNOWN_MODEL)).toEqual(
        rootTotals('/api/insights/chat', 2, 520, 50, usd(PLAIN_CHAT_PICO), false),
      );
    });

    it('does not count a token_count span', () => {
      expect(rootAfter('/api/insights/chat', TOKEN_COUNT, PLAIN_CHAT)).toEqual(
        rootTotals('/api/insights/chat', 1, 20, 10, usd(PLAIN_CHAT_PICO), true),
      );
    });

    it('gives the root nothing for a request with only a token_count span', () => {
      expect(rootAfter('/api/insights/chat', TOKEN_COUNT)).toEqual({ 'http.target': '/api/insights/chat' });
    });

    it('counts a failed call without usage as a call that adds no cost and keeps the total complete', () => {
      expect(rootAfter('/api/insights/chat', RATE_LIMITED)).toEqual(rootTotals('/api/insights/chat', 1, 0, 0, 0, true));
    });

    it('marks the total incomplete for a call priced as an upper bound (an emitter that drops cache reads)', () => {
      const { provider, tracer, exporter } = inMemoryTracing({ processors: [new CostSpanProcessor({ priceBook })] });
      const { root, inRoot } = startRequest(tracer, '/api/insights/chat');
      call(provider.getTracer('@opentelemetry/instrumentation-openai'), inRoot, 'chat gpt-4o-mini', PLAIN_CHAT);
      root.end();

      expect(finishedSpan(exporter, 'chat gpt-4o-mini').attributes['ai.cost.status']).toBe('upper_bound');
      expect(finishedSpan(exporter, 'GET').attributes).toEqual(
        rootTotals('/api/insights/chat', 1, 20, 10, usd(PLAIN_CHAT_PICO), false),
      );
    });

    it('counts a Vercel AI SDK call once: its provider-call span, not the outer span that sums it', () => {
      const { tracer, exporter } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads/42/classify');
      const usage = { 'ai.usage.inputTokens': 20, 'ai.usage.outputTokens': 10, 'ai.usage.cachedInputTokens': 0 };
      const outer = tracer.startSpan(
        'ai.generateText',
        { attributes: { 'ai.operationId': 'ai.generateText' } },
        inRoot,
      );
      call(tracer, trace.setSpan(inRoot, outer), 'ai.generateText.doGenerate', {
        request: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.provider': 'openai.chat',
          'ai.model.id': 'gpt-4o-mini',
        },
        response: usage,
      });
      outer.setAttributes(usage);
      outer.end();
      root.end();

      expect(finishedSpan(exporter, 'ai.generateText').attributes['ai.cost.status']).toBeUndefined();
      expect(finishedSpan(exporter, 'ai.generateText.doGenerate').attributes['ai.cost.status']).toBe('priced');
      expect(finishedSpan(exporter, 'GET').attributes).toEqual(
        rootTotals('/api/leads/42/classify', 1, 20, 10, usd(PLAIN_CHAT_PICO), true),
      );
    });

    it('ignores spans that are not AI calls', () => {
      const { tracer, exporter } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads');
      tracer
        .startSpan('SELECT leads', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, inRoot)
        .end();
      root.end();

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({ 'http.target': '/api/leads' });
    });

    it('keeps separate totals for two concurrent traces', () => {
      const { tracer, exporter } = setup();
      const first = startRequest(tracer, '/api/leads/42/draft');
      const second = startRequest(tracer, '/api/insights/chat');
      call(tracer, first.inRoot, 'first cached', CACHED_CHAT);
      call(tracer, second.inRoot, 'second plain', PLAIN_CHAT);
      call(tracer, first.inRoot, 'first embeddings', EMBEDDING);
      call(tracer, second.inRoot, 'second unknown', UNKNOWN_MODEL);
      second.root.end();
      first.root.end();

      const [firstRoot, secondRoot] = ['/api/leads/42/draft', '/api/insights/chat'].map((target) => {
        const span = exporter.getFinishedSpans().find((candidate) => candidate.attributes['http.target'] === target);
        if (span === undefined) throw new Error(`no root span for ${target}`);
        return span.attributes;
      });
      expect(firstRoot).toEqual(
        rootTotals('/api/leads/42/draft', 2, 1216, 50, usd(CACHED_CHAT_PICO + EMBEDDING_PICO), true),
      );
      expect(secondRoot).toEqual(rootTotals('/api/insights/chat', 2, 520, 50, usd(PLAIN_CHAT_PICO), false));
    });

    it('starts a new total for the next request of the same process', () => {
      const { tracer, exporter } = setup();
      const first = startRequest(tracer, '/api/first');
      call(tracer, first.inRoot, 'first call', CACHED_CHAT);
      first.root.end();
      const second = startRequest(tracer, '/api/second');
      call(tracer, second.inRoot, 'second call', PLAIN_CHAT);
      second.root.end();

      const secondRoot = exporter.getFinishedSpans().find((span) => span.attributes['http.target'] === '/api/second');
      expect(secondRoot?.attributes).toEqual(rootTotals('/api/second', 1, 20, 10, usd(PLAIN_CHAT_PICO), true));
    });

    it('gives nothing to a root that has ended', () => {
      const { tracer, exporter } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads/42/draft');
      root.end();
      const messages = captureDiag(DiagLogLevel.WARN);
      // A call that outlives the response.
      call(tracer, inRoot, 'late chat', PLAIN_CHAT);

      expect(finishedSpan(exporter, 'GET').attributes).toEqual({ 'http.target': '/api/leads/42/draft' });
      expect(messages).toEqual([]);
    });

    it('gives an AI span that is its own root no totals', () => {
      const { tracer, exporter } = setup();
      call(tracer, ROOT_CONTEXT, 'chat alone', PLAIN_CHAT);

      expect(finishedSpan(exporter, 'chat alone').attributes).toEqual({
        ...PLAIN_CHAT.request,
        ...PLAIN_CHAT.response,
        'ai.cost.status': 'priced',
        'ai.cost.usd': usd(PLAIN_CHAT_PICO),
        'ai.price.ref': GPT_4O_MINI_REF,
      });
    });
  });

  // sdk-trace 2.12's Span.end() calls the experimental onEnding hook before the span is frozen.
  describe('onEnding', () => {
    it('sets the cost of an AI span on the span itself', () => {
      const { tracer, exporter } = setup();
      const { root, inRoot } = startRequest(tracer, '/api/leads/42/draft');
      call(tracer, inRoot, 'chat cached', CACHED_CHAT);
      root.end();

      expect(finishedSpan(exporter, 'chat cached').attributes).toEqual({
        ...CACHED_CHAT.request,
        ...CACHED_CHAT.response,
        'ai.cost.status': 'priced',
        'ai.cost.usd': usd(CACHED_CHAT_PICO),
        'ai.price.ref': GPT_4O_MINI_REF,
      });
      expect(finishedSpan(exporter, 'chat cached').attributes['ai.cost.usd']).toBeCloseTo(0.0001332, 12);
    });

    // The test, the call, and the status it gets.
    it.each<[string, Call, string]>([
      ['marks a call with an unknown model unpriced, with no cost', UNKNOWN_MODEL, 'unpriced'],
      ['marks a token_count span not billable', TOKEN_COUNT, 'not_billable'],
      ['marks a failed call without usage no_usage', RATE_LIMITED, 'no_usage'],
    ])('%s', (_test, aiCall, status) => {
      const { tracer, exporter } = setup();
      call(tracer, ROOT_CONTEXT, 'ai call', aiCall);

      expect(finishedSpan(exporter, 'ai call').attributes).toEqual({
        ...aiCall.request,
        ...aiCall.response,
        'ai.cost.status': status,
      });
    });

    it('leaves a cost the instrumentation already set alone', () => {
      const { tracer, exporter } = setup();
      const own: Call = {
        request: CHAT_REQUEST,
        response: {
          ...PLAIN_CHAT.response,
          'ai.cost.status': 'priced',
          'ai.cost.usd': 0.5,
          'ai.price.ref': 'override:x',
        },
      };
      call(tracer, ROOT_CONTEXT, 'chat priced', own);

      expect(finishedSpan(exporter, 'chat priced').attributes).toEqual({ ...own.request, ...own.response });
    });

    it('leaves a span that is not an AI call alone', () => {
      const { tracer, exporter } = setup();
      tracer.startSpan('SELECT leads', { attributes: { 'db.system': 'postgresql' } }).end();

      expect(finishedSpan(exporter, 'SELECT leads').attributes).toEqual({ 'db.system': 'postgresql' });
    });
  });

  describe('shutdown', () => {
    it('resolves, also when called twice', async () => {
      const processor = new CostSpanProcessor({ priceBook });
      await processor.shutdown();
      await expect(processor.shutdown()).resolves.toBeUndefined();
      await expect(processor.forceFlush()).resolves.toBeUndefined();
    });
  });
});
