// What /proc says about a process, a database's Postgres backends and the machine, for `bench:sink`.
import { readdirSync, readFileSync } from 'node:fs';

/** Jiffies per second (USER_HZ), 100 on Linux. */
const CLOCK_TICKS = 100;

/** User + system CPU seconds of process `pid` so far. */
export function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of process `pid` (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * CPU seconds so far of each local Postgres backend serving `database`, by pid: a backend's title
 * (`postgres: <cluster>: <user> <database> <client> <state>`) names its database. Empty when Postgres runs
 * elsewhere (another host, a container with its own /proc).
 */
export function backendCpuSeconds(database: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.split(' ').includes(database)) continue;
      found.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** CPU seconds the backends used between two {@link backendCpuSeconds} readings (new backends from zero). */
export function backendCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
