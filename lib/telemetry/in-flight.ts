// The AI calls in progress in this process, so shutdown can wait for them: a call that reached the provider
// must end, and become its row, before the exporters flush and the process exits. Kept on globalThis: Next.js
// bundles instrumentation.ts (which shuts down) and the routes (which call) as separate module graphs.

interface InFlight {
  open: number;
  idle: { promise: Promise<void>; resolve: () => void } | undefined;
}

const globalForCalls = globalThis as unknown as { spendtraceCallsInFlight?: InFlight };

/** One count per process, whichever module graph loads this first. */
const calls: InFlight = (globalForCalls.spendtraceCallsInFlight ??= { open: 0, idle: undefined });

/** Marks a call as started; the returned function marks it ended (safe to call twice). */
export function trackCall(): () => void {
  callStarted();
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    callEnded();
  };
}

/** Marks a call as started: for a caller that ends each call exactly once itself, without a closure. */
export function callStarted(): void {
  calls.open += 1;
}

/** Marks a call `callStarted` counted as ended; call it exactly once per call. */
export function callEnded(): void {
  calls.open -= 1;
  if (calls.open > 0 || !calls.idle) return;
  calls.idle.resolve();
  calls.idle = undefined;
}

export function callsInFlight(): number {
  return calls.open;
}

/** Resolves when no call is in flight, or after `timeoutMs`; returns how many were still open then. */
export async function waitForCalls(timeoutMs: number): Promise<number> {
  if (calls.open === 0) return 0;
  if (!calls.idle) {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    calls.idle = { promise, resolve };
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([calls.idle.promise, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  return calls.open;
}
