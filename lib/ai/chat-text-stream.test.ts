// chatTextStream over the instrumented client and the real `openai` SDK against the local provider: the text
// it yields, what a cancel does to the request and its span, and a completion that fails part-way.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { enableAsyncContext } from '../../test/support/enable-async-context';
import { inMemoryTracing } from '../../test/support/in-memory-tracing';
import { createAIClient, type AIClient } from './ai-client';
import { chatTextStream } from './chat-text-stream';
import { simulatedDeltas, simulatedReply, startLocalProvider, type LocalProvider } from './local-provider';
import { createPriceBook } from '../ledger/price-book';

const QUESTION = 'Which deals close this month?';
const { provider: tracerProvider, exporter } = inMemoryTracing();
const priceBook = createPriceBook();
// One provider per test: each test picks its own chunk delay, and one of them drops the connection.
let provider: LocalProvider | undefined;

enableAsyncContext();

beforeAll(() => {
  trace.setGlobalTracerProvider(tracerProvider);
});

afterAll(async () => {
  await provider?.close();
  await tracerProvider.shutdown();
  trace.disable();
});

beforeEach(async () => {
  exporter.reset();
  await provider?.close();
  provider = undefined;
});

async function clientWithProvider(chunkDelayMs: number): Promise<{ ai: AIClient; local: LocalProvider }> {
  const local = await startLocalProvider({ chunkDelayMs });
  provider = local;
  const openai = new OpenAI({ apiKey: 'test', baseURL: local.url, maxRetries: 0 });
  return { ai: createAIClient(openai, { priceBook }), local };
}

function ask(ai: AIClient) {
  return ai.chat.completions.create({
    feature: 'insights_chat.answer',
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: QUESTION }],
  });
}

async function readAll(stream: ReadableStream<string>): Promise<string[]> {
  const texts: string[] = [];
  const reader = stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return texts;
    texts.push(next.value);
  }
}

describe('chatTextStream', () => {
  it('yields the text deltas as the provider sent them, and nothing else', async () => {
    const { ai } = await clientWithProvider(0);

    const texts = await readAll(chatTextStream(await ask(ai)));

    expect(texts).toEqual(['Simulated ', 'reply ', 'to: ', 'Which ', 'deals ', 'close ', 'this ', 'month?']);
    expect(texts).toEqual(simulatedDeltas(simulatedReply(QUESTION)));
    // The usage chunk was read too: 'Simulated reply to: Which deals close this month?' is 49 chars, 13 tokens.
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(13);
    expect(span?.attributes['ai.stream.abandoned']).toBeUndefined();
  });

  it('aborts the request when cancelled while a read waits, and the span says the stream was abandoned', async () => {
    // The chunks are slow, so the second read is still waiting when the reader cancels.
    const { ai } = await clientWithProvider(600);
    const reader = chatTextStream(await ask(ai)).getReader();
    expect(await reader.read()).toEqual({ done: false, value: 'Simulated ' });
    const waiting = reader.read();

    const startedAt = Date.now();
    await reader.cancel('the page was closed');

    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span?.attributes['ai.stream.abandoned']).toBe(true);
    expect(span?.attributes['ai.cost.status']).toBe('no_usage');
  });

  it('errors with the failure of a completion cut off part-way, calling onError with it first', async () => {
    const { ai, local } = await clientWithProvider(200);
    const failures: unknown[] = [];
    const reader = chatTextStream(await ask(ai), { onError: (error) => failures.push(error) }).getReader();
    expect(await reader.read()).toEqual({ done: false, value: 'Simulated ' });

    // Closing the provider drops the connection in the middle of the stream.
    void local.close();
    const error = await reader.read().then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('terminated');
    expect(failures).toEqual([error]);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'terminated' });
    expect(span?.attributes['error.type']).toBe('TypeError');
  });
});
