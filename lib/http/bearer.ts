// Bearer-token checks compared in constant time, so a wrong token's timing reveals nothing.
import { createHash, timingSafeEqual } from 'node:crypto';

export function bearerMatches(authorization: string | null, secret: string): boolean {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match?.[1]) return false;
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(secret).digest();
  return timingSafeEqual(given, expected);
}
