// What every benchmark writes beside its figures: the machine, the versions, and its own section of
// docs/benchmarks.md, replaced in place so the other benchmarks' sections stay as they are.
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as prettier from 'prettier';

export const DOCS_FILE = path.resolve('docs/benchmarks.md');

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface Environment {
  machine: string;
  node: string;
  postgres: string;
  /** The server settings asked for, as `name=value, …`; empty when none were. */
  settings: string;
}

/** CPU model and count, and RAM, as every section states them. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
}

/** The machine, Node, the Postgres server's version and the `settings` a benchmark's figures depend on. */
export async function describeEnvironment(adminUrl: string, settings: readonly string[] = []): Promise<Environment> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const show = async (name: string) =>
      (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?';
    const shown: string[] = [];
    for (const name of settings) shown.push(`${name}=${await show(name)}`);
    return {
      machine: machineDescription(),
      node: process.version,
      postgres: await show('server_version'),
      settings: shown.join(', '),
    };
  } finally {
    await client.end();
  }
}

/**
 * The lines under a section's introduction that say how to re-run it and where it ran: the command, the
 * machine, Node and Postgres (with `env.settings` when there are any), the date and the load average.
 */
export function runDetails(command: string, env: Environment, load?: string): string[] {
  return [
    `- Command: \`${command}\``,
    `- Machine: ${env.machine}`,
    `- Node ${env.node}, PostgreSQL ${env.postgres}${env.settings ? ` (${env.settings})` : ''}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    ...(load === undefined ? [] : [`- Load average (1 min) before and after${load}`]),
  ];
}

/** `: 0.52, 0.61`, the load average before and after a run, for `runDetails`. */
export function loadBeforeAfter(load: readonly [number, number]): string {
  return `: ${load[0].toFixed(2)}, ${load[1].toFixed(2)}`;
}

/** The 1-minute load average: other work on the machine skews the figures. */
export function loadAverage(): number {
  return os.loadavg()[0] ?? NaN;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A markdown table from a header row and body rows; `right` marks the columns aligned right. */
export function markdownTable(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (right.has(i) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/**
 * Writes `text` (which starts with the `heading` line) into docs/benchmarks.md (or `file`), replacing only the
 * section under that heading when there is one, else appending it; then formats the file as `npm run lint`
 * checks it (Prettier, with the project's config), so a benchmark run leaves the lint passing.
 */
export async function writeDocsSection(heading: string, text: string, file = DOCS_FILE): Promise<void> {
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let next: string;
  if (existing === undefined) {
    next = `# Benchmarks\n\nLatest figures of the benchmarks under \`bench/\`, each with the command that produced them.\n\n${text}`;
  } else {
    const start = existing.indexOf(`${heading}\n`);
    if (start < 0) {
      next = `${existing.trimEnd()}\n\n${text}`;
    } else {
      const after = existing.slice(start + heading.length).search(/^## /m);
      const end = after < 0 ? existing.length : start + heading.length + after;
      next = `${existing.slice(0, start)}${text.trimEnd()}\n\n${existing.slice(end)}`;
    }
  }
  const options = await prettier.resolveConfig(file);
  await writeFile(file, await prettier.format(`${next.trimEnd()}\n`, { ...options, filepath: file }));
}
