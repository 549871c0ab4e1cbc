// Who may see the dashboard: a pure function from the facts of a request to what the proxy does.
import { bearerMatches } from '../http/bearer';
import { verifySession } from './session';
import type { AccessDecision, DashboardAccess, RequestFacts } from './types';

// Everything under these needs sign-in; /sign-in, /api/auth, webhooks and cron routes do not.
const PROTECTED_PREFIXES = ['/dashboard', '/api/dashboard'];

/** Whether `pathname` is the dashboard or one of its data routes. */
export function isProtectedPath(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** `/sign-in?next=<path and query>`. */
export function signInLocation(pathname: string, search: string): string {
  return `/sign-in?${new URLSearchParams({ next: `${pathname}${search}` }).toString()}`;
}

/**
 * Whether the request carries the right Bearer token or a valid session. The proxy's check, also for
 * a server action or route handler that wants to check again itself (pass `headers()` and `cookies()`).
 */
export function hasCredentials(
  request: Pick<RequestFacts, 'authorization' | 'sessionCookie' | 'now'>,
  access: DashboardAccess,
): boolean {
  if (!access.open) return false;
  if (bearerMatches(request.authorization, access.token)) return true;
  return (
    request.sessionCookie !== undefined &&
    verifySession(request.sessionCookie, access.sessionKey, request.now, access.sessionMaxAgeMs)
  );
}

/**
 * Allow a public path, the right Bearer token or a valid session. Otherwise a browser navigating to a
 * dashboard page is sent to /sign-in; everything else (data routes, scripts, a wrong Bearer token)
 * gets 401, so the raw answer without credentials is always 401.
 */
export function decideAccess(request: RequestFacts, access: DashboardAccess): AccessDecision {
  if (!isProtectedPath(request.pathname)) return { action: 'allow' };
  const html = /\btext\/html\b/i.test(request.accept ?? '');
  if (!access.open) return { action: 'closed', html };
  if (hasCredentials(request, access)) return { action: 'allow' };
  const sentBearer = /^bearer\b/i.test(request.authorization ?? '');
  const page = !request.pathname.startsWith('/api/');
  const navigation = request.method === 'GET' || request.method === 'HEAD';
  if (html && page && navigation && !sentBearer) {
    return { action: 'sign-in', location: signInLocation(request.pathname, request.search) };
  }
  return { action: 'unauthorized' };
}
