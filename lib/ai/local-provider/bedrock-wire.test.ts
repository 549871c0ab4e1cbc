// The local provider's Bedrock Converse wire, driven raw (exact bodies) and with the AI SDK's Amazon Bedrock
// provider (SigV4-signed with fake credentials, which the local provider does not check), so a wire-format mistake
// shows up as an SDK failure here rather than in the dialect fixture that relies on it.
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bedrockPrompt, bedrockRoute } from './bedrock-wire';
import { startLocalProvider, type LocalProvider } from '.';

const MODEL = 'anthropic.claude-sonnet-4-20250514-v1:0';
const reply = 'Simulated reply to: Hello there';

let provider: LocalProvider;
let origin: string;

beforeAll(async () => {
  provider = await startLocalProvider();
  origin = new URL(provider.url).origin;
});

afterAll(async () => {
  await provider.close();
});

async function post(path: string, json: unknown, headers: Record<string, string> = { authorization: 'Bearer k' }) {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as unknown };
}

const converse = `/model/${encodeURIComponent(MODEL)}/converse`;
// 'You are terse.' -> 4 + 4 = 8 tokens; 'Hello there' -> 3 + 4 = 7; the reply (31 chars) -> 8.
const body = {
  system: [{ text: 'You are terse.' }],
  messages: [{ role: 'user', content: [{ text: 'Hello there' }] }],
};

describe('the Bedrock Converse wire', () => {
  it('routes /model/<id>/<operation>, the id URL-decoded', () => {
    expect(bedrockRoute('/model/anthropic.claude-sonnet-4-20250514-v1%3A0/converse')).toEqual({
      model: MODEL,
      method: 'converse',
    });
    expect(bedrockRoute('/v1/model/x/converse')).toBeUndefined();
  });

  it('reads the system blocks as one message and ends the cached prefix at the last cachePoint', () => {
    expect(
      bedrockPrompt({
        system: [{ text: 'a' }, { text: 'b' }, { cachePoint: { type: 'default' } }],
        messages: [{ role: 'user', content: [{ text: 'c' }] }],
      }),
    ).toEqual({ texts: ['ab', 'c'], lastUserText: 'c', cachedPrefix: 1 });
  });

  it('converse: the reply, with usage whose inputTokens leave out cache reads and writes', async () => {
    expect(await post(converse, body)).toEqual({
      status: 200,
      type: null,
      body: {
        output: { message: { role: 'assistant', content: [{ text: reply }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 15, outputTokens: 8, totalTokens: 23, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
        metrics: { latencyMs: 0 },
      },
    });
    // The 1,200-char system prompt marked with a cachePoint: 304 + 7 = 311 tokens, 256 read, the rest of the
    // marked prefix (48) written, 7 uncached.
    const cached = {
      system: [{ text: 'x'.repeat(1200) }, { cachePoint: { type: 'default' } }],
      messages: body.messages,
    };
    expect(((await post(converse, cached)).body as { usage: unknown }).usage).toEqual({
      inputTokens: 7,
      outputTokens: 8,
      totalTokens: 319,
      cacheReadInputTokens: 256,
      cacheWriteInputTokens: 48,
    });
  });

  it('errors in Bedrock’s shape: no signature, an unknown operation, a bad body, a queued failure', async () => {
    expect(await post(converse, body, {})).toEqual({
      status: 403,
      type: 'AccessDeniedException',
      body: { message: 'Missing Authentication Token' },
    });
    expect((await post(`/model/${MODEL}/invoke`, body)).status).toBe(404);
    expect((await post(converse, { messages: [] })).type).toBe('ValidationException');
    provider.failNext(429, 1, { message: 'Too many requests.' });
    expect(await post(converse, body)).toEqual({
      status: 429,
      type: 'ThrottlingException',
      body: { message: 'Too many requests.' },
    });
  });

  describe('through @ai-sdk/amazon-bedrock, SigV4 with fake credentials', () => {
    const bedrock = () =>
      createAmazonBedrock({ baseURL: origin, region: 'us-east-1', accessKeyId: 'test', secretAccessKey: 'test' });

    it('generateText: inputTokens is the whole prompt, cache reads and writes included', async () => {
      const result = await generateText({
        model: bedrock()(MODEL),
        system: 'x'.repeat(1200),
        prompt: 'Hello there',
      });
      expect(result.text).toBe(reply);
      expect(result.usage.inputTokens).toBe(311);
      expect(result.usage.inputTokenDetails).toEqual({
        noCacheTokens: 311 - 256,
        cacheReadTokens: 256,
        cacheWriteTokens: 0,
      });
      expect(result.usage.outputTokens).toBe(8);
      expect(String(provider.requests.at(-1)?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
    });

    // The SDK decodes the frames with @smithy/eventstream-codec, checking both CRCs of each.
    it('streamText: the deltas over converse-stream, and the usage of the metadata event', async () => {
      const result = streamText({ model: bedrock()(MODEL), prompt: 'Hello there' });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toBe(reply);
      const usage = await result.usage;
      expect([usage.inputTokens, usage.outputTokens, usage.totalTokens]).toEqual([7, 8, 15]);
      expect(provider.requests.at(-1)?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
    });
  });
});
