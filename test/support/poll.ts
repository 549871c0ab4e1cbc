// Waits for a condition instead of a fixed time: reads a value until it satisfies `done` or a deadline passes.

/**
 * Calls `read` every `intervalMs` until `done(value)` holds, and returns that value; after `timeoutMs`
 * returns the last value read, so the caller's exact assertion shows what was seen instead.
 */
export async function poll<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
