// Every command-line process ends by itself, with and without an OpenAI key: the migrator, the seed, the
// inventory check and the jobs. A job stopped by SIGTERM waits for the call it sent, flushes its row and
// exits 143, as a shell reports a process ended by that signal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedReply, startLocalProvider, type LocalProvider } from '../../lib/ai/local-provider';
import { readInteractions } from '../support/read-interactions';
import { runScript, startScript } from '../../harness/run-script';
import { databaseEnv, scratchDatabase, type ScratchDatabase } from '../../harness/scratch-database';

/** Long enough for tsx and PGlite to start; a hang is what this file exists to catch. */
const EXIT_WITHIN_MS = 60_000;

describe('command-line processes', () => {
  let provider: LocalProvider;
  let database: ScratchDatabase;
  const teardown: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    provider = await startLocalProvider({ latencyMs: 0 });
    teardown.push(() => provider.close());
    database = await scratchDatabase(teardown, 'spendtrace-cli-');
  });

  afterAll(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  it('db:migrate, db:seed and inventory:check exit 0 by themselves', { timeout: 4 * EXIT_WITHIN_MS }, async () => {
    const env = databaseEnv(database);
    const migrate = await runScript('scripts/migrate.ts', env, { timeoutMs: EXIT_WITHIN_MS });
    expect(migrate.code).toBe(0);
    // The scratch Postgres database is migrated already; the scratch PGlite directory is new.
    if (database.databaseUrl) expect(migrate.stdout).toBe('Postgres (DATABASE_URL): up to date.\n');
    else expect(migrate.stdout.startsWith(`PGlite at ${database.dataDir ?? ''}: applied `)).toBe(true);
    const seed = await runScript('scripts/seed.ts', env, { timeoutMs: EXIT_WITHIN_MS });
    expect(seed).toEqual({
      code: 0,
      stdout: 'Demo leads: added 4 of 4 (the others were there already).\n',
      stderr: '',
    });
    const inventory = await runScript('scripts/inventory.ts', {}, { args: ['--check'], timeoutMs: EXIT_WITHIN_MS });
    expect(inventory.code).toBe(0);
    expect(inventory.stdout).toMatch(/^AI inventory OK: /);
  });

  it(
    'job:digest exits 0 by itself on the simulated provider (no key) and on a real one',
    { timeout: 3 * EXIT_WITHIN_MS },
    async () => {
      const simulated = await runScript('scripts/jobs/weekly-digest.ts', databaseEnv(database), {
        timeoutMs: EXIT_WITHIN_MS,
      });
      expect(simulated.stderr).toBe('');
      expect(simulated.code).toBe(0);
      const facts = simulated.stdout.split('\n\n')[0] ?? '';
      expect(simulated.stdout).toBe(`${facts}\n\n${simulatedReply(facts)}\n`);

      const keyed = await runScript(
        'scripts/jobs/weekly-digest.ts',
        { ...databaseEnv(database), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: provider.url },
        { timeoutMs: EXIT_WITHIN_MS },
      );
      expect(keyed.code).toBe(0);
      expect(provider.requests).toHaveLength(1);
      const rows = await readInteractions(database);
      expect(rows.map((r) => [r.source, r.status])).toEqual([
        ['job:weekly_digest', 'ok'],
        ['job:weekly_digest', 'ok'],
      ]);
    },
  );

  it(
    'db:query prints a read-only query as a table, refuses a write, and exits',
    { timeout: 2 * EXIT_WITHIN_MS },
    async () => {
      const env = databaseEnv(database);
      const options = { timeoutMs: EXIT_WITHIN_MS };
      expect(
        await runScript('scripts/db-query.ts', env, {
          ...options,
          args: ['select source, status, count(*) as calls from ai_interaction group by 1, 2'],
        }),
      ).toEqual({
        code: 0,
        stdout:
          'source            | status | calls\n' +
          '------------------+--------+------\n' +
          'job:weekly_digest | ok     | 2\n' +
          '(1 row)\n',
        stderr: '',
      });
      expect(await runScript('scripts/db-query.ts', env, { ...options, args: ['delete from ai_interaction'] })).toEqual(
        {
          code: 1,
          stdout: '',
          stderr: 'The query failed: cannot execute DELETE in a read-only transaction (SQLSTATE 25006)\n',
        },
      );
      expect(await readInteractions(database)).toHaveLength(2);
    },
  );

  it(
    'a job stopped by SIGTERM waits for the call it sent, flushes its row and exits 143',
    { timeout: 2 * EXIT_WITHIN_MS },
    async () => {
      const slow = await startLocalProvider({ latencyMs: 3_000 });
      teardown.push(() => slow.close());
      const before = (await readInteractions(database)).length;
      const job = startScript(
        'scripts/jobs/weekly-digest.ts',
        { ...databaseEnv(database), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: slow.url },
        { timeoutMs: EXIT_WITHIN_MS },
      );
      while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
      job.process.kill('SIGTERM');
      const result = await job.result;
      expect(result.code).toBe(143);
      expect(result.stdout).toContain(
        '"signal":"SIGTERM","aiCallsCut":0,"msg":"weekly digest: stopped by SIGTERM; flushing what was recorded"',
      );
      const rows = await readInteractions(database);
      expect(rows).toHaveLength(before + 1);
      expect(rows.at(-1)).toMatchObject({ source: 'job:weekly_digest', status: 'ok', costStatus: 'priced' });
    },
  );
});
