// Lets a source span outlive the function it wraps while the streams that function returned are still being
// read: React serializes a server action's `ReadableStream` after the action returns, and the AI calls that
// feed it are still running then.
import { context, diag, type Context } from '@opentelemetry/api';

/** How the streams of a result ended: all read to the end or cancelled, or one failed. */
export type StreamsOutcome = { failed: false } | { failed: true; error: unknown };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Finds the `ReadableStream`s in `result` (the result itself, or the own properties of a plain-object
 * result; deeper ones are not looked for) and returns the result with each replaced by a stream that
 * reads it inside `ctx` and reports when it ends. `settled` is called exactly once: after every stream
 * was read to its end, failed or was cancelled (a cancel is passed on, and waited for, first), or at once
 * when there is no stream. Never throws: if a stream cannot be wrapped, the result is returned as it was.
 */
export function endAfterStreams<T>(result: T, ctx: Context, settled: (outcome: StreamsOutcome) => void): T {
  let open = 0;
  let outcome: StreamsOutcome = { failed: false };
  const once = (ended: StreamsOutcome): void => {
    if (ended.failed && !outcome.failed) outcome = ended;
    open -= 1;
    if (open === 0) settled(outcome);
  };
  try {
    if (result instanceof ReadableStream) {
      open = 1;
      return readInside(result, ctx, once) as T;
    }
    if (isPlainObject(result)) {
      const keys = Object.keys(result).filter((key) => result[key] instanceof ReadableStream);
      if (keys.length > 0 && keys.every((key) => !(result[key] as ReadableStream).locked)) {
        open = keys.length;
        const copy: Record<string, unknown> = { ...result };
        for (const key of keys) copy[key] = readInside(result[key] as ReadableStream, ctx, once);
        return copy as T;
      }
    }
  } catch (error) {
    diag.error('spendtrace: holding a span open while its streams are read failed', error);
    open = 0;
    settled({ failed: false });
    return result;
  }
  settled({ failed: false });
  return result;
}

/** A stream that passes `source` through, reading and cancelling it inside `ctx`; `ended` is called once. */
function readInside<T>(
  source: ReadableStream<T>,
  ctx: Context,
  ended: (outcome: StreamsOutcome) => void,
): ReadableStream<T> {
  const reader = source.getReader();
  let cancelled = false;
  let done = false;
  const end = (outcome: StreamsOutcome): void => {
    if (done) return;
    done = true;
    ended(outcome);
  };
  return new ReadableStream<T>(
    {
      pull: (controller) =>
        context.with(ctx, async () => {
          let next: ReadableStreamReadResult<T>;
          try {
            next = await reader.read();
          } catch (error) {
            end({ failed: true, error });
            throw error;
          }
          // A read that the cancel below ended: this stream is closed already.
          if (cancelled) return;
          if (next.done) {
            controller.close();
            end({ failed: false });
          } else {
            controller.enqueue(next.value);
          }
        }),
      cancel: (reason) =>
        context.with(ctx, async () => {
          cancelled = true;
          try {
            await reader.cancel(reason);
          } finally {
            end({ failed: false });
          }
        }),
    },
    // Read the source only when our reader asks, so that every read happens in `ctx` at its request.
    { highWaterMark: 0 },
  );
}
