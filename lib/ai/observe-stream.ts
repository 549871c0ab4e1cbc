// A streamed answer passed through to the caller while its span watches it: the span ends when the stream
// ends, fails, or the caller stops reading.
import { diag } from '@opentelemetry/api';
import { Stream } from 'openai/streaming';
import { safely, type CallSpan } from './call-span';

/**
 * Passes a stream through, letting `observe` read (and, where we changed the request, reshape or
 * drop) each item; the span ends when the stream ends, fails, or the caller stops reading: by leaving
 * its loop, or by aborting the returned stream's controller. An abort ends the span at once, even while
 * a read waits for the provider, because the request's root span may end right after it.
 */
export function observeStream<T>(
  source: Stream<T>,
  call: CallSpan,
  observe: (item: T) => T | undefined,
  onDone: () => void = () => undefined,
): Stream<T> {
  let settled = false;
  function settle(abandoned: boolean): void {
    if (settled) return;
    settled = true;
    // The caller stopped before the provider finished: the provider may have billed tokens we never saw.
    if (abandoned) call.markAbandoned();
    safely(onDone);
    call.end();
  }
  // The caller's controller, apart from the SDK's own, which the SDK also aborts when the stream fails.
  const controller = new AbortController();
  controller.signal.addEventListener(
    'abort',
    () => {
      settle(true);
      // Without the caller's reason, so the SDK takes it for its own abort and ends the stream quietly.
      source.controller.abort();
    },
    { once: true },
  );

  async function* iterate(): AsyncGenerator<T> {
    try {
      for await (const item of source) {
        if (settled) break;
        let out: T | undefined = item;
        try {
          out = observe(item);
        } catch (error) {
          diag.error('spendtrace: reading a streamed OpenAI item failed', error);
        }
        if (out !== undefined) yield out;
      }
      settle(false);
    } catch (error) {
      call.fail(error);
      settle(false);
      throw error;
    } finally {
      // The caller broke out of its loop: its `return()` brings us here (and aborts the request).
      settle(true);
    }
  }
  return new Stream(() => iterate(), controller);
}
