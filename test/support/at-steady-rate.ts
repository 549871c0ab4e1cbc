// Drives load at a steady rate on the clock, as a service's traffic arrives: each call starts on its slot,
// whether or not the earlier ones have finished, so a slow server does not slow the sender down.

/** Calls `each(i)` for i = 0 … count − 1, `perSecond` a second; resolves after the last call has started. */
export async function atSteadyRate(count: number, perSecond: number, each: (i: number) => void): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    each(i);
  }
}
