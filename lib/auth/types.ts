// Public types of dashboard access: the settings taken from the configuration, the facts about a
// request that the proxy looks at, and what it decides.

/** How the dashboard is opened; made once from the configuration by `getDashboardAccess`. */
export type DashboardAccess =
  | {
      /** DASHBOARD_TOKEN is unset: every dashboard request answers 503 (private by default). */
      open: false;
    }
  | {
      open: true;
      /** The shared admin token (DASHBOARD_TOKEN), accepted as a Bearer token and on /sign-in. */
      token: string;
      /** HMAC-SHA256 key of session cookies, from DASHBOARD_SESSION_SECRET or else from the token. */
      sessionKey: Buffer;
      /** How long a sign-in lasts, in milliseconds. Default 12 hours (DASHBOARD_SESSION_HOURS). */
      sessionMaxAgeMs: number;
    };

/** What the access decision needs to know about a request; nothing else about it is read. */
export interface RequestFacts {
  method: string;
  /** The URL path, such as `/dashboard/costs`. */
  pathname: string;
  /** The query string with its `?`, or `''`. */
  search: string;
  /** The Authorization header, or null. */
  authorization: string | null;
  /** The Accept header, or null. */
  accept: string | null;
  /** The session cookie's value, if the request has one. */
  sessionCookie: string | undefined;
  /** Milliseconds since the epoch. */
  now: number;
}

/** What the proxy does with a request. */
export type AccessDecision =
  /** Let it through: a public path, the right Bearer token, or a valid session. */
  | { action: 'allow' }
  /** A browser asking for a dashboard page without credentials: 307 to the sign-in page. */
  | { action: 'sign-in'; location: string }
  /** 401 JSON with `WWW-Authenticate: Bearer`. */
  | { action: 'unauthorized' }
  /** DASHBOARD_TOKEN is unset: 503, as an HTML page for browsers and JSON otherwise. */
  | { action: 'closed'; html: boolean };
