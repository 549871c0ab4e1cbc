// `npm run bench`: every `bench:*` script in package.json, one after another, in a fixed order (the known
// ones first, then any others by name); stops at the first that fails. Arguments are not passed on: each
// benchmark runs with its defaults and writes its own section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ORDER = ['dashboard', 'overhead', 'persistence', 'sink', 'memory'];

/** The `bench:*` script names of `scripts`, in the order they should run. */
export function benchScripts(scripts: Record<string, string>): string[] {
  const names = Object.keys(scripts).filter((name) => name.startsWith('bench:'));
  const rank = (name: string) => {
    const i = ORDER.indexOf(name.slice('bench:'.length));
    return i < 0 ? ORDER.length : i;
  };
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function main(): void {
  const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const scripts = benchScripts(pkg.scripts ?? {});
  console.log(`Benchmarks: ${scripts.join(', ')}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const [i, script] of scripts.entries()) {
    console.log(`\n[${i + 1}/${scripts.length}] npm run ${script}`);
    const started = Date.now();
    const { status, signal } = spawnSync(npm, ['run', script], { stdio: 'inherit' });
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    if (status !== 0) {
      console.error(`npm run ${script} failed (${signal ?? `exit ${status ?? '?'}`}) after ${minutes} min; stopping.`);
      process.exitCode = status ?? 1;
      return;
    }
    console.log(`npm run ${script} done in ${minutes} min.`);
  }
}

if (require.main === module) main();
