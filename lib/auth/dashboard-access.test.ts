// dashboardAccess: closed without a token; otherwise the token, the session key and the session length.
import { describe, expect, it } from 'vitest';

import { dashboardAccess } from './dashboard-access';
import { deriveSessionKey } from './session';

const TOKEN = 'dashboard-token-0123456789';
const SECRET = 'session-secret-0123456789-0123456789';

describe('dashboardAccess', () => {
  it('is closed without DASHBOARD_TOKEN, even with a session secret', () => {
    expect(
      dashboardAccess({ dashboardToken: undefined, dashboardSessionSecret: SECRET, dashboardSessionHours: 12 }),
    ).toEqual({ open: false });
  });

  it('derives the session key from the token without DASHBOARD_SESSION_SECRET', () => {
    expect(
      dashboardAccess({ dashboardToken: TOKEN, dashboardSessionSecret: undefined, dashboardSessionHours: 12 }),
    ).toEqual({
      open: true,
      token: TOKEN,
      sessionKey: deriveSessionKey(TOKEN, undefined),
      sessionMaxAgeMs: 43_200_000,
    });
  });

  it('derives the session key from DASHBOARD_SESSION_SECRET when set', () => {
    expect(
      dashboardAccess({ dashboardToken: TOKEN, dashboardSessionSecret: SECRET, dashboardSessionHours: 1 }),
    ).toEqual({ open: true, token: TOKEN, sessionKey: deriveSessionKey(TOKEN, SECRET), sessionMaxAgeMs: 3_600_000 });
  });
});
