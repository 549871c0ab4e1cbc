// endAfterStreams on its own: which streams of a result it finds, and when it reports them settled.
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { endAfterStreams, type StreamsOutcome } from './end-after-streams';

function streamOf(...chunks: string[]): ReadableStream<string> {
  return new ReadableStream<string>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<string>): Promise<string[]> {
  const chunks: string[] = [];
  const reader = stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return chunks;
    chunks.push(next.value);
  }
}

describe('endAfterStreams', () => {
  it('reports at once, and returns the very result, when it holds no stream', () => {
    const outcomes: StreamsOutcome[] = [];
    const result = { ok: false, error: 'Ask a question first.' };

    expect(endAfterStreams(result, ROOT_CONTEXT, (outcome) => outcomes.push(outcome))).toBe(result);
    expect(outcomes).toEqual([{ failed: false }]);
  });

  it('reports once, after the last of several streams is read, and keeps the other properties', async () => {
    const outcomes: StreamsOutcome[] = [];
    const result = endAfterStreams(
      { ok: true, answer: streamOf('a', 'b'), sources: streamOf('c') },
      ROOT_CONTEXT,
      (o) => outcomes.push(o),
    );

    expect(result.ok).toBe(true);
    expect(await readAll(result.answer)).toEqual(['a', 'b']);
    expect(outcomes).toEqual([]);
    expect(await readAll(result.sources)).toEqual(['c']);
    expect(outcomes).toEqual([{ failed: false }]);
  });

  it('reports the first failure when one stream fails and another is cancelled', async () => {
    const outcomes: StreamsOutcome[] = [];
    const error = new Error('cut off');
    const failing = new ReadableStream<string>({ pull: (controller) => controller.error(error) });
    const result = endAfterStreams({ answer: failing, sources: streamOf('c') }, ROOT_CONTEXT, (o) => outcomes.push(o));

    await expect(result.answer.getReader().read()).rejects.toBe(error);
    await result.sources.cancel();

    expect(outcomes).toEqual([{ failed: true, error }]);
  });

  it('leaves a result with a locked stream as it was, and reports at once', () => {
    const outcomes: StreamsOutcome[] = [];
    const answer = streamOf('a');
    answer.getReader();
    const result = { answer };

    expect(endAfterStreams(result, ROOT_CONTEXT, (o) => outcomes.push(o))).toBe(result);
    expect(outcomes).toEqual([{ failed: false }]);
  });

  it('wraps a stream that is the result itself', async () => {
    const outcomes: StreamsOutcome[] = [];
    const source = streamOf('only');

    const result = endAfterStreams(source, ROOT_CONTEXT, (o) => outcomes.push(o));

    expect(result).not.toBe(source);
    expect(await readAll(result)).toEqual(['only']);
    expect(outcomes).toEqual([{ failed: false }]);
  });
});
