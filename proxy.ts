// Guards the dashboard and its data routes before they render: the decision is lib/auth's pure
// decideAccess; this file only gathers the request's facts and turns the decision into a response.
// Runs on the Node.js runtime (Next.js 16's default for proxy), and never touches the database.
import { NextResponse, type NextRequest } from 'next/server';
import { closedResponse, redirectResponse, unauthorizedResponse } from './lib/auth/auth-responses';
import { getDashboardAccess } from './lib/auth/dashboard-access';
import { decideAccess } from './lib/auth/decide-access';
import { SESSION_COOKIE } from './lib/auth/session-cookie';

export function proxy(request: NextRequest): NextResponse {
  const decision = decideAccess(
    {
      method: request.method,
      pathname: request.nextUrl.pathname,
      search: request.nextUrl.search,
      authorization: request.headers.get('authorization'),
      accept: request.headers.get('accept'),
      sessionCookie: request.cookies.get(SESSION_COOKIE)?.value,
      now: Date.now(),
    },
    getDashboardAccess(),
  );
  switch (decision.action) {
    case 'allow': {
      // What is behind sign-in must not be kept by a shared cache (a CDN) and served to anyone else,
      // even a page that Next.js prerendered and would mark `s-maxage`.
      const response = NextResponse.next();
      response.headers.set('Cache-Control', 'private, no-store');
      return response;
    }
    case 'sign-in':
      // Proxy redirects must be absolute URLs; Next.js sends a same-host one as a relative Location.
      return redirectResponse(new URL(decision.location, request.url).href, 307);
    case 'unauthorized':
      return unauthorizedResponse();
    case 'closed':
      return closedResponse(decision.html);
  }
}

// Must match lib/auth/decide-access.ts's PROTECTED_PREFIXES (decideAccess re-checks the path).
// `/:path*` matches the prefix itself too.
export const config = {
  matcher: ['/dashboard/:path*', '/api/dashboard/:path*'],
};
