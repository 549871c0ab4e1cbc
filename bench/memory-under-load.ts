// `npm run bench:memory`: the built app under a minute of steady AI traffic (the insights chat, which needs
// no database, so only the exporter touches it) with the database reached through a proxy that delays every
// chunk. Samples the app's RSS and the exporter's figures (its `exporter stats` log line) every second, then
// lets the database speed up again and checks that the buffer drains: rows + dropped = calls. A baseline with
// no delay runs first, in the same run. Writes the figures to docs/benchmarks.md.
import { readFile, readdir } from 'node:fs/promises';
import pg from 'pg';
import { startLocalProvider } from '../lib/ai/local-provider';
import { openDatabase } from '../lib/db/database';
import { serverActionId, startApp, type AppServer } from '../harness/app-server';
import { startTcpProxy } from '../harness/tcp-proxy';
import { createPostgresDatabase } from '../harness/test-database';
import { cleanupOnInterrupt, runBenchmark, type BenchArgs, type OptionSpec } from './bench-cli';
import { loadAverage, describeEnvironment, runDetails, type Environment } from './bench-report';
import { quantile } from './call-overhead-statistics';

const SECTION = '## Memory under sustained load';
/** The exporter writes at most this many rows per statement; `buffered` includes the batch being written. */
const MAX_BATCH_ROWS = 500;
const DEFAULT_BOUND = 10_000;
const WARMUP_CALLS = 20;
const DRAIN_TIMEOUT_MS = 90_000;

interface Scenario {
  name: string;
  /** Delay per chunk, each way, while the load runs. */
  latencyMs: number;
  bound: number;
}

interface ExporterFigures {
  buffered: number;
  written: number;
  dropped: number;
  rejected: number;
  failedWrites: number;
}

interface Sample {
  /** Seconds since the load started. */
  t: number;
  rssMb: number;
  figures: ExporterFigures;
}

interface RunReport {
  scenario: Scenario;
  /** Every AI call the provider answered, the warm-up included: what must end up as rows or drops. */
  calls: number;
  /** Calls made during the timed load. */
  loadCalls: number;
  failedCalls: number;
  seconds: number;
  samples: Sample[];
  /** After the load stopped and the delay was removed. */
  final: ExporterFigures;
  rowsInDatabase: number;
  drainSeconds: number | undefined;
  load: [number, number];
}

const ZERO: ExporterFigures = { buffered: 0, written: 0, dropped: 0, rejected: 0, failedWrites: 0 };

// ---------------------------------------------------------------------------------------------------------
// The app process: RSS of its process tree, and its `exporter stats` lines.

/** RSS of `pid` and all its descendants, in MB, from /proc. */
async function treeRssMb(pid: number): Promise<number> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  let kb = 0;
  for (const p of tree) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${p}/status`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // Ended meanwhile.
    }
  }
  return kb / 1024;
}

/** Follows the app's stdout for `exporter stats` lines; `latest` is the last figures logged. */
function followExporterStats(app: AppServer): { latest(): ExporterFigures; lines(): number } {
  let latest = ZERO;
  let lines = 0;
  let partial = '';
  app.process.stdout?.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const all = text.split('\n');
    partial = all.pop() ?? '';
    for (const line of all) {
      if (!line.includes('"exporter stats"')) continue;
      try {
        const { exporter } = JSON.parse(line) as { exporter: ExporterFigures };
        latest = {
          buffered: exporter.buffered,
          written: exporter.written,
          dropped: exporter.dropped,
          rejected: exporter.rejected,
          failedWrites: exporter.failedWrites,
        };
        lines += 1;
      } catch {
        // Not a JSON line.
      }
    }
  });
  return { latest: () => latest, lines: () => lines };
}

async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ai_interaction');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------

async function runScenario(adminUrl: string, scenario: Scenario, args: Args): Promise<RunReport> {
  const undo: (() => Promise<unknown>)[] = [];
  const undoAll = async () => {
    for (const u of undo.splice(0).reverse()) await u().catch((e: unknown) => console.error(e));
  };
  // While a run holds an app, a proxy and a scratch database, Ctrl-C undoes them too.
  cleanupOnInterrupt(undoAll);
  try {
    const provider = await startLocalProvider();
    undo.push(() => provider.close());
    const created = await createPostgresDatabase(adminUrl);
    undo.push(() => created.drop());
    const db = await openDatabase({ databaseUrl: created.url });
    await db.migrate();
    await db.close();
    const target = new URL(created.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    undo.push(() => proxy.close());
    const viaProxy = new URL(created.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const app = await startApp({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: provider.url,
      DATABASE_URL: viaProxy.toString(),
      SPENDTRACE_EXPORTER: 'database',
      SPENDTRACE_BUFFER_MAX_ROWS: String(scenario.bound),
      SPENDTRACE_STATS_LOG_SECONDS: '1',
    });
    undo.push(() => app.stop());
    const stats = followExporterStats(app);
    const pid = app.process.pid;
    if (pid === undefined) throw new Error('the app has no pid');

    const actionId = serverActionId('app/actions/send-message.ts', 'sendMessage');
    let failedCalls = 0;
    const ask = async (i: number): Promise<void> => {
      try {
        const res = await fetch(`${app.url}/`, {
          method: 'POST',
          headers: { 'Next-Action': actionId, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' },
          body: JSON.stringify([`Question ${i}?`]),
        });
        // Read to the end: the answer streams, and its AI call ends with the stream.
        await res.arrayBuffer();
        if (res.status !== 200) failedCalls += 1;
      } catch {
        failedCalls += 1;
      }
    };

    let asked = 0;
    /** The steady load for `seconds`, open-loop: call k is due at start + k / rate; a late loop does not sleep. */
    const drive = async (seconds: number, started: number): Promise<void> => {
      const until = started + seconds * 1000;
      let k = 0;
      const loop = async () => {
        for (let due = started; due < until; due = started + (k * 1000) / args.rate) {
          k += 1;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
          await ask(asked++);
        }
      };
      await Promise.all(Array.from({ length: args.concurrency }, loop));
    };

    // Warm up at full database speed: the pool's connection opens, and a fresh process's heap, code caches
    // and Next.js's caches grow to their working size (about two minutes at this load), which is not a leak.
    for (let i = 0; i < WARMUP_CALLS; i++) await ask(asked++);
    if (args.warmupSeconds > 0) await drive(args.warmupSeconds, Date.now());
    const warmDeadline = Date.now() + 30_000;
    while (stats.latest().written < provider.requests.length && Date.now() < warmDeadline) await sleep(200);

    proxy.setLatency(scenario.latencyMs);
    const callsBefore = provider.requests.length;
    const loadBefore = loadAverage();
    const started = Date.now();
    const samples: Sample[] = [{ t: 0, rssMb: await treeRssMb(pid), figures: stats.latest() }];
    const sampler = (async () => {
      for (let s = 1; s <= args.seconds; s++) {
        await sleep(started + s * 1000 - Date.now());
        samples.push({ t: s, rssMb: await treeRssMb(pid), figures: stats.latest() });
      }
    })();
    await Promise.all([drive(args.seconds, started), sampler]);
    const seconds = (Date.now() - started) / 1000;
    const loadAfter = loadAverage();

    // The database speeds up again: everything held must be written, or counted as dropped.
    proxy.setLatency(0);
    const calls = provider.requests.length;
    const stopped = Date.now();
    let drainSeconds: number | undefined;
    while (Date.now() - stopped < DRAIN_TIMEOUT_MS) {
      const f = stats.latest();
      if (f.buffered === 0 && f.written + f.dropped + f.rejected >= calls) {
        drainSeconds = (Date.now() - stopped) / 1000;
        break;
      }
      await sleep(250);
    }
    const final = stats.latest();
    const rowsInDatabase = await countRows(created.url);
    return {
      scenario,
      calls,
      loadCalls: calls - callsBefore,
      failedCalls,
      seconds,
      samples,
      final,
      rowsInDatabase,
      drainSeconds,
      load: [loadBefore, loadAfter],
    };
  } finally {
    cleanupOnInterrupt(undefined);
    await undoAll();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Figures

function rssAt(samples: Sample[], t: number): number {
  const s = samples.find((x) => x.t >= t) ?? samples[samples.length - 1];
  return s?.rssMb ?? NaN;
}

/** Least-squares slope of RSS over samples from `fromT` on, in MB per minute. */
function slopeMbPerMin(samples: Sample[], fromT: number): number {
  const xs = samples.filter((s) => s.t >= fromT);
  const n = xs.length;
  if (n < 2) return NaN;
  const mt = xs.reduce((a, s) => a + s.t, 0) / n;
  const mr = xs.reduce((a, s) => a + s.rssMb, 0) / n;
  const cov = xs.reduce((a, s) => a + (s.t - mt) * (s.rssMb - mr), 0);
  const vt = xs.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return (cov / vt) * 60;
}

/** The median RSS sampled in [from, to) seconds of the load (the lower one of an even count). */
function medianRss(samples: Sample[], from: number, to: number): number {
  return quantile(
    samples.filter((x) => x.t >= from && x.t < to).map((x) => x.rssMb),
    0.5,
  );
}

/**
 * RSS is flat when the median of the load's second half is at most 5% above the first half's. Medians, not
 * peaks: a collection can leave RSS 100 MB up for a few seconds and give it back (bench:memory saw it).
 */
const FLAT_RATIO = 1.05;

function rssHalves(r: RunReport): { first: number; second: number; flat: boolean } {
  const half = r.seconds / 2;
  const first = medianRss(r.samples, 0, half);
  const second = medianRss(r.samples, half, Number.POSITIVE_INFINITY);
  return { first, second, flat: second <= first * FLAT_RATIO };
}

/** RSS every 10 s of the load, for the report. */
function rssSeries(r: RunReport): string {
  return r.samples
    .filter((x, i) => Math.round(x.t) % 10 === 0 || i === r.samples.length - 1)
    .map((x) => `${Math.round(x.t)} s ${mb(x.rssMb)}`)
    .join(', ');
}

function maxBuffered(r: RunReport): number {
  return Math.max(0, ...r.samples.map((s) => s.figures.buffered));
}

/** The bound is kept when waiting rows never exceed it; `buffered` also counts one batch being written. */
function boundKept(r: RunReport): boolean {
  return maxBuffered(r) <= r.scenario.bound + Math.min(MAX_BATCH_ROWS, r.scenario.bound);
}

function drained(r: RunReport): boolean {
  const f = r.final;
  return f.buffered === 0 && f.written + f.dropped + f.rejected === r.calls && r.rowsInDatabase === f.written;
}

const int = (n: number) => n.toLocaleString('en-US');
const mb = (n: number) => n.toFixed(1);

function table(reports: RunReport[]): string {
  const header = [
    'run',
    'DB delay (each way)',
    'bound (rows)',
    'calls',
    'calls/s (load)',
    'RSS start MB',
    'RSS median, 1st half MB',
    'RSS median, 2nd half MB',
    'RSS max MB',
    'RSS end MB',
    'slope last 40 s MB/min',
    `RSS flat (2nd-half median ≤ ${FLAT_RATIO}× 1st)`,
    'max buffered',
    'dropped',
    'failed writes',
    'rows after drain',
    'rows + dropped = calls',
  ];
  const rows = reports.map((r) => {
    const last = r.samples[r.samples.length - 1]?.t ?? 0;
    const halves = rssHalves(r);
    return [
      r.scenario.name,
      r.scenario.latencyMs === 0 ? 'none' : `${r.scenario.latencyMs} ms`,
      int(r.scenario.bound),
      int(r.calls) + (r.failedCalls > 0 ? ` (${r.failedCalls} failed)` : ''),
      (r.loadCalls / r.seconds).toFixed(1),
      mb(rssAt(r.samples, 0)),
      mb(halves.first),
      mb(halves.second),
      mb(Math.max(...r.samples.map((x) => x.rssMb))),
      mb(r.samples[r.samples.length - 1]?.rssMb ?? NaN),
      slopeMbPerMin(r.samples, last - 40).toFixed(1),
      halves.flat ? 'yes' : `**no**: +${mb(halves.second - halves.first)} MB`,
      `${int(maxBuffered(r))}${boundKept(r) ? '' : ' OVER BOUND'}`,
      int(r.final.dropped),
      int(r.final.failedWrites),
      int(r.rowsInDatabase),
      drained(r)
        ? `yes, in ${r.drainSeconds?.toFixed(1) ?? '?'} s`
        : `NO: ${int(r.final.written)} + ${int(r.final.dropped)} of ${int(r.calls)}, ${int(r.final.buffered)} buffered`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const right = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]);
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function section(env: Environment, command: string, args: Args, reports: RunReport[]): string {
  return [
    SECTION,
    '',
    `The built app (\`npm start\`) under steady AI traffic: the insights chat server action, ${args.rate} ` +
      `calls/s paced over ${args.concurrency} concurrent loops, against the local OpenAI-compatible provider. ` +
      `The chat needs no database, so only the exporter writes to it. Each run gets a fresh Postgres database ` +
      `reached through a TCP proxy, and a fresh app, warmed up with ${WARMUP_CALLS} calls and ` +
      `${args.warmupSeconds} s of the same load at full database speed (a fresh process's RSS grows for about ` +
      `two minutes at this load while its heap and caches reach their working size; \`--warmup 0\` shows it). ` +
      `Then the proxy delays every chunk in both directions by the run's delay for the measured ` +
      `${args.seconds} s of load. Every second the run samples the RSS of the app's process tree ` +
      `(\`VmRSS\` from \`/proc\`) and the exporter's figures from its \`exporter stats\` log line ` +
      `(\`SPENDTRACE_STATS_LOG_SECONDS=1\`); the slope is a least-squares fit of RSS over the last 40 s. RSS ` +
      `saw-tooths as V8 collects, so a single sample says little: RSS counts as flat when the median of the ` +
      `second half of the load is at most ${FLAT_RATIO}× the first half's. ` +
      `\`buffered\` counts the rows waiting plus the batch being written (up to ${MAX_BATCH_ROWS}), so the ` +
      `bound is kept while it stays within bound + one batch. When the load stops the delay is removed, and ` +
      `the run waits until the buffer is empty and rows written + dropped = calls made (the provider's count, ` +
      `warm-up included), and checks the rows in the database. The baseline is the same load with no delay, in ` +
      `the same run. Outside the bound: Prisma's debug module (\`@prisma/debug\`, used by the pg driver ` +
      `adapter) keeps the arguments of its last 100 debug calls, whether or not \`DEBUG\` is set, so the ` +
      `parameters of about the last 100 statements stay in memory, more the bigger the batches.`,
    '',
    ...runDetails(
      command,
      env,
      ` each run's load: ${reports
        .map((r) => `${r.scenario.name} ${r.load[0].toFixed(2)}, ${r.load[1].toFixed(2)}`)
        .join('; ')}`,
    ),
    '',
    table(reports),
    '',
    'RSS every 10 s of the load (MB):',
    '',
    ...reports.map((r) => `- ${r.scenario.name}: ${rssSeries(r)}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------

const OPTIONS = {
  seconds: { kind: 'number', default: 60, min: 1 },
  rate: { kind: 'number', default: 50, min: 1 },
  concurrency: { kind: 'number', default: 8, min: 1 },
  /** Delay of the slowed-down runs, ms each way. */
  latencyMs: { kind: 'number', default: 200, min: 1, flag: '--latency' },
  /** Delay of the stalled run, long enough for the small bound to be reached. */
  stallMs: { kind: 'number', default: 2500, min: 1, flag: '--stall' },
  /** The small bound of the stalled run. */
  smallBound: { kind: 'number', default: 200, min: 1 },
  /** Load at full database speed before the measured minute. */
  warmupSeconds: { kind: 'number', default: 120, min: 0, flag: '--warmup' },
} satisfies Record<string, OptionSpec>;

type Args = BenchArgs<typeof OPTIONS>;

runBenchmark({
  script: 'bench:memory',
  options: OPTIONS,
  run: async (args, { adminUrl, command }) => {
    const env = await describeEnvironment(adminUrl);
    console.log(`${env.machine}; Node ${env.node}; PostgreSQL ${env.postgres}`);
    const scenarios: Scenario[] = [
      { name: 'baseline', latencyMs: 0, bound: DEFAULT_BOUND },
      { name: 'slow database', latencyMs: args.latencyMs, bound: DEFAULT_BOUND },
      { name: 'stalled database, small bound', latencyMs: args.stallMs, bound: args.smallBound },
    ];
    const reports: RunReport[] = [];
    for (const scenario of scenarios) {
      console.log(`${scenario.name}: ${args.seconds} s at ${args.rate} calls/s ...`);
      const report = await runScenario(adminUrl, scenario, args);
      reports.push(report);
      console.log(table([report]));
    }
    const bad = reports.filter((r) => !boundKept(r) || !drained(r) || !rssHalves(r).flat);
    if (bad.length > 0) {
      console.log(
        `\n${bad.map((r) => r.scenario.name).join(', ')}: bound not kept, buffer not drained or RSS not flat.`,
      );
    }
    return { section: section(env, command, args, reports), ok: bad.length === 0 };
  },
});
