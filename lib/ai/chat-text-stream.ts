// Turns a streamed chat completion into a stream of the first choice's text deltas, for a page to show as
// they arrive. Cancelling it aborts the request, which the AI client records as abandoned.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';

export interface ChatTextStreamOptions {
  /** Called with the error when the completion fails part-way, before the stream errors with it. */
  onError?: (error: unknown) => void;
}

export function chatTextStream(
  chunks: Stream<ChatCompletionChunk>,
  options: ChatTextStreamOptions = {},
): ReadableStream<string> {
  const iterator = chunks[Symbol.asyncIterator]();
  let cancelled = false;
  return new ReadableStream<string>(
    {
      async pull(controller) {
        // Chunks without text (the role, the finish reason) are skipped, so every read yields text or the end.
        for (;;) {
          let next: IteratorResult<ChatCompletionChunk>;
          try {
            next = await iterator.next();
          } catch (error) {
            options.onError?.(error);
            throw error;
          }
          if (cancelled) return;
          if (next.done === true) {
            controller.close();
            return;
          }
          const text = next.value.choices[0]?.delta.content;
          if (text) {
            controller.enqueue(text);
            return;
          }
        }
      },
      async cancel() {
        cancelled = true;
        // At once, rather than after the read in progress (async iterators queue their calls): the reader
        // left, and the provider should stop generating what no one will read.
        chunks.controller.abort();
        await iterator.return?.();
      },
    },
    // Read the completion only when the reader asks, so nothing is read ahead for a reader that leaves.
    { highWaterMark: 0 },
  );
}
