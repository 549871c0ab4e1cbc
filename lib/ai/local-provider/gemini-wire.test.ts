// The local provider's Gemini API wire, driven raw (exact bodies) and with the AI SDK's Google provider, so a
// wire-format mistake shows up as an SDK failure here rather than in the dialect fixtures that rely on it.
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { embedMany, generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { simulatedEmbedding, startLocalProvider, type LocalProvider } from '.';

let provider: LocalProvider;
let base: string;

beforeAll(async () => {
  provider = await startLocalProvider();
  base = `${new URL(provider.url).origin}/v1beta`;
});

afterAll(async () => {
  await provider.close();
});

// 'You are terse.' -> 4 + 4 = 8 tokens; 'Hello there' -> 3 + 4 = 7; the reply (31 chars) -> 8.
const body = {
  systemInstruction: { parts: [{ text: 'You are terse.' }] },
  contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }],
};
const reply = 'Simulated reply to: Hello there';

async function post(path: string, json: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'k' }) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('the Gemini API wire', () => {
  describe('generateContent', () => {
    it('answers with the reply and usageMetadata, leaving out thoughts for a model that does not think', async () => {
      const res = await post('/models/gemini-2.0-flash:generateContent', body);
      expect(res).toEqual({
        status: 200,
        body: {
          candidates: [{ content: { role: 'model', parts: [{ text: reply }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 15, candidatesTokenCount: 8, totalTokenCount: 23 },
          modelVersion: 'gemini-2.0-flash',
          responseId: `resp_local_${provider.requests.length}`,
        },
      });
    });

    it('reports a long prompt as cached and a thinking model’s 64 thoughts apart from the candidates', async () => {
      // 1,200 chars -> 300 + 4 = 304 tokens, 256 of them cached (two 128-token blocks).
      const long = { contents: [{ role: 'user', parts: [{ text: 'x'.repeat(1200) }] }] };
      const res = await post('/models/gemini-2.5-flash:generateContent', long);
      expect((res.body as { usageMetadata: unknown }).usageMetadata).toEqual({
        promptTokenCount: 304,
        cachedContentTokenCount: 256,
        candidatesTokenCount: 15,
        thoughtsTokenCount: 64,
        totalTokenCount: 383,
      });
    });
  });

  describe('errors, in Google’s shape', () => {
    it.each([
      [
        'no API key: 403',
        '/models/gemini-2.5-flash:generateContent',
        {},
        403,
        'PERMISSION_DENIED',
        "Method doesn't allow unregistered callers. Please use API Key or other form of API consumer identity to call this API.",
      ],
      [
        'an unknown method: 404',
        '/models/gemini-2.5-flash:countTokens',
        { 'x-goog-api-key': 'k' },
        404,
        'NOT_FOUND',
        'Method not found: POST models/gemini-2.5-flash:countTokens',
      ],
    ])('%s', async (_name, path, headers, code, status, message) => {
      expect(await post(path, body, headers)).toEqual({ status: code, body: { error: { code, message, status } } });
    });

    it('a body without contents: 400 INVALID_ARGUMENT', async () => {
      const res = await post('/models/gemini-2.5-flash:generateContent', { systemInstruction: body.systemInstruction });
      expect(res).toEqual({
        status: 400,
        body: {
          error: {
            code: 400,
            message: "Invalid value at 'contents': Invalid input: expected array, received undefined",
            status: 'INVALID_ARGUMENT',
          },
        },
      });
    });

    it('a queued failure: 429 RESOURCE_EXHAUSTED with the message given', async () => {
      provider.failNext(429, 1, { message: 'Quota exceeded.' });
      expect(await post('/models/gemini-2.5-flash:generateContent', body)).toEqual({
        status: 429,
        body: { error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } },
      });
    });
  });

  describe('through @ai-sdk/google', () => {
    const google = () => createGoogleGenerativeAI({ baseURL: base, apiKey: 'k' });

    it('generateText: the reply, with thoughts counted in the output tokens', async () => {
      const result = await generateText({
        model: google()('gemini-2.5-flash'),
        system: 'You are terse.',
        prompt: 'Hello there',
      });
      expect(result.text).toBe(reply);
      expect(result.usage).toEqual({
        inputTokens: 15,
        inputTokenDetails: { noCacheTokens: 15, cacheReadTokens: 0 },
        outputTokens: 72,
        outputTokenDetails: { textTokens: 8, reasoningTokens: 64 },
        totalTokens: 87,
        raw: { promptTokenCount: 15, candidatesTokenCount: 8, thoughtsTokenCount: 64, totalTokenCount: 87 },
        reasoningTokens: 64,
        cachedInputTokens: 0,
      });
    });

    it('streamText: the deltas over SSE, and the usage of the last chunk', async () => {
      const result = streamText({ model: google()('gemini-2.5-flash'), prompt: 'Hello there' });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toBe(reply);
      expect(await result.usage).toEqual({
        inputTokens: 7,
        inputTokenDetails: { noCacheTokens: 7, cacheReadTokens: 0 },
        outputTokens: 72,
        outputTokenDetails: { textTokens: 8, reasoningTokens: 64 },
        totalTokens: 79,
        raw: { promptTokenCount: 7, candidatesTokenCount: 8, thoughtsTokenCount: 64, totalTokenCount: 79 },
        reasoningTokens: 64,
        cachedInputTokens: 0,
      });
      expect(provider.requests.at(-1)?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    });

    it('embedMany: one batchEmbedContents call, with the simulated vectors and no token count', async () => {
      const values = ['first text', 'second text'];
      const result = await embedMany({ model: google().embedding('gemini-embedding-001'), values });
      expect(result.embeddings).toEqual(values.map((value) => simulatedEmbedding(value)));
      expect(provider.requests.at(-1)?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    });
  });
});
