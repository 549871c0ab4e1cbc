// The sign-in and "dashboard closed" pages as plain HTML. They are served by route handlers and the
// proxy, which answer with real status codes (401, 503) that a React page cannot set, and they work
// without JavaScript.
import { CLOSED_MESSAGE } from './messages';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body { margin: 0 auto; max-width: 28rem; padding: 2rem 1.5rem; color: #1f2328;
  font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; line-height: 1.5; }
form { display: flex; flex-direction: column; gap: 0.5rem; }
input[type='password'] { padding: 0.5rem; }
button { padding: 0.5rem; }
.error { color: #cf222e; }
code { background: #f6f8fa; padding: 0.1rem 0.3rem; border-radius: 4px; }`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Spendtrace</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The sign-in form, posting the token and `next` (already a safe path) to /api/auth/sign-in. */
export function signInPage({ next, error }: { next: string; error?: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in to the dashboard</h1>
${error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`}<form method="post" action="/api/auth/sign-in">
<label for="token">Dashboard token (<code>DASHBOARD_TOKEN</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Shown instead of the dashboard and the sign-in form while DASHBOARD_TOKEN is unset. */
export function closedPage(): string {
  return page(
    'Dashboard closed',
    `<h1>The dashboard is closed</h1>\n<p class="error">${escapeHtml(CLOSED_MESSAGE)}</p>`,
  );
}
