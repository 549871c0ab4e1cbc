// The rules of each dialect that the recorded fixtures do not reach: older attribute names, wrappers of every
// kind, malformed values, and providers named the many ways emitters name them.
import { describe, expect, it } from 'vitest';
import { getDefaultPriceBook } from '../default-price-book';
import { costOfCall } from '../ai-span';
import { providerId } from '../provider-ids';
import { readModelCall, readSpan, type SpanView } from '.';

const span = (attributes: SpanView['attributes'], name = 'span', scope?: string): SpanView => ({
  name,
  attributes,
  ...(scope !== undefined && { scope: { name: scope } }),
});

describe('providerId', () => {
  it.each([
    ['openai', 'openai'],
    ['OpenAI', 'openai'],
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['azure.ai.openai', 'azure'],
    ['azure.chat', 'azure'],
    ['azure.responses', 'azure'],
    ['azure.embeddings', 'azure'],
    ['az.ai.inference', 'azure'],
    ['anthropic.messages', 'anthropic'],
    ['aws.bedrock', 'aws'],
    ['amazon-bedrock', 'aws'],
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['google.generative-ai', 'google'],
    ['google.vertex.chat', 'google'],
    ['vertex', 'google'],
    ['mistral.chat', 'mistral'],
    ['mistral.embedding', 'mistral'],
    ['groq.chat', 'groq'],
    ['deepseek.chat', 'deepseek'],
    ['xai.chat', 'x-ai'],
    ['x_ai', 'x-ai'],
    ['  Cohere ', 'cohere'],
    ['Acme-LLM', 'acme-llm'],
  ])('%s is %s', (emitted, id) => {
    expect(providerId(emitted)).toBe(id);
  });
});

describe('the Vercel AI SDK ≤ 6', () => {
  it("reads version 4's promptTokens and completionTokens, a chat without cache reads: an upper bound", () => {
    const call = readModelCall(
      span({
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
        'ai.usage.promptTokens': 20,
        'ai.usage.completionTokens': 10,
      }),
    );
    expect(call).toEqual({
      dialect: 'ai_sdk',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: undefined,
      usage: {
        inputTokens: 20,
        cachedInputTokens: undefined,
        cacheWriteTokens: undefined,
        outputTokens: 10,
        reasoningTokens: undefined,
      },
      quality: 'cache_unreported',
      streamed: false,
    });
    // 20 × 0.15 + 10 × 0.60 = 9 µ$, at most.
    expect(call && costOfCall(call, new Date('2026-12-01T00:00:00Z'), getDefaultPriceBook())).toEqual({
      status: 'upper_bound',
      costUsd: '0.000009000000',
      costPicoUsd: 9_000_000n,
      priceRef: 'genai-prices@0.1.8:openai/gpt-4o-mini',
      reason: 'ai_sdk spans do not report cache reads: cached input was priced at the full input rate',
    });
  });

  it.each([
    'ai.generateText',
    'ai.streamText',
    'ai.generateObject',
    'ai.streamObject',
    'ai.embed',
    'ai.embedMany',
    'ai.toolCall',
  ])('reads %s as a wrapper, whatever usage it sums', (operationId) => {
    expect(readSpan(span({ 'ai.operationId': operationId, 'ai.usage.inputTokens': 5 }))).toEqual({
      kind: 'wrapper',
      dialect: 'ai_sdk',
    });
  });

  it.each([
    ['ai.generateObject.doGenerate', 'chat', false],
    ['ai.streamObject.doStream', 'chat', true],
    ['ai.embed.doEmbed', 'embeddings', false],
  ])('reads %s as one %s call (streamed: %s)', (operationId, operation, streamed) => {
    expect(readModelCall(span({ 'ai.operationId': operationId }))).toMatchObject({ operation, streamed });
  });
});

describe('the GenAI conventions', () => {
  it.each(['invoke_agent', 'create_agent', 'execute_tool', 'agent_step'])('reads %s as a wrapper', (name) => {
    expect(readSpan(span({ 'gen_ai.operation.name': name, 'gen_ai.usage.input_tokens': 9 }))).toEqual({
      kind: 'wrapper',
      dialect: 'gen_ai',
    });
  });

  it('reads the deprecated usage names and the cache counts in both spellings', () => {
    expect(
      readModelCall(
        span({
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-0',
          'gen_ai.usage.prompt_tokens': 1000,
          'gen_ai.usage.completion_tokens': 100,
          'gen_ai.usage.cache_read_input_tokens': 600,
          'gen_ai.usage.cache_creation_input_tokens': 200,
        }),
      )?.usage,
    ).toEqual({
      inputTokens: 1000,
      cachedInputTokens: 600,
      cacheWriteTokens: 200,
      outputTokens: 100,
      reasoningTokens: undefined,
    });
  });

  it('prices cache writes at their own rate: Anthropic claude-sonnet-4-0', () => {
    const call = readModelCall(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4-0',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.cache_read.input_tokens': 600,
        'gen_ai.usage.cache_creation.input_tokens': 200,
        'gen_ai.usage.output_tokens': 100,
      }),
    );
    // Per million tokens: 200 uncached × $3 + 600 cache reads × $0.30 + 200 cache writes × $3.75 + 100 out × $15
    // = 600 + 180 + 750 + 1,500 = 3,030 µ$.
    expect(call && costOfCall(call, new Date('2026-12-01T00:00:00Z'), getDefaultPriceBook())).toMatchObject({
      status: 'priced',
      costUsd: '0.003030000000',
    });
  });

  it('prices a contrib chat as an upper bound, and as exact once the span carries cache reads', () => {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 366,
      'gen_ai.usage.output_tokens': 15,
    };
    const contrib = '@opentelemetry/instrumentation-openai';
    expect(readModelCall(span(attributes, 'chat', contrib))?.quality).toBe('cache_unreported');
    expect(
      readModelCall(span({ ...attributes, 'gen_ai.usage.cache_read.input_tokens': 256 }, 'chat', contrib))?.quality,
    ).toBe('reported');
    expect(readModelCall(span(attributes, 'chat', 'some-other-instrumentation'))?.quality).toBe('reported');
  });

  it('reads an AI SDK 7 embeddings span without usage as its operation wrapper, with usage as the call', () => {
    const embeddings = { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' };
    expect(readSpan(span(embeddings, 'embeddings', 'gen_ai'))).toEqual({ kind: 'wrapper', dialect: 'gen_ai' });
    expect(readSpan(span({ ...embeddings, 'gen_ai.usage.input_tokens': 24 }, 'embeddings', 'gen_ai'))?.kind).toBe(
      'call',
    );
    // Another emitter's embeddings span without usage is a call that reported none.
    expect(readSpan(span(embeddings, 'embeddings', 'other'))?.kind).toBe('call');
  });
});

describe('OpenInference', () => {
  it.each(['CHAIN', 'AGENT', 'TOOL', 'RETRIEVER', 'RERANKER', 'GUARDRAIL', 'EVALUATOR'])(
    'reads a %s span as a wrapper',
    (kind) => {
      expect(readSpan(span({ 'openinference.span.kind': kind, 'llm.token_count.prompt': 3 }))).toEqual({
        kind: 'wrapper',
        dialect: 'openinference',
      });
    },
  );

  it('reads an LLM span with cache writes, provider from llm.provider before llm.system', () => {
    expect(
      readModelCall(
        span({
          'openinference.span.kind': 'LLM',
          'llm.provider': 'anthropic',
          'llm.system': 'anthropic',
          'llm.model_name': 'claude-sonnet-4-0',
          'llm.token_count.prompt': 1000,
          'llm.token_count.prompt_details.cache_read': 600,
          'llm.token_count.prompt_details.cache_write': 200,
          'llm.token_count.completion': 100,
        }),
      ),
    ).toMatchObject({
      dialect: 'openinference',
      provider: 'anthropic',
      usage: { inputTokens: 1000, cachedInputTokens: 600, cacheWriteTokens: 200, outputTokens: 100 },
    });
  });
});

describe('Langfuse', () => {
  const generation = (usage: unknown) =>
    span(
      {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.model.name': 'gpt-4o-mini',
        ...(usage !== undefined && { 'langfuse.observation.usage_details': usage as string }),
      },
      'OpenAI.chat',
    );

  it('adds cache reads and writes back to input, and reasoning back to output', () => {
    expect(
      readModelCall(
        generation(
          JSON.stringify({
            input: 110,
            input_cached_tokens: 256,
            input_cache_creation: 40,
            output: 15,
            output_reasoning_tokens: 64,
          }),
        ),
      )?.usage,
    ).toEqual({
      inputTokens: 406,
      cachedInputTokens: 256,
      cacheWriteTokens: 40,
      outputTokens: 79,
      reasoningTokens: 64,
    });
  });

  it.each([
    ['not JSON', '{input: 1'],
    ['an array', '[1, 2]'],
    ['negative counts', '{"input": -1, "output": -2}'],
    ['text counts', '{"input": "12", "output": "3"}'],
    ['a 20 KB string', `{"input": 1, "pad": "${'x'.repeat(20_000)}"}`],
  ])('reads usage that is %s as none', (_what, json) => {
    expect(readModelCall(generation(json))?.usage.inputTokens).toBeUndefined();
  });

  it.each(['span', 'event', 'agent', 'tool', 'chain', 'retriever'])('reads a %s observation as a wrapper', (type) => {
    expect(readSpan(span({ 'langfuse.observation.type': type }))).toEqual({ kind: 'wrapper', dialect: 'langfuse' });
  });

  it('names no provider when the span name has no vendor prefix', () => {
    expect(readModelCall({ ...generation(undefined), name: 'classify' })?.provider).toBe('unknown');
  });
});
