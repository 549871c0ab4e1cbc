// What a person or script is told when the dashboard turns them away: each says what to do.

export const UNAUTHORIZED_MESSAGE = 'Sign in: send Authorization: Bearer <DASHBOARD_TOKEN> or use /sign-in.';

export const CLOSED_MESSAGE = 'Set DASHBOARD_TOKEN to open the dashboard (at least 16 characters; see .env.example).';

export const WRONG_TOKEN_MESSAGE = 'That token is not right.';
