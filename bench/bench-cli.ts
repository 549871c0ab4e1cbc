// A benchmark's command line, shared by every `npm run bench:*`: its options parsed from one table (with the
// usage line made from it), the admin database URL, Ctrl-C that drops what the run created, its section written
// into docs/benchmarks.md, and the exit status from the benchmark's own bar.
import path from 'node:path';
import { DEFAULT_ADMIN_URL, DOCS_FILE, writeDocsSection } from './bench-report';

/** One option: `--flag N` (a positive integer; `_` allowed as in 1_000_000), a number, a list or a path. */
export type OptionSpec =
  | { kind: 'count'; default: number; flag?: string }
  | { kind: 'number'; default: number; min: number; flag?: string }
  | { kind: 'counts'; default: readonly number[]; flag?: string }
  | { kind: 'path'; flag?: string };

type ValueOf<O extends OptionSpec> = O extends { kind: 'counts' }
  ? number[]
  : O extends { kind: 'path' }
    ? string | undefined
    : number;

/** The parsed options, plus `docs` (false with `--no-docs`). */
export type BenchArgs<S extends Record<string, OptionSpec>> = { [K in keyof S]: ValueOf<S[K]> } & { docs: boolean };

/** A bad command line: printed as its message alone, without a stack. */
export class UsageError extends Error {}

function flagOf(name: string, option: OptionSpec): string {
  return option.flag ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function usage(spec: Record<string, OptionSpec>): string {
  const parts = Object.entries(spec).map(([name, option]) => {
    const example =
      option.kind === 'path' ? 'DIR' : option.kind === 'counts' ? option.default.join(',') : String(option.default);
    return `[${flagOf(name, option)} ${example}]`;
  });
  return [...parts, '[--no-docs]'].join(' ');
}

function parseValue(flag: string, option: OptionSpec, text: string): number | number[] | string {
  const count = (part: string) => {
    const n = Number(part.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes positive integers, not "${text}"`);
    return n;
  };
  switch (option.kind) {
    case 'count':
      return count(text);
    case 'counts':
      return text.split(',').map(count);
    case 'number': {
      const n = Number(text);
      if (!Number.isFinite(n) || n < option.min)
        throw new UsageError(`${flag} takes a number ≥ ${option.min}, not "${text}"`);
      return n;
    }
    case 'path':
      return path.resolve(text);
  }
}

/** Parses `argv` against `spec`; an unknown flag or a bad value throws with the usage line. */
export function parseBenchArgs<S extends Record<string, OptionSpec>>(argv: readonly string[], spec: S): BenchArgs<S> {
  const values: Record<string, unknown> = { docs: true };
  const byFlag = new Map<string, string>();
  for (const [name, option] of Object.entries(spec)) {
    byFlag.set(flagOf(name, option), name);
    values[name] = option.kind === 'path' ? undefined : option.kind === 'counts' ? [...option.default] : option.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const name = byFlag.get(flag);
    if (flag === '--no-docs') {
      values.docs = false;
    } else if (name !== undefined && i + 1 < argv.length) {
      values[name] = parseValue(flag, spec[name] as OptionSpec, argv[++i] ?? '');
    } else {
      throw new UsageError(`unknown argument ${flag}; usage: ${usage(spec)}`);
    }
  }
  return values as BenchArgs<S>;
}

let cleanup: (() => Promise<void>) | undefined;

/** What Ctrl-C (or a crash) undoes while it is set, such as dropping the run's scratch database; `undefined` clears it. */
export function cleanupOnInterrupt(undo: (() => Promise<void>) | undefined): void {
  cleanup = undo;
}

export interface BenchResult {
  /** The section for docs/benchmarks.md, starting with its `## ` heading. */
  section: string;
  /** Whether the figures meet the benchmark's bar; false sets exit status 1. */
  ok: boolean;
  /** False keeps docs/benchmarks.md as it is even without --no-docs (a profiled run, say). */
  writeDocs?: boolean;
}

export interface BenchContext {
  /** The Postgres server the benchmark makes its scratch databases on (`BENCH_DATABASE_URL`). */
  adminUrl: string;
  /** The command line as a reader re-runs it, for the section. */
  command: string;
}

/** Runs a benchmark as `npm run <script>`: parses the options, runs, prints and writes its section. */
export function runBenchmark<S extends Record<string, OptionSpec>>(benchmark: {
  script: string;
  options: S;
  run: (args: BenchArgs<S>, context: BenchContext) => Promise<BenchResult>;
}): void {
  const main = async () => {
    const argv = process.argv.slice(2);
    const args = parseBenchArgs(argv, benchmark.options);
    const adminUrl = process.env.BENCH_DATABASE_URL?.trim() || DEFAULT_ADMIN_URL;
    process.once('SIGINT', () => {
      void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
    });
    const command = [`npm run ${benchmark.script}`, ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
    const result = await benchmark.run(args, { adminUrl, command });
    console.log(`\n${result.section}`);
    if (args.docs && result.writeDocs !== false) {
      await writeDocsSection(result.section.split('\n', 1)[0] ?? '', result.section);
      console.log(`Wrote ${path.relative(process.cwd(), DOCS_FILE)}.`);
    }
    if (!result.ok) process.exitCode = 1;
  };
  main().catch((error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(1));
  });
}
