// Bearer-token checks compared in constant time, so a wrong token's timing reveals nothing.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether `given` is exactly `secret`, compared in constant time (for tokens typed into a form too). */
export function secretMatches(given: string, secret: string): boolean {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

export function bearerMatches(authorization: string | null, secret: string): boolean {
  // The scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.1, RFC 6750 §2.1).
  const match = /^bearer +(\S.*)$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  return secretMatches(match[1], secret);
}
