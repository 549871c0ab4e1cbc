// The session cookie's Set-Cookie lines: HttpOnly so scripts cannot read it, SameSite=Lax so other
// sites cannot post with it, Secure when the request came over HTTPS.

export const SESSION_COOKIE = 'spendtrace_session';

/** Set-Cookie for a new session lasting `maxAgeSeconds`. */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session (sign-out). */
export function expiredSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/**
 * Whether the browser reached us over HTTPS: directly, or through a TLS-terminating reverse proxy
 * that says so in X-Forwarded-Proto.
 */
export function isHttps(protocol: string, forwardedProto: string | null): boolean {
  return protocol === 'https:' || forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https';
}
