// Where to send a person after signing in: only a path on this site, so `next` cannot be used as an
// open redirect to another origin.

export const DEFAULT_NEXT_PATH = '/dashboard';

const BASE = 'http://spendtrace.invalid';

/** `next` as a same-site path with its query, or {@link DEFAULT_NEXT_PATH} when it is anything else. */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2048) return DEFAULT_NEXT_PATH;
  // One leading slash only: browsers read `//host` and `/\host` as another origin. No backslashes or
  // control characters anywhere: browsers turn `\` into `/` and drop tabs and newlines (`/\t/host`).
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\p{Cc}]/u.test(next)) return DEFAULT_NEXT_PATH;
  const url = new URL(next, BASE);
  if (url.origin !== BASE) return DEFAULT_NEXT_PATH;
  // Normalised and percent-encoded, so it is safe in a Location header.
  return `${url.pathname}${url.search}`;
}
