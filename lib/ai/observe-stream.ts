// A streamed answer passed through to the caller while its span watches it: the span ends when the stream
// ends, fails, or the caller stops reading.
import { diag } from '@opentelemetry/api';
import { Stream } from 'openai/streaming';
import { safely, type CallSpan } from './call-span';

/** What watches a stream's items for its call's span. */
export interface StreamObserver<T> {
  /** Reads an item; returns it as the caller should see it (reshaped, where we changed the request), or undefined to drop it. */
  observe(item: T): T | undefined;
  /** Called once when the stream is over, before the span ends. */
  done?(): void;
}

/**
 * Passes a stream through, letting `observer` read (and, where we changed the request, reshape or
 * drop) each item; the span ends when the stream ends, fails, or the caller stops reading: by leaving
 * its loop, or by aborting the returned stream's controller. An abort ends the span at once, even while
 * a read waits for the provider, because the request's root span may end right after it.
 */
export function observeStream<T>(source: Stream<T>, call: CallSpan, observer: StreamObserver<T>): Stream<T> {
  const observation = new Observation(source, call, observer);
  return new Stream(() => new ObservedIterator(observation), new CallerController(observation));
}

/** A promise rejected with `reason` as it is: what the source or the caller threw, rethrown as a generator would. */
function rejected(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  return Promise.reject(reason);
}

/** One observed stream: what settles its span, once. */
class Observation<T> {
  settled = false;

  constructor(
    readonly source: Stream<T>,
    readonly call: CallSpan,
    readonly observer: StreamObserver<T>,
  ) {}

  settle(abandoned: boolean): void {
    if (this.settled) return;
    this.settled = true;
    // The caller stopped before the provider finished: the provider may have billed tokens we never saw.
    if (abandoned) this.call.markAbandoned();
    if (this.observer.done) safely(() => this.observer.done?.());
    this.call.end();
  }
}

/**
 * The caller's controller, apart from the SDK's own, which the SDK also aborts when the stream fails. Its
 * first abort settles the span (abandoned) and aborts the SDK's request, before the caller's own listeners
 * hear of it. Overriding `abort` rather than listening on `signal` spares every stream an AbortSignal and a
 * listener: Node.js makes the signal only when it is first asked for.
 */
class CallerController extends AbortController {
  private heard = false;

  constructor(private readonly observation: Pick<Observation<unknown>, 'settle' | 'source'>) {
    super();
  }

  override abort(reason?: unknown): void {
    if (!this.heard) {
      this.heard = true;
      this.observation.settle(true);
      // Without the caller's reason, so the SDK takes it for its own abort and ends the stream quietly.
      this.observation.source.controller.abort();
    }
    super.abort(reason);
  }
}

type Operation = { kind: 'next' | 'return' | 'throw'; value: unknown };

/**
 * The stream's iterator, as the async generator `for await (item of source) { observe; yield }` with
 * `try/catch/finally` around it would behave (settling the span on the source's end or failure, and as
 * abandoned when the caller returns early), written out by hand: a generator costs several promises and
 * microtask turns per item (each one seen by AsyncLocalStorage's hooks), where this costs one `then`. Calls
 * made while one is under way wait their turn, as a generator queues them.
 */
class ObservedIterator<T> implements AsyncIterator<T> {
  private state: 'start' | 'running' | 'done' = 'start';
  private iterator: AsyncIterator<T> | undefined;
  /** An operation is under way: others are chained after `current`, in order. */
  private busy = false;
  private queued = 0;
  private current: Promise<IteratorResult<T>> | undefined;

  constructor(private readonly observation: Observation<T>) {}

  next(): Promise<IteratorResult<T>> {
    return this.enqueue({ kind: 'next', value: undefined });
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    return this.enqueue({ kind: 'return', value });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    return this.enqueue({ kind: 'throw', value: error });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private enqueue(operation: Operation): Promise<IteratorResult<T>> {
    if (!this.busy && this.queued === 0) return (this.current = this.run(operation));
    this.queued += 1;
    const after = (): Promise<IteratorResult<T>> => {
      this.queued -= 1;
      return this.run(operation);
    };
    return (this.current = (this.current ?? Promise.resolve()).then(after, after));
  }

  private run(operation: Operation): Promise<IteratorResult<T>> {
    if (this.state === 'start') {
      if (operation.kind !== 'next') {
        // A generator not yet started completes at once: its body, and the source, never run.
        this.state = 'done';
        return operation.kind === 'return'
          ? Promise.resolve({ value: operation.value as T, done: true })
          : rejected(operation.value);
      }
      this.state = 'running';
      this.busy = true;
      try {
        this.iterator = this.observation.source[Symbol.asyncIterator]();
      } catch (error) {
        return rejected(this.failed(error));
      }
      return this.pull();
    }
    if (this.state === 'done') {
      if (operation.kind === 'throw') return rejected(operation.value);
      return Promise.resolve({ value: (operation.kind === 'return' ? operation.value : undefined) as T, done: true });
    }
    // Running, and waiting at the item last handed out.
    this.busy = true;
    if (operation.kind === 'next') return this.pull();
    this.state = 'done';
    if (operation.kind === 'return') {
      // Leaving the loop closes the source, then the span is settled as abandoned.
      return this.closeSource().then(() => {
        this.busy = false;
        this.observation.settle(true);
        return { value: operation.value as T, done: true };
      }, this.onError);
    }
    // A throw closes the source (its outcome ignored), then fails the call with the caller's error.
    const fail = (): never => {
      throw this.failed(operation.value);
    };
    return this.closeSource().then(fail, fail);
  }

  private pull(): Promise<IteratorResult<T>> {
    let read: Promise<IteratorResult<T>>;
    try {
      read = Promise.resolve((this.iterator as AsyncIterator<T>).next());
    } catch (error) {
      return rejected(this.failed(error));
    }
    return read.then(this.onResult, this.onError);
  }

  /** A read's outcome (an arrow: handed to `then` as it is). */
  private readonly onResult = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (result.done) {
      this.state = 'done';
      this.busy = false;
      this.observation.settle(false);
      return { value: undefined, done: true };
    }
    if (this.observation.settled) {
      // Settled by an abort while this read waited: leave, closing the source.
      this.state = 'done';
      return this.closeSource().then(() => {
        this.busy = false;
        return { value: undefined, done: true };
      }, this.onError);
    }
    let out: T | undefined = result.value;
    try {
      out = this.observation.observer.observe(result.value);
    } catch (error) {
      diag.error('spendtrace: reading a streamed OpenAI item failed', error);
    }
    if (out === undefined) return this.pull();
    this.busy = false;
    return { value: out, done: false };
  };

  private readonly onError = (error: unknown): never => {
    throw this.failed(error);
  };

  /** The source failed (or closing it did): the call fails with its error, and the iterator is done. */
  private failed(error: unknown): unknown {
    this.state = 'done';
    this.busy = false;
    this.observation.call.fail(error);
    this.observation.settle(false);
    return error;
  }

  private closeSource(): Promise<unknown> {
    const iterator = this.iterator as AsyncIterator<T>;
    try {
      return Promise.resolve(iterator.return?.());
    } catch (error) {
      return rejected(error);
    }
  }
}
