// Drives the local provider with the real `openai` SDK (and its Messages API with the AI SDK's Anthropic
// provider), so a wire-format mistake shows up as an SDK failure here rather than in the tests that rely on it.
import { createAnthropic } from '@ai-sdk/anthropic';
import { APICallError, generateText, streamText } from 'ai';
import OpenAI, { type BadRequestError, type InternalServerError, type RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  simulatedEmbedding,
  simulatedMessagesUsage,
  simulatedUsage,
  startLocalProvider,
  type LocalProvider,
} from './local-provider';

let provider: LocalProvider;
let client: OpenAI;

beforeAll(async () => {
  provider = await startLocalProvider();
  client = new OpenAI({ apiKey: 'test', baseURL: provider.url, maxRetries: 0 });
});

afterAll(async () => {
  await provider.close();
});

// 'You are terse.' is 14 chars -> 4 + 4 overhead = 8; 'Hello there' is 11 chars -> 3 + 4 = 7.
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Hello there' },
];
// 'Simulated reply to: Hello there' is 31 chars -> 8 tokens.
const reply = 'Simulated reply to: Hello there';
const chatUsage = {
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
};

describe('simulatedUsage', () => {
  describe('simulatedUsage', () => {
    it.each([
      {
        name: 'charges ceil(chars/4) plus 4 per message, and ceil(chars/4) for the reply',
        input: { model: 'gpt-4o-mini', prompt: ['You are terse.', 'Hello there'], reply },
        expected: {
          promptTokens: 15,
          cachedTokens: 0,
          completionTokens: 8,
          reasoningTokens: 0,
          totalTokens: 23,
        },
      },
      {
        name: 'reports cached tokens in 128-token blocks from 256 prompt tokens',
        input: { model: 'gpt-4.1', prompt: ['x'.repeat(1024)], reply: 'abcd' },
        expected: {
          promptTokens: 260,
          cachedTokens: 256,
          completionTokens: 1,
          reasoningTokens: 0,
          totalTokens: 261,
        },
      },
      {
        name: 'reports no cached tokens just under the threshold',
        input: { model: 'gpt-4.1', prompt: ['x'.repeat(1004)], reply: '' },
        expected: {
          promptTokens: 255,
          cachedTokens: 0,
          completionTokens: 0,
          reasoningTokens: 0,
          totalTokens: 255,
        },
      },
      {
        name: 'adds 64 reasoning tokens to the completion for o-series models',
        input: { model: 'o4-mini', prompt: ['hi'], reply: 'abcde' },
        expected: {
          promptTokens: 5,
          cachedTokens: 0,
          completionTokens: 66,
          reasoningTokens: 64,
          totalTokens: 71,
        },
      },
      {
        name: 'adds 64 reasoning tokens for gpt-5 models',
        input: { model: 'gpt-5-mini', prompt: [], reply: '' },
        expected: {
          promptTokens: 0,
          cachedTokens: 0,
          completionTokens: 64,
          reasoningTokens: 64,
          totalTokens: 64,
        },
      },
    ])('$name', ({ input, expected }) => {
      expect(simulatedUsage(input)).toEqual(expected);
    });
  });

  describe('simulatedMessagesUsage', () => {
    // Anthropic's split of simulatedUsage's prompt tokens; the reply 'abcd' is 1 token.
    it.each([
      {
        name: 'reports all input as uncached without cache_control below the threshold',
        input: { prompt: ['You are terse.', 'Hello there'], cachedPrefix: 0 },
        expected: { inputTokens: 15, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, outputTokens: 1 },
      },
      {
        name: 'reads 128-token blocks from 256 prompt tokens, as the OpenAI wires cache, without cache_control',
        input: { prompt: ['x'.repeat(1024)], cachedPrefix: 0 },
        expected: { inputTokens: 4, cacheReadInputTokens: 256, cacheCreationInputTokens: 0, outputTokens: 1 },
      },
      {
        // 1200 chars -> 300 + 4 = 304 marked; 'Hello there' 7; total 311: 256 read, 304 - 256 = 48 written.
        name: 'writes the part of the marked prefix that the read blocks do not cover',
        input: { prompt: ['x'.repeat(1200), 'Hello there'], cachedPrefix: 1 },
        expected: { inputTokens: 7, cacheReadInputTokens: 256, cacheCreationInputTokens: 48, outputTokens: 1 },
      },
      {
        name: 'writes the whole marked prefix below the read threshold',
        input: { prompt: ['You are terse.', 'Hello there'], cachedPrefix: 1 },
        expected: { inputTokens: 7, cacheReadInputTokens: 0, cacheCreationInputTokens: 8, outputTokens: 1 },
      },
      {
        // 254 + 254 = 508: 384 read, which covers the 254 marked.
        name: 'writes nothing when the read blocks cover the marked prefix',
        input: { prompt: ['x'.repeat(1000), 'y'.repeat(1000)], cachedPrefix: 1 },
        expected: { inputTokens: 124, cacheReadInputTokens: 384, cacheCreationInputTokens: 0, outputTokens: 1 },
      },
      {
        // 8 + 7 + 5 + 6 = 26, the first three (20) marked.
        name: 'counts every message up to the last marked one as the prefix',
        input: { prompt: ['You are terse.', 'Hello there', 'ok', 'Go on'], cachedPrefix: 3 },
        expected: { inputTokens: 6, cacheReadInputTokens: 0, cacheCreationInputTokens: 20, outputTokens: 1 },
      },
    ])('$name', ({ input, expected }) => {
      expect(simulatedMessagesUsage({ model: 'claude-sonnet-4-0', reply: 'abcd', ...input })).toEqual(expected);
    });
  });
});

describe('startLocalProvider', () => {
  describe('POST /v1/chat/completions', () => {
    it('answers with a chat.completion echoing the model', async () => {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });

      const n = provider.requests.length;
      expect(completion).toEqual({
        id: `chatcmpl-local-${n}`,
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: chatUsage,
        service_tier: 'default',
      });
      expect(provider.requests[n - 1]).toEqual({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: expect.objectContaining({ authorization: 'Bearer test' }),
        body: { model: 'gpt-4o-mini', messages },
      });
    });

    it('streams word deltas without usage unless asked', async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
        { role: 'assistant', content: '', refusal: null },
        { content: 'Simulated ' },
        { content: 'reply ' },
        { content: 'to: ' },
        { content: 'Hello ' },
        { content: 'there' },
        {},
      ]);
      expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, null, null, null, 'stop']);
      expect(chunks.filter((c) => 'usage' in c)).toEqual([]);
    });

    it('streams a final usage chunk with empty choices when include_usage is set', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);

      const common = {
        id: `chatcmpl-local-${provider.requests.length}`,
        object: 'chat.completion.chunk',
        created: expect.any(Number),
        model: 'gpt-4o-mini',
        service_tier: 'default',
      };
      const delta = (content: string) => ({
        ...common,
        choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
        usage: null,
      });
      expect(chunks).toEqual([
        {
          ...common,
          choices: [
            {
              index: 0,
              delta: { role: 'assistant', content: '', refusal: null },
              logprobs: null,
              finish_reason: null,
            },
          ],
          usage: null,
        },
        delta('Simulated '),
        delta('reply '),
        delta('to: '),
        delta('Hello '),
        delta('there'),
        { ...common, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null },
        { ...common, choices: [], usage: chatUsage },
      ]);
    });

    it('assembles into a final completion with the SDK stream helper', async () => {
      const stream = client.chat.completions.stream({
        model: 'o3',
        messages,
        stream_options: { include_usage: true },
      });
      const completion = await stream.finalChatCompletion();

      expect(completion.choices[0]?.message.content).toBe(reply);
      expect(completion.usage).toEqual({
        ...chatUsage,
        completion_tokens: 72,
        total_tokens: 87,
        completion_tokens_details: { ...chatUsage.completion_tokens_details, reasoning_tokens: 64 },
      });
    });

    it('answers 400 naming a missing parameter', async () => {
      const error = await client.chat.completions
        .create({ model: 'gpt-4o-mini' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as BadRequestError).error).toEqual({
        message: "Missing required parameter: 'messages'.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      });
    });
  });

  describe('POST /v1/responses', () => {
    // 1024 chars -> 256 + 4 = 260 prompt tokens, of which 256 cached. The reply quotes 40 chars: 60 chars -> 15.
    const longInput = 'x'.repeat(1024);

    it('answers with a completed response carrying usage', async () => {
      const response = await client.responses.create({ model: 'gpt-4.1-mini', input: longInput });

      const n = provider.requests.length;
      const text = `Simulated reply to: ${'x'.repeat(40)}`;
      expect(response).toEqual({
        id: `resp_local_${n}`,
        object: 'response',
        created_at: expect.any(Number),
        completed_at: expect.any(Number),
        status: 'completed',
        background: false,
        error: null,
        incomplete_details: null,
        instructions: null,
        max_output_tokens: null,
        model: 'gpt-4.1-mini',
        output: [
          {
            id: `msg_local_${n}`,
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
          },
        ],
        output_text: text,
        parallel_tool_calls: true,
        previous_response_id: null,
        reasoning: { effort: null, summary: null },
        service_tier: 'default',
        temperature: 1,
        text: { format: { type: 'text' }, verbosity: 'medium' },
        tool_choice: 'auto',
        tools: [],
        top_p: 1,
        truncation: 'disabled',
        metadata: {},
        usage: {
          input_tokens: 260,
          input_tokens_details: { cached_tokens: 256, cache_write_tokens: 0 },
          output_tokens: 15,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 275,
        },
      });
    });

    it('streams the Responses event sequence ending in response.completed', async () => {
      // 'Be brief.' 9 chars -> 3 + 4; 'Hello there' -> 3 + 4. o4-mini adds 64 reasoning tokens to the 8.
      const stream = await client.responses.create({
        model: 'o4-mini',
        instructions: 'Be brief.',
        input: [{ role: 'user', content: 'Hello there' }],
        stream: true,
      });
      const events = [];
      for await (const event of stream) events.push(event);

      expect(events.map((e) => e.type)).toEqual([
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
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      const completed = events.at(-1);
      if (completed?.type !== 'response.completed') throw new Error('stream did not end in response.completed');
      expect(completed.response.status).toBe('completed');
      expect(completed.response.usage).toEqual({
        input_tokens: 14,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 72,
        output_tokens_details: { reasoning_tokens: 64 },
        total_tokens: 86,
      });
    });

    it('assembles into a final response with the SDK stream helper', async () => {
      const stream = client.responses.stream({ model: 'gpt-4.1', input: 'Hello there' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const response = await stream.finalResponse();

      expect(deltas).toEqual(['Simulated ', 'reply ', 'to: ', 'Hello ', 'there']);
      expect(response.output_text).toBe(reply);
      expect(response.usage).toEqual({
        input_tokens: 7,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 8,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 15,
      });
    });
  });

  describe('POST /v1/responses/input_tokens', () => {
    it('counts input tokens by the prompt rule', async () => {
      const count = await client.responses.inputTokens.count({
        model: 'gpt-4.1',
        instructions: 'Be brief.',
        input: 'Hello there',
      });

      expect(count).toEqual({ object: 'response.input_tokens', input_tokens: 14 });
    });
  });

  describe('POST /v1/embeddings', () => {
    const expectedUsage = { prompt_tokens: 3, total_tokens: 3 }; // 'alpha' -> 2, 'beta' -> 1

    it('answers base64 by default, which the SDK decodes to float32 numbers', async () => {
      const response = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
      });

      expect(provider.requests.at(-1)?.body).toEqual({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
        encoding_format: 'base64',
      });
      expect(response).toEqual({
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: simulatedEmbedding('alpha') },
          { object: 'embedding', index: 1, embedding: simulatedEmbedding('beta') },
        ],
        model: 'text-embedding-3-small',
        usage: expectedUsage,
      });
    });

    it('answers the same vectors as JSON numbers for encoding_format float', async () => {
      const response = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
        encoding_format: 'float',
      });

      expect(response.data.map((d) => d.embedding)).toEqual([simulatedEmbedding('alpha'), simulatedEmbedding('beta')]);
      expect(response.data[0]?.embedding).toHaveLength(8);
      expect(response.usage).toEqual(expectedUsage);
    });

    it('embeds a single string input', async () => {
      const response = await client.embeddings.create({
        model: 'text-embedding-3-large',
        input: 'alpha',
        dimensions: 4,
        encoding_format: 'float',
      });

      expect(response.data).toEqual([{ object: 'embedding', index: 0, embedding: simulatedEmbedding('alpha', 4) }]);
      expect(response.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    });
  });

  describe('failNext', () => {
    it('makes the SDK throw RateLimitError for 429, with retry-after', async () => {
      provider.failNext(429);
      const before = provider.requests.length;

      const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as RateLimitError;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.error).toEqual({
        message: 'Rate limit reached for requests. Please try again later.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      });
      expect(rateLimit.headers.get('retry-after')).toBe('1');
      expect(provider.requests.length).toBe(before + 1);
    });

    it('makes the SDK throw InternalServerError for 500 with the given message, then recovers', async () => {
      provider.failNext(500, 1, { message: 'boom', code: 'simulated' });

      const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
      const next = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });

      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect((error as InternalServerError).error).toEqual({
        message: 'boom',
        type: 'server_error',
        param: null,
        code: 'simulated',
      });
      expect(next.usage).toEqual(chatUsage);
    });

    it('fails `count` requests, which the SDK retries through', async () => {
      const retrying = new OpenAI({ apiKey: 'test', baseURL: provider.url, maxRetries: 2 });
      provider.failNext(429, 2);
      const before = provider.requests.length;

      const completion = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages });

      expect(completion.usage).toEqual(chatUsage);
      expect(provider.requests.length).toBe(before + 3);
    });
  });

  describe('delayNext', () => {
    it('holds the answer long enough to trip a client timeout', async () => {
      provider.delayNext(2_000);

      const error = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages }, { timeout: 100 })
        .catch((e: unknown) => e);
      const next = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });

      expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(next.usage).toEqual(chatUsage);
    });
  });

  describe('request errors', () => {
    it('answers 401 without an Authorization header', async () => {
      const response = await fetch(`${provider.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
      });

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    });

    it('answers 404 for an unknown route', async () => {
      const response = await fetch(`${provider.url}/models`, { headers: { authorization: 'Bearer test' } });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          message: 'Invalid URL (GET /v1/models)',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    });

    it('answers 400 for a malformed JSON body, and records the raw text', async () => {
      const response = await fetch(`${provider.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
        body: '{"model": ',
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      expect(provider.requests.at(-1)?.body).toBe('{"model": ');
    });
  });

  describe('POST /v1/messages', () => {
    const anthropicHeaders = { 'x-api-key': 'test', 'anthropic-version': '2023-06-01' };
    const post = (body: unknown, headers: Record<string, string> = anthropicHeaders) =>
      fetch(`${provider.url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    // 1200 chars marked for caching -> 304 tokens; 'Hello there' 7; total 311: 256 read, 48 written, 7 uncached.
    const longSystem = 'x'.repeat(1200);
    const cachedRequest = {
      model: 'claude-sonnet-4-0',
      max_tokens: 1024,
      system: [{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
    };
    const cachedUsage = {
      input_tokens: 7,
      output_tokens: 8,
      cache_creation_input_tokens: 48,
      cache_read_input_tokens: 256,
    };
    // The AI SDK adds the cache reads and writes back into inputTokens and splits them out in inputTokenDetails.
    const AI_SDK_CACHED_USAGE = {
      inputTokens: 311,
      inputTokenDetails: { noCacheTokens: 7, cacheReadTokens: 256, cacheWriteTokens: 48 },
      outputTokens: 8,
      outputTokenDetails: {},
      totalTokens: 319,
      raw: cachedUsage,
      cachedInputTokens: 256,
    };
    const anthropicModel = () => createAnthropic({ baseURL: provider.url, apiKey: 'test' })('claude-sonnet-4-0');
    /** The AI SDK call of the cached-usage tests: the long system prompt marked for caching, no retries. */
    const cachedPrompt = () => ({
      model: anthropicModel(),
      system: {
        role: 'system' as const,
        content: longSystem,
        providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' as const } } },
      },
      prompt: 'Hello there',
      maxRetries: 0,
    });

    it('answers with a message whose input_tokens leave out the cache reads and writes', async () => {
      const response = await post(cachedRequest);

      const n = provider.requests.length;
      expect(response.status).toBe(200);
      expect(response.headers.get('request-id')).toBe(`req_local_${n}`);
      expect(await response.json()).toEqual({
        id: `msg_local_${n}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-0',
        content: [{ type: 'text', text: reply }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: cachedUsage,
      });
      expect(provider.requests[n - 1]).toEqual({
        method: 'POST',
        path: '/v1/messages',
        headers: expect.objectContaining({ 'x-api-key': 'test' }) as unknown,
        body: cachedRequest,
      });
    });

    it('counts a string system prompt and string content, without cache_control', async () => {
      // 8 + 7 = 15 uncached.
      const response = await post({
        model: 'claude-sonnet-4-0',
        max_tokens: 64,
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hello there' }],
      });

      expect(((await response.json()) as { usage: unknown }).usage).toEqual({
        input_tokens: 15,
        output_tokens: 8,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      });
    });

    it('streams the Messages event sequence, one text delta per word', async () => {
      const response = await post({ ...cachedRequest, stream: true });

      const n = provider.requests.length;
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const frames = (await response.text()).split('\n\n').filter((frame) => frame !== '');
      const events = frames.map((frame) => {
        const [event, data] = frame.split('\n');
        return { event: event?.replace(/^event: /, ''), data: JSON.parse(data?.replace(/^data: /, '') ?? '') };
      });
      const delta = (text: string) => ({
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      });
      expect(events).toEqual([
        {
          event: 'message_start',
          data: {
            type: 'message_start',
            message: {
              id: `msg_local_${n}`,
              type: 'message',
              role: 'assistant',
              model: 'claude-sonnet-4-0',
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { ...cachedUsage, output_tokens: 1 },
            },
          },
        },
        {
          event: 'content_block_start',
          data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        },
        { event: 'ping', data: { type: 'ping' } },
        delta('Simulated '),
        delta('reply '),
        delta('to: '),
        delta('Hello '),
        delta('there'),
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        {
          event: 'message_delta',
          data: {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn', stop_sequence: null },
            usage: { output_tokens: 8 },
          },
        },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ]);
    });

    it('reports the usage to the AI SDK with cache reads and writes inside inputTokens', async () => {
      const result = await generateText(cachedPrompt());

      expect(provider.requests.at(-1)?.body).toMatchObject({ system: cachedRequest.system });
      expect(result.text).toBe(reply);
      expect(result.usage).toEqual(AI_SDK_CACHED_USAGE);
      expect(result.providerMetadata?.anthropic).toMatchObject({
        usage: cachedUsage,
        cacheCreationInputTokens: 48,
      });
    });

    it('streams to the AI SDK word by word, with the same usage', async () => {
      const result = streamText(cachedPrompt());
      const deltas: string[] = [];
      for await (const text of result.textStream) deltas.push(text);

      expect(deltas).toEqual(['Simulated ', 'reply ', 'to: ', 'Hello ', 'there']);
      expect(await result.usage).toEqual(AI_SDK_CACHED_USAGE);
    });

    it("answers 400 in Anthropic's shape naming a missing field", async () => {
      const response = await post({ model: 'claude-sonnet-4-0', messages: cachedRequest.messages });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      });
    });

    it("answers 400 in Anthropic's shape for a malformed JSON body", async () => {
      const response = await post('{"model": ');

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'The request body is not valid JSON.' },
      });
    });

    it('answers 401 without x-api-key, and accepts a Bearer token instead', async () => {
      const without = await post(cachedRequest, { 'anthropic-version': '2023-06-01' });
      const bearer = await post(cachedRequest, { authorization: 'Bearer test' });

      expect(without.status).toBe(401);
      expect(await without.json()).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'x-api-key header is required' },
      });
      expect(bearer.status).toBe(200);
    });

    it("fails queued requests in Anthropic's shape, which the AI SDK reports", async () => {
      provider.failNext(429);
      provider.failNext(529, 1, { message: 'boom' });

      const rateLimited = await post(cachedRequest);
      const error = await generateText({ model: anthropicModel(), prompt: 'Hello there', maxRetries: 0 }).catch(
        (e: unknown) => e,
      );

      expect(rateLimited.status).toBe(429);
      expect(rateLimited.headers.get('retry-after')).toBe('1');
      expect(await rateLimited.json()).toEqual({
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Your account has hit a rate limit.' },
      });
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 529, message: 'boom' });
    });

    it('holds a delayed answer long enough to trip a client timeout', async () => {
      provider.delayNext(2_000);

      const error = await generateText({
        model: anthropicModel(),
        prompt: 'Hello there',
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(100),
      }).catch((e: unknown) => e);
      const next = await post(cachedRequest);

      expect(error).toMatchObject({ name: 'TimeoutError' });
      expect(((await next.json()) as { usage: unknown }).usage).toEqual(cachedUsage);
    });
  });

  describe('close', () => {
    it('is safe to call twice', async () => {
      const other = await startLocalProvider();

      await other.close();
      await other.close();

      await expect(fetch(`${other.url}/embeddings`)).rejects.toThrow(TypeError);
    });
  });
});
