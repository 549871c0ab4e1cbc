// safeNextPath: same-site paths survive; anything a browser could read as another origin becomes /dashboard.
import { describe, expect, it } from 'vitest';

import { safeNextPath } from './safe-next-path';

describe('safeNextPath', () => {
  const rows: { name: string; next: unknown; expected: string }[] = [
    { name: 'a dashboard path with a query', next: '/dashboard?x=1', expected: '/dashboard?x=1' },
    { name: 'a nested path', next: '/dashboard/costs/by-route', expected: '/dashboard/costs/by-route' },
    { name: 'the root path', next: '/', expected: '/' },
    { name: 'a path with dot segments, normalised', next: '/a/../dashboard', expected: '/dashboard' },
    { name: 'a path with non-ASCII, percent-encoded', next: '/dashboard?q=café', expected: '/dashboard?q=caf%C3%A9' },
    { name: 'a path with its fragment, which is dropped', next: '/dashboard#top', expected: '/dashboard' },
    { name: 'an absolute URL', next: 'https://evil.example', expected: '/dashboard' },
    { name: 'an absolute URL to this path', next: 'https://evil.example/dashboard', expected: '/dashboard' },
    { name: 'a protocol-relative URL', next: '//evil.example', expected: '/dashboard' },
    { name: 'a slash and a backslash', next: '/\\evil.example', expected: '/dashboard' },
    { name: 'a backslash later in the path', next: '/dashboard\\..\\..', expected: '/dashboard' },
    { name: 'a tab between the slashes', next: '/\t/evil.example', expected: '/dashboard' },
    { name: 'a newline', next: '/dashboard\nSet-Cookie: x=1', expected: '/dashboard' },
    { name: 'a javascript: URL', next: 'javascript:alert(1)', expected: '/dashboard' },
    { name: 'a data: URL', next: 'data:text/html,hi', expected: '/dashboard' },
    { name: 'a relative path without a slash', next: 'dashboard', expected: '/dashboard' },
    { name: 'an empty string', next: '', expected: '/dashboard' },
    { name: 'null (no next parameter)', next: null, expected: '/dashboard' },
    { name: 'a non-string (a file in a form)', next: new Blob(['/x']), expected: '/dashboard' },
    { name: 'a path over 2048 characters', next: `/${'a'.repeat(2048)}`, expected: '/dashboard' },
  ];

  it.each(rows)('$name', ({ next, expected }) => {
    expect(safeNextPath(next)).toEqual(expected);
  });
});
