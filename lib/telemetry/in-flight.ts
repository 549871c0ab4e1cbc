// The AI calls in progress in this process, so shutdown can wait for them: a call that reached the provider
// must end, and become its row, before the exporters flush and the process exits. Kept on globalThis: Next.js
// bundles instrumentation.ts (which shuts down) and the routes (which call) as separate module graphs.

interface InFlight {
  open: Set<object>;
  idle: { promise: Promise<void>; resolve: () => void } | undefined;
}

const globalForCalls = globalThis as unknown as { spendtraceCallsInFlight?: InFlight };

function state(): InFlight {
  globalForCalls.spendtraceCallsInFlight ??= { open: new Set(), idle: undefined };
  return globalForCalls.spendtraceCallsInFlight;
}

/** Marks a call as started; the returned function marks it ended (safe to call twice). */
export function trackCall(): () => void {
  const token = {};
  callStarted(token);
  return () => callEnded(token);
}

/** Marks the call `token` stands for as started: for a caller that has an object per call, without a closure. */
export function callStarted(token: object): void {
  state().open.add(token);
}

/** Marks the call `token` stands for as ended (safe to call twice). */
export function callEnded(token: object): void {
  const s = state();
  if (!s.open.delete(token) || s.open.size > 0 || !s.idle) return;
  s.idle.resolve();
  s.idle = undefined;
}

export function callsInFlight(): number {
  return state().open.size;
}

/** Resolves when no call is in flight, or after `timeoutMs`; returns how many were still open then. */
export async function waitForCalls(timeoutMs: number): Promise<number> {
  const s = state();
  if (s.open.size === 0) return 0;
  if (!s.idle) {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    s.idle = { promise, resolve };
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([s.idle.promise, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  return s.open.size;
}
