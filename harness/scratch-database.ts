// A scratch database for a test that runs the app, the sink or a script as its own process: a new migrated
// Postgres database next to TEST_DATABASE_URL when it is set, else a PGlite directory in a temporary folder.
// Tests in this process open it only while no other process has it open (PGlite allows one at a time).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/database';
import { createPostgresDatabase, TEST_DATABASE_URL } from './test-database';

export interface ScratchDatabase {
  databaseUrl?: string;
  dataDir?: string;
}

/** Creates the database; `teardown` gets the step that removes it. */
export async function scratchDatabase(
  teardown: (() => Promise<unknown>)[],
  name = 'spendtrace-',
): Promise<ScratchDatabase> {
  if (TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(TEST_DATABASE_URL);
    teardown.push(() => created.drop());
    const db = await openDatabase({ databaseUrl: created.url });
    await db.migrate();
    await db.close();
    return { databaseUrl: created.url };
  }
  return scratchPGlite(teardown, name);
}

/** A PGlite directory in a temporary folder, whatever TEST_DATABASE_URL says: for what only PGlite does. */
export async function scratchPGlite(
  teardown: (() => Promise<unknown>)[],
  name = 'spendtrace-',
): Promise<ScratchDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), name));
  teardown.push(() => rm(dir, { recursive: true, force: true }));
  return { dataDir: path.join(dir, 'pglite') };
}

/** The environment that points the app, the sink or a script at `target`. */
export function databaseEnv(target: ScratchDatabase): Record<string, string> {
  return target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { SPENDTRACE_DATA_DIR: target.dataDir ?? '' };
}
