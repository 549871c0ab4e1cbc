// What the local provider's Chat Completions wire does differently for the OpenAI-compatible APIs: Azure's v1
// routes and `api-key` header, DeepSeek's cache fields, Mistral's and Groq's streamed usage. Exact bodies, raw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

// 'Hello there' -> 3 + 4 = 7 prompt tokens; the reply (31 chars) -> 8.
const messages = [{ role: 'user', content: 'Hello there' }];
const OPENAI_USAGE = {
  prompt_tokens: 7,
  completion_tokens: 8,
  total_tokens: 15,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

async function post(path: string, body: unknown, headers: Record<string, string> = { authorization: 'Bearer k' }) {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The JSON of each `data:` frame of an SSE answer, without OpenAI's [DONE]. */
async function frames(res: Response): Promise<Record<string, unknown>[]> {
  return (await res.text())
    .split('\n\n')
    .map((frame) => frame.replace(/^data: /, ''))
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}

describe('Azure OpenAI v1 routes', () => {
  it('answer under /openai/v1 with the key in `api-key`, as OpenAI routes do', async () => {
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages }, { 'api-key': 'k' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { usage: unknown }).usage).toEqual(OPENAI_USAGE);
  });

  it('without any key: 401', async () => {
    const res = await post('/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages }, {});
    expect(res.status).toBe(401);
  });
});

describe('DeepSeek', () => {
  it('a deepseek-* model’s usage adds prompt_cache_hit_tokens and prompt_cache_miss_tokens', async () => {
    // 1,200 chars -> 304 prompt tokens, 256 of them cached.
    const long = [{ role: 'user', content: 'x'.repeat(1200) }];
    const res = await post('/v1/chat/completions', { model: 'deepseek-chat', messages: long });
    expect(((await res.json()) as { usage: unknown }).usage).toEqual({
      ...OPENAI_USAGE,
      prompt_tokens: 304,
      completion_tokens: 15,
      total_tokens: 319,
      prompt_tokens_details: { cached_tokens: 256, audio_tokens: 0 },
      prompt_cache_hit_tokens: 256,
      prompt_cache_miss_tokens: 48,
    });
  });
});

describe('streamed usage without stream_options', () => {
  it.each([
    ['gpt-4o-mini (OpenAI): none', 'gpt-4o-mini', {}],
    ['mistral-medium-latest (Mistral): `usage` on the finish chunk', 'mistral-medium-latest', { usage: OPENAI_USAGE }],
    [
      'moonshotai/kimi-k2-instruct (Groq): `x_groq.usage` on the finish chunk',
      'moonshotai/kimi-k2-instruct',
      { x_groq: { id: 'req_chatcmpl-local-N', usage: OPENAI_USAGE } },
    ],
  ])('%s', async (_name, model, extra) => {
    const res = await post('/v1/chat/completions', { model, messages, stream: true });
    const chunks = await frames(res);
    const n = provider.requests.length;
    const expectedExtra = JSON.parse(JSON.stringify(extra).replace('local-N', `local-${n}`)) as object;
    expect(chunks.at(-1)).toEqual({
      id: `chatcmpl-local-${n}`,
      object: 'chat.completion.chunk',
      created: chunks.at(-1)?.created,
      model,
      service_tier: 'default',
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      ...expectedExtra,
    });
    expect(chunks.filter((chunk) => 'usage' in chunk || 'x_groq' in chunk)).toHaveLength(
      model === 'gpt-4o-mini' ? 0 : 1,
    );
  });

  it('a Mistral model ignores stream_options: still one usage, on the finish chunk', async () => {
    const body = { model: 'mistral-small-latest', messages, stream: true, stream_options: { include_usage: true } };
    const chunks = await frames(await post('/v1/chat/completions', body));
    expect(chunks.filter((chunk) => 'usage' in chunk).map((chunk) => chunk.usage)).toEqual([OPENAI_USAGE]);
  });
});
