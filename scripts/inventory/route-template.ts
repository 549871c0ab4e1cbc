// Maps a route handler's file path to the route template Next.js records (`http.route`), which is its `ai.source`.

/**
 * `app/api/leads/[id]/draft/route.ts` → `/api/leads/[id]/draft`; route groups `(x)` and parallel-route
 * slots `@x` are not part of the URL and are dropped.
 */
export function routeTemplate(file: string): string {
  const segments = file.split('/').slice(1, -1);
  const kept = segments.filter((segment) => !/^\(.*\)$/.test(segment) && !segment.startsWith('@'));
  return '/' + kept.join('/');
}
