// The answers of the proxy and the /api/auth routes. None of them may be cached: they depend on
// credentials.
import { NextResponse } from 'next/server';
import { closedPage, signInPage } from './auth-pages';
import { CLOSED_MESSAGE, UNAUTHORIZED_MESSAGE } from './messages';

const NO_STORE = { 'Cache-Control': 'no-store' };

function htmlResponse(html: string, status: number): NextResponse {
  return new NextResponse(html, { status, headers: { ...NO_STORE, 'Content-Type': 'text/html; charset=utf-8' } });
}

/** 401 JSON asking for the token; the answer to any unauthenticated request that is not a page view. */
export function unauthorizedResponse(): NextResponse {
  return NextResponse.json(
    { error: UNAUTHORIZED_MESSAGE },
    { status: 401, headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' } },
  );
}

/** 503 while DASHBOARD_TOKEN is unset: a page for browsers, JSON for everything else. */
export function closedResponse(html: boolean): NextResponse {
  return html
    ? htmlResponse(closedPage(), 503)
    : NextResponse.json({ error: CLOSED_MESSAGE }, { status: 503, headers: NO_STORE });
}

/** The sign-in form with its status: 200, or 400/401 with the error to show above the form. */
export function signInPageResponse(next: string, status: number, error?: string): NextResponse {
  return htmlResponse(signInPage({ next, error }), status);
}

/**
 * A redirect to a path on this site. Route handlers give a relative Location, so it never depends on
 * a Host header that a client or a misconfigured reverse proxy controls.
 */
export function redirectResponse(location: string, status: 303 | 307, setCookie?: string): NextResponse {
  const headers = new Headers({ ...NO_STORE, Location: location });
  if (setCookie !== undefined) headers.set('Set-Cookie', setCookie);
  return new NextResponse(null, { status, headers });
}
