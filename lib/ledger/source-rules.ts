// What a source is: its kind (`action:<id>`, `job:<id>`, a route template, or none) and the one form a row
// stores it in, so the dashboard groups a route by its template, not by each id.

export type SourceKind = 'route' | 'action' | 'job' | 'unattributed';

/** Classifies a source string: `action:<id>`, `job:<id>`, a route template (`/api/...`), or none. */
export function sourceKindOf(source: string | undefined | null): SourceKind {
  if (!source) return 'unattributed';
  if (source.startsWith('action:')) return 'action';
  if (source.startsWith('job:')) return 'job';
  if (source.startsWith('/')) return 'route';
  return 'unattributed';
}

// Path segments that are ids rather than names: a number, a UUID, 16 or more hex digits, 20 or more
// letters, digits, '-' and '_' with a digit among them (ULIDs, nanoids, base64url tokens), or an address.
const ID_SEGMENT =
  /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[\w-]*\d)[\w-]{20,}|[^@]+@[^@]+)$/i;

/**
 * A source as a row stores it. A route should be its template (`/api/leads/[id]/draft`), but a service
 * that is not Next.js may report its raw path: the query and fragment are dropped and every id segment
 * becomes `[id]`, so `/api/leads/123/draft?x=1` is `/api/leads/[id]/draft` too and the dashboard gets one
 * group, not one per id. Other sources (`action:<id>`, `job:<id>`) are kept as they are. Idempotent.
 */
export function normalizeSource(source: string): string {
  if (!source.startsWith('/')) return source;
  const path = source.split(/[?#]/, 1)[0] ?? source;
  return path
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? '[id]' : segment))
    .join('/');
}
