// The sign-in and closed pages: the form posts where the route listens, and what is echoed is escaped.
import { describe, expect, it } from 'vitest';

import { closedPage, signInPage } from './auth-pages';

describe('auth-pages', () => {
  describe('signInPage', () => {
    it('posts the token and next to /api/auth/sign-in', () => {
      const html = signInPage({ next: '/dashboard?x=1' });
      expect(html).toContain('<form method="post" action="/api/auth/sign-in">');
      expect(html).toContain('<input id="token" name="token" type="password"');
      expect(html).toContain('<input type="hidden" name="next" value="/dashboard?x=1">');
      expect(html).not.toContain('role="alert"');
    });

    it('shows the error above the form', () => {
      expect(signInPage({ next: '/dashboard', error: 'That token is not right.' })).toContain(
        '<p class="error" role="alert">That token is not right.</p>',
      );
    });

    it('escapes next and the error', () => {
      const html = signInPage({ next: '/d?a="><script>x</script>', error: '<b>&</b>' });
      expect(html).toContain('value="/d?a=&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
      expect(html).toContain('&#60;b&#62;&#38;&#60;/b&#62;');
      expect(html).not.toContain('<script>');
    });
  });

  describe('closedPage', () => {
    it('says how to open the dashboard', () => {
      expect(closedPage()).toContain(
        'Set DASHBOARD_TOKEN to open the dashboard (at least 16 characters; see .env.example).',
      );
    });
  });
});
