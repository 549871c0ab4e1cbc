// One process at a time on an embedded (PGlite) data directory. PGlite is a single-user Postgres: a second
// process opening the same directory writes over the first one's WAL and checkpoints, and the directory
// can no longer be opened at all. So the first process takes a lock file inside the directory and the
// next one refuses at once, naming the holder. A lock left by a process that died (SIGKILL, power loss)
// is recognised as stale and taken over.
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'spendtrace.lock';

/** What the lock file says about the process that holds it. */
export interface LockHolder {
  pid: number;
  /** The holder's host name: a PID means nothing on another host (or in another container). */
  host: string;
  /** Linux: the kernel's boot id and the process's start time, so a reused PID is not mistaken for the holder. */
  bootId?: string;
  startTicks?: string;
  /** The command the holder runs, for the message. */
  command: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
    super(
      `The embedded database at ${dataDir} is in use by another process (${where}, \`${holder.command}\`, since ${holder.since}). ` +
        'PGlite allows one process at a time: a second one would corrupt it. Either stop that process and run this ' +
        'again, or put both on Postgres by setting DATABASE_URL (README: "Running on Postgres"). ' +
        `If that process is gone for good, delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** Takes the lock of `dataDir` (which must exist), or throws {@link DataDirLockedError} naming its holder. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine = describeThisProcess();
  const text = `${JSON.stringify(mine)}\n`;
  // Two tries: a stale lock is removed once, then taken like a free one.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return ownedLock(file, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(file);
    if (holder && isRunning(holder)) throw new DataDirLockedError(dataDir, holder);
    // Stale (its process is gone) or unreadable after a wait (a writer that died mid-write): take it over.
    await unlink(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  throw new Error(`Could not take the lock ${file}: another process keeps taking it. Try again.`);
}

function ownedLock(file: string, text: string): DataDirLock {
  let released = false;
  // process.exit() skips async cleanup: the lock goes with the process even then.
  const onExit = (): void => releaseSync(file, text);
  process.once('exit', onExit);
  return {
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current === text) await unlink(file).catch(() => undefined);
    },
  };
}

function releaseSync(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}

/** The holder, or undefined when the file is gone or still unreadable after a short wait. */
async function readHolder(file: string): Promise<LockHolder | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const holder = JSON.parse(text) as LockHolder;
      if (Number.isInteger(holder.pid) && typeof holder.host === 'string') return holder;
    } catch {
      // Being written right now, or torn by a crash: look again in a moment.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

/** Whether the holder may still be running. Another host's process cannot be checked: it counts as running. */
export function isRunning(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  const here = linuxIdentity(holder.pid);
  if (holder.bootId && here.bootId && holder.bootId !== here.bootId) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The PID is taken, but maybe by a new process (a restarted container is pid 1 again).
  return !(holder.startTicks && here.startTicks && holder.startTicks !== here.startTicks);
}

function describeThisProcess(): LockHolder {
  const script = process.argv[1] ? path.relative(process.cwd(), process.argv[1]) : process.title;
  return {
    pid: process.pid,
    host: os.hostname(),
    ...linuxIdentity(process.pid),
    command: [script, ...process.argv.slice(2)].join(' ').slice(0, 200),
    since: new Date().toISOString(),
  };
}

/** Linux's boot id and the process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function linuxIdentity(pid: number): { bootId?: string; startTicks?: string } {
  const bootId = readText('/proc/sys/kernel/random/boot_id')?.trim();
  const stat = readText(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may hold spaces: count the fields after its ')'.
  const startTicks = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return { ...(bootId ? { bootId } : {}), ...(startTicks ? { startTicks } : {}) };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
