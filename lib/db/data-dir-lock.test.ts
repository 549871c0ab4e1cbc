import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { DataDirLockedError, isRunning, LOCK_FILE, lockDataDir, type LockHolder } from './data-dir-lock';

const ROOT = path.resolve(__dirname, '..', '..');

/** A child process that takes the lock of `dir` and holds it until killed; resolves once it holds it. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--eval',
      `require('./lib/db/data-dir-lock.ts').lockDataDir(${JSON.stringify(dir)}).then(() => { console.log('held'); setInterval(() => {}, 1000); })`,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function readLock(dir: string): Promise<LockHolder> {
  return JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
}

describe('lockDataDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spendtrace-lock-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes who holds it, and removes the file on release', async () => {
    const lock = await lockDataDir(dir);
    const holder = await readLock(dir);
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(holder.startTicks).toMatch(/^\d+$/);
    expect(isRunning(holder)).toBe(true);
    await lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    await lock.release();
  });

  it('refuses a second holder in the same process, naming the first', async () => {
    const lock = await lockDataDir(dir);
    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holder.pid).toBe(process.pid);
    expect((error as Error).message).toContain(
      `The embedded database at ${dir} is in use by another process (pid ${process.pid}, `,
    );
    expect((error as Error).message).toContain(
      'Either stop that process and run this again, or put both on Postgres by setting DATABASE_URL',
    );
    await lock.release();
    await (await lockDataDir(dir)).release();
  });

  it('refuses while another process holds it, and takes it over once that process is killed', async () => {
    const child = await holdInChild(dir);
    try {
      const error = await lockDataDir(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as DataDirLockedError).holder.pid).toBe(child.pid);
    } finally {
      await killed(child);
    }
    // SIGKILL ran no handler: the file is still there, naming a process that is gone.
    expect((await readLock(dir)).pid).toBe(child.pid);
    const lock = await lockDataDir(dir);
    expect((await readLock(dir)).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose PID now belongs to another process (a restarted container is pid 1 again)', async () => {
    const stale: LockHolder = { ...(await readOwnRecord(dir)), startTicks: '1' };
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(stale));
    expect(isRunning(stale)).toBe(false);
    const lock = await lockDataDir(dir);
    expect((await readLock(dir)).startTicks).not.toBe('1');
    await lock.release();
  });

  it('takes over a lock from before the last boot', async () => {
    const stale: LockHolder = { ...(await readOwnRecord(dir)), bootId: 'another-boot' };
    expect(isRunning(stale)).toBe(false);
  });

  it("counts another host's lock as held: its PID cannot be checked from here", async () => {
    const remote: LockHolder = {
      pid: 1,
      host: 'another-host',
      command: 'server.ts',
      since: '2026-12-01T00:00:00.000Z',
    };
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(remote));
    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `The embedded database at ${dir} is in use by another process (pid 1 on host another-host, \`server.ts\`, since 2026-12-01T00:00:00.000Z). ` +
        'PGlite allows one process at a time: a second one would corrupt it. Either stop that process and run this ' +
        'again, or put both on Postgres by setting DATABASE_URL (README: "Running on Postgres"). ' +
        `If that process is gone for good, delete ${path.join(dir, LOCK_FILE)}.`,
    );
  });

  it('takes over a lock file that stays unreadable (torn by a crash)', async () => {
    await writeFile(path.join(dir, LOCK_FILE), '{"pid": 12');
    const lock = await lockDataDir(dir);
    expect((await readLock(dir)).pid).toBe(process.pid);
    await lock.release();
  });
});

/** This process's own lock record, as lockDataDir writes it (the lock is released again). */
async function readOwnRecord(dir: string): Promise<LockHolder> {
  const lock = await lockDataDir(dir);
  const record = await readLock(dir);
  await lock.release();
  return record;
}

describe('openDatabase on a PGlite directory', () => {
  it('refuses a second open of the same directory until the first is closed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'spendtrace-lock-db-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      await first.close();
      expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
      const second = await openDatabase({ dataDir: dir });
      expect(await second.prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
