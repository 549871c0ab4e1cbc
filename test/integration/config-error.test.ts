// A server that cannot be configured says what is wrong and stops, instead of serving 500s, and never says
// it is ready first.
import { describe, expect, it } from 'vitest';
import { startApp } from '../../harness/app-server';

describe('npm start with invalid configuration', () => {
  it('exits with status 1 naming each bad variable, before Next.js starts', async () => {
    const failure = await startApp({ CRON_SECRET: 'short', DATABASE_URL: 'mysql://db/app' }).then(
      () => 'started',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(failure).toBe(
      'the app exited with 1:\n' +
        'spendtrace: Invalid configuration:\n' +
        '  DATABASE_URL: must be a postgres:// or postgresql:// URL\n' +
        '  CRON_SECRET: must be at least 16 characters\n' +
        'Fix these variables (see .env.example) and start again.\n',
    );
  });
});
