// Vertex AI's copy of the Gemini generateContent wire on the local provider (gemini-wire.ts routes it), driven with
// @ai-sdk/google-vertex in express mode (an API key, sent as x-goog-api-key: no Google auth), so a routing or
// wire-format mistake shows up here rather than in the dialect fixture that relies on it.
import { createVertex } from '@ai-sdk/google-vertex';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { geminiRoute } from './gemini-wire';
import { startLocalProvider, type LocalProvider } from '.';

let provider: LocalProvider;
let origin: string;

beforeAll(async () => {
  provider = await startLocalProvider();
  origin = new URL(provider.url).origin;
});

afterAll(async () => {
  await provider.close();
});

const PUBLISHER = '/v1/projects/local-project/locations/us-central1/publishers/google';
const reply = 'Simulated reply to: Hello there';

describe('the Vertex AI generateContent wire', () => {
  it('routes a project’s Google publisher models (v1 and v1beta1) as Gemini paths, no other publisher', () => {
    expect(geminiRoute(`${PUBLISHER}/models/gemini-2.5-flash:generateContent`)).toEqual({
      model: 'gemini-2.5-flash',
      method: 'generateContent',
    });
    expect(
      geminiRoute(
        '/v1beta1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent',
      ),
    ).toEqual({ model: 'gemini-2.5-flash', method: 'streamGenerateContent' });
    expect(geminiRoute('/v1/projects/p/locations/l/publishers/anthropic/models/claude:rawPredict')).toBeUndefined();
  });

  describe('through @ai-sdk/google-vertex in express mode', () => {
    const vertex = () => createVertex({ baseURL: `${origin}${PUBLISHER}`, apiKey: 'k' });

    it('generateText: the reply, thoughts counted in the output tokens, the key in x-goog-api-key', async () => {
      const result = await generateText({ model: vertex()('gemini-2.5-flash'), prompt: 'Hello there' });
      expect(result.text).toBe(reply);
      // 'Hello there' -> 3 + 4 = 7 tokens; the reply (31 chars) -> 8, with 64 thoughts.
      expect([
        result.usage.inputTokens,
        result.usage.outputTokens,
        result.usage.outputTokenDetails.reasoningTokens,
      ]).toEqual([7, 72, 64]);
      const request = provider.requests.at(-1);
      expect(request?.path).toBe(`${PUBLISHER}/models/gemini-2.5-flash:generateContent`);
      expect(request?.headers['x-goog-api-key']).toBe('k');
      expect(request?.headers.authorization).toBeUndefined();
    });

    it('streamText: the deltas over SSE, and the usage of the last chunk', async () => {
      const result = streamText({ model: vertex()('gemini-2.5-flash'), prompt: 'Hello there' });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toBe(reply);
      expect((await result.usage).totalTokens).toBe(79);
      expect(provider.requests.at(-1)?.path).toBe(`${PUBLISHER}/models/gemini-2.5-flash:streamGenerateContent`);
    });
  });
});
