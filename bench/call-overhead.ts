// `npm run bench:overhead`: what instrumenting an OpenAI call costs. The same calls (chat, streamed chat,
// embeddings) against the local provider, in three configurations — the bare `openai` client, ours (the app's
// processors and a real database), and `@opentelemetry/instrumentation-openai` — each in its own process,
// interleaved round by round, and the figures written to docs/benchmarks.md.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../lib/db/database';
import { createPostgresDatabase } from '../harness/test-database';
import { budgetCheckLines, measureBudgetCheck, type BudgetCheckFigures } from './budget-check';
import { cleanupOnInterrupt, runBenchmark, type BenchArgs, type OptionSpec } from './bench-cli';
import { loadAverage, machineDescription } from './bench-report';
import type { ServersReady } from './call-overhead-servers';
import {
  medianConfidenceInterval,
  pairedDifferences,
  pairedMedianDifference,
  quantile,
} from './call-overhead-statistics';
import {
  OPERATIONS,
  PROVIDER_LATENCIES_MS,
  type Configuration,
  type FromWorker,
  type OperationName,
  type OperationRound,
  type ToWorker,
} from './call-overhead-protocol';

const DEFAULT_ROUNDS = 60;
const DEFAULT_CALLS = 100;
/** Calls per operation before the first round, so every process has compiled its hot paths. */
const WARMUPS = 200;
const SECTION = '## Per-call overhead';
/** The bar on our client and processors beyond one empty span (D − E), µs of wall time per call. */
const CLIENT_BAR_US = 30;
/** The bar on our instrumented call: at most this times the bare call's median wall time. */
const BAR_RATIO = 1.05;
/** The part with provider latency: these configurations, rounds, and calls per operation and round. */
const LATENCY_CONFIGURATIONS: Configuration[] = ['bare', 'spendtrace', 'contrib'];
const LATENCY_ROUNDS = 10;
const LATENCY_CALLS = 20;
const LATENCY_WARMUPS = 5;

const CONFIGURATIONS: Configuration[] = [
  'bare',
  'spendtrace',
  'contrib',
  'spendtrace-no-export',
  'otel-floor',
  'spendtrace-otlp',
  'otel-floor-attributes',
];
const LABELS: Record<Configuration, string> = {
  bare: 'A. bare `openai`',
  spendtrace: 'B. Spendtrace (`createAIClient`)',
  contrib: 'C. `@opentelemetry/instrumentation-openai`',
  'spendtrace-no-export': 'D. B with a no-op exporter (diagnostic)',
  'otel-floor': 'E. one empty span per call (diagnostic)',
  'spendtrace-otlp': 'F. B exporting OTLP as C does (`SPENDTRACE_EXPORTER=otlp`)',
  'otel-floor-attributes': "G. E's span carrying our span's attributes (diagnostic)",
};

// ---------------------------------------------------------------------------------------------------------
// Child processes.

interface Child {
  process: ChildProcess;
  /** The next message from the child. */
  next(): Promise<FromWorker | ServersReady>;
}

/**
 * Whether the provider (with the OTLP receiver) runs on CPU 1 and every measured process on CPU 0: on a machine of
 * two or more CPUs with `taskset`. The provider then never takes the measured process's core, as a real provider
 * runs on another machine, and no process moves between cores mid-call; the intervals over rounds are about half
 * as wide (2026-12-05). `BENCH_PIN=0` turns it off.
 */
const PINNED = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && canPin();

const PINNED_TEXT =
  'The provider and the receiver run on CPU 1 and each measured process on CPU 0 (`taskset`, every thread), as a ' +
  "real provider runs on another machine; Postgres, B's database, is not pinned.";
const NOT_PINNED_TEXT = 'No process is pinned to a CPU (`BENCH_PIN=0`, one CPU, or no `taskset`).';

function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Keeps every thread of process `pid` (and those it starts later) on CPU `cpu`. */
function pin(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

function start(file: string, args: string[], env: Record<string, string>, execArgv: string[] = []): Child {
  const child = fork(path.resolve('bench', file), args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (PINNED && child.pid !== undefined) pin(child.pid, file === 'call-overhead-servers.ts' ? 1 : 0);
  const queue: (FromWorker | ServersReady)[] = [];
  const waiting: { resolve: (m: FromWorker | ServersReady) => void; reject: (e: Error) => void }[] = [];
  child.on('message', (message: FromWorker | ServersReady) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message);
    else queue.push(message);
  });
  child.on('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${file} ${args.join(' ')} exited with ${code}`));
  });
  return {
    process: child,
    next() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (child.exitCode !== null) return Promise.reject(new Error(`${file} exited with ${child.exitCode}`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

async function expect<M extends FromWorker | ServersReady, T extends M['type']>(
  child: Child,
  type: T,
): Promise<Extract<M, { type: T }>> {
  const message = await child.next();
  if (message.type !== type) throw new Error(`expected ${type} from a child, got ${message.type}`);
  return message as Extract<M, { type: T }>;
}

function tell(child: Child, message: ToWorker): void {
  child.process.send(message);
}

/** Stops a child and waits for it; the children exit when the IPC channel closes. */
async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.disconnect();
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------------------
// Figures.

interface Figures {
  p50Ms: number;
  p95Ms: number;
  cpuUsPerCall: number;
  calls: number;
  /** Median over rounds of (this round's median − the bare client's median in the same round), µs. */
  addedWallUs: number;
  /** The quartiles of those per-round differences, µs: how much the load moved them. */
  addedWallQuartilesUs: [number, number];
  /** The same, for CPU time per call, µs. */
  addedCpuUs: number;
}

/** Ours minus the contrib instrumentation's, paired by round: the median and its 95% confidence interval, µs. */
interface Comparison {
  wallUs: number;
  wallCiUs: [number, number];
  cpuUs: number;
  cpuCiUs: [number, number];
}

/** One operation at one provider latency: B's and C's added wall time over A's, and the ratios. */
interface LatencyFigures {
  latencyMs: number;
  operation: OperationName;
  bareP50Ms: number;
  oursAddedUs: number;
  contribAddedUs: number;
  rounds: number;
  calls: number;
}

const median = (r: OperationRound) => quantile(r.wallMs, 0.5) * 1000;
const cpuPerCall = (r: OperationRound) => r.cpuUs / r.wallMs.length;

function comparison(ours: OperationRound[], contrib: OperationRound[]): Comparison {
  const wall = pairedDifferences(ours, contrib, median);
  const cpu = pairedDifferences(ours, contrib, cpuPerCall);
  return {
    wallUs: quantile(wall, 0.5),
    wallCiUs: medianConfidenceInterval(wall),
    cpuUs: quantile(cpu, 0.5),
    cpuCiUs: medianConfidenceInterval(cpu),
  };
}

function figures(rounds: OperationRound[], bare: OperationRound[]): Figures {
  const wall = rounds.flatMap((r) => r.wallMs);
  const cpu = rounds.reduce((sum, r) => sum + r.cpuUs, 0);
  const wallDifferences = pairedDifferences(rounds, bare, median);
  return {
    p50Ms: quantile(wall, 0.5),
    p95Ms: quantile(wall, 0.95),
    cpuUsPerCall: cpu / wall.length,
    calls: wall.length,
    addedWallUs: quantile(wallDifferences, 0.5),
    addedWallQuartilesUs: [quantile(wallDifferences, 0.25), quantile(wallDifferences, 0.75)],
    addedCpuUs: pairedMedianDifference(rounds, bare, cpuPerCall),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The run.

interface Run {
  rounds: number;
  calls: number;
  results: Record<Configuration, Record<OperationName, Figures>>;
  /** B − C and F − C. */
  oursVsContrib: Record<OperationName, Comparison>;
  otlpVsContrib: Record<OperationName, Comparison>;
  /** D − E: our client and processors beyond one empty span. */
  clientVsFloor: Record<OperationName, Comparison>;
  /** Whether the provider and the measured processes ran on CPUs of their own (`PINNED`). */
  pinned: boolean;
  /** G − E: what our span's attributes cost the SDK; D − G: our client and processors beyond them. */
  attributesVsFloor: Record<OperationName, Comparison>;
  clientVsAttributes: Record<OperationName, Comparison>;
  latency: LatencyFigures[];
  checks: string[];
  versions: Record<string, string>;
  load: [number, number];
  seconds: number;
}

const OPTIONS = {
  rounds: { kind: 'count', default: DEFAULT_ROUNDS },
  calls: { kind: 'count', default: DEFAULT_CALLS },
  /** Write a V8 CPU profile of each measured process to this directory (and leave the docs as they are). */
  profileDir: { kind: 'path', flag: '--profile' },
} satisfies Record<string, OptionSpec>;

type Args = BenchArgs<typeof OPTIONS>;

async function bench(adminUrl: string, args: Args): Promise<Run> {
  const started = Date.now();
  const scratch = await createPostgresDatabase(adminUrl);
  cleanupOnInterrupt(() => scratch.drop());
  const children: Child[] = [];
  try {
    const database = await openDatabase({ databaseUrl: scratch.url });
    await database.migrate();
    await database.close();

    const servers = start('call-overhead-servers.ts', [], {});
    children.push(servers);
    const { providerUrls, otlpUrl } = await expect<ServersReady, 'ready'>(servers, 'ready');
    console.log(
      `providers ${Object.values(providerUrls).join(', ')}, OTLP receiver ${otlpUrl}, ` +
        `database ${new URL(scratch.url).pathname}`,
    );

    const env = {
      BENCH_PROVIDER_URLS: JSON.stringify(providerUrls),
      BENCH_OTLP_URL: otlpUrl,
      DATABASE_URL: scratch.url,
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    };
    const profile = args.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${args.profileDir}`] : [];
    const workers = {} as Record<Configuration, Child>;
    let versions: Record<string, string> = {};
    for (const configuration of CONFIGURATIONS) {
      const worker = start('call-overhead-worker.ts', [configuration], env, profile);
      children.push(worker);
      workers[configuration] = worker;
      versions = (await expect<FromWorker, 'ready'>(worker, 'ready')).versions;
    }

    /** `count` rounds of `calls` calls per operation, the configurations' order rotated every round. */
    async function measure(
      configurations: Configuration[],
      count: number,
      calls: number,
      warmups: number,
      latencyMs: number,
    ): Promise<Record<Configuration, Record<OperationName, OperationRound[]>>> {
      const rounds = Object.fromEntries(
        configurations.map((c) => [c, Object.fromEntries(OPERATIONS.map((o) => [o, [] as OperationRound[]]))]),
      ) as Record<Configuration, Record<OperationName, OperationRound[]>>;
      for (let r = 0; r < count; r++) {
        // Rotate the order (ABC, BCA, CAB, ...) so no configuration always follows the same one.
        const order = configurations.map((_, i) => configurations[(i + r) % configurations.length] as Configuration);
        for (const configuration of order) {
          tell(workers[configuration], { type: 'round', warmups: r === 0 ? warmups : 0, calls, latencyMs });
          const { results } = await expect<FromWorker, 'round'>(workers[configuration], 'round');
          for (const operation of OPERATIONS) rounds[configuration][operation].push(results[operation]);
        }
        process.stdout.write(`\r  ${latencyMs} ms provider latency: round ${r + 1} / ${count}`);
      }
      process.stdout.write('\n');
      return rounds;
    }

    const loadBefore = loadAverage();
    const rounds = await measure(CONFIGURATIONS, args.rounds, args.calls, WARMUPS, 0);
    const load: [number, number] = [loadBefore, loadAverage()];

    const latency: LatencyFigures[] = [];
    for (const latencyMs of PROVIDER_LATENCIES_MS) {
      const slow = await measure(LATENCY_CONFIGURATIONS, LATENCY_ROUNDS, LATENCY_CALLS, LATENCY_WARMUPS, latencyMs);
      for (const operation of OPERATIONS) {
        const bare = slow.bare[operation];
        latency.push({
          latencyMs,
          operation,
          bareP50Ms: quantile(
            bare.flatMap((r) => r.wallMs),
            0.5,
          ),
          oursAddedUs: pairedMedianDifference(slow.spendtrace[operation], bare, median),
          contribAddedUs: pairedMedianDifference(slow.contrib[operation], bare, median),
          rounds: LATENCY_ROUNDS,
          calls: LATENCY_CALLS,
        });
      }
    }

    // Without this the comparison would be meaningless: each instrumented call must have been recorded.
    const checks: string[] = [];
    for (const configuration of CONFIGURATIONS.filter((c) => c !== 'bare')) {
      tell(workers[configuration], { type: 'finish' });
      const finished = await expect<FromWorker, 'finished'>(workers[configuration], 'finished');
      const ok = finished.recorded === finished.calls;
      checks.push(
        `${LABELS[configuration]}: ${finished.recorded} ${finished.what} for ${finished.calls} calls` +
          (ok ? '' : ' — MISMATCH'),
      );
      if (!ok) throw new Error(`${configuration} recorded ${finished.recorded} of ${finished.calls} calls`);
    }

    const results = {} as Run['results'];
    for (const configuration of CONFIGURATIONS) {
      results[configuration] = {} as Record<OperationName, Figures>;
      for (const operation of OPERATIONS) {
        results[configuration][operation] = figures(rounds[configuration][operation], rounds.bare[operation]);
      }
    }
    /** `a` − `b` paired by round, for each operation. */
    const paired = (a: Configuration, b: Configuration) =>
      Object.fromEntries(OPERATIONS.map((o) => [o, comparison(rounds[a][o], rounds[b][o])])) as Record<
        OperationName,
        Comparison
      >;
    return {
      rounds: args.rounds,
      calls: args.calls,
      results,
      oursVsContrib: paired('spendtrace', 'contrib'),
      otlpVsContrib: paired('spendtrace-otlp', 'contrib'),
      clientVsFloor: paired('spendtrace-no-export', 'otel-floor'),
      pinned: PINNED,
      attributesVsFloor: paired('otel-floor-attributes', 'otel-floor'),
      clientVsAttributes: paired('spendtrace-no-export', 'otel-floor-attributes'),
      latency,
      checks,
      versions,
      load,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const child of children.reverse()) await stop(child);
    await scratch.drop();
    cleanupOnInterrupt(undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report.

/** The ratio of a call with `addedUs` to the bare call's median: (bare p50 + added) / bare p50. */
function ratio(bareP50Ms: number, addedUs: number): number {
  return (bareP50Ms * 1000 + addedUs) / (bareP50Ms * 1000);
}

function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}

function fmtUs(us: number): string {
  return Math.round(us).toLocaleString('en-US');
}

function signed(us: number): string {
  return `${us >= 0 ? '+' : '−'}${fmtUs(Math.abs(us))}`;
}

function interval([low, high]: [number, number]): string {
  return Number.isNaN(low) ? 'too few rounds for an interval' : `95% CI ${signed(low)} … ${signed(high)}`;
}

/** The verdict on "our added time is no more than the contrib instrumentation's", from the paired rounds. */
function addedTimeVerdict(c: Comparison): string {
  if (Number.isNaN(c.wallCiUs[0])) {
    return `${c.wallUs <= 0 ? 'met' : '**missed**'} by the median alone (too few rounds to tell it from noise)`;
  }
  if (c.wallCiUs[1] <= 0) return 'met';
  if (c.wallUs <= 0) return 'met (the difference is within the noise)';
  if (c.wallCiUs[0] <= 0) return '**not shown**: ours is slower by the median, but the interval includes 0';
  return '**missed**';
}

/** D − E against its bar: met only when the whole interval is under it. */
function clientBarVerdict(c: Comparison): string {
  if (Number.isNaN(c.wallCiUs[0])) {
    return `${c.wallUs <= CLIENT_BAR_US ? 'met' : '**missed**'} by the median alone (too few rounds to tell it from noise)`;
  }
  if (c.wallCiUs[1] <= CLIENT_BAR_US) return 'met';
  if (c.wallCiUs[0] <= CLIENT_BAR_US) return '**not shown**: the interval includes the bar';
  return '**missed**';
}

function table(run: Run): string {
  const lines = [
    '| configuration | operation | wall p50 ms | wall p95 ms | CPU µs/call | added wall p50 µs (quartiles over rounds) | added CPU µs/call | p50 ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const configuration of CONFIGURATIONS) {
    for (const [i, operation] of OPERATIONS.entries()) {
      const f = run.results[configuration][operation];
      const bare = run.results.bare[operation];
      const isBare = configuration === 'bare';
      lines.push(
        `| ${i === 0 ? LABELS[configuration] : ''} | ${operation} | ${fmtMs(f.p50Ms)} | ${fmtMs(f.p95Ms)} | ` +
          `${fmtUs(f.cpuUsPerCall)} | ` +
          `${isBare ? '' : `${signed(f.addedWallUs)} (${signed(f.addedWallQuartilesUs[0])} … ${signed(f.addedWallQuartilesUs[1])})`} | ` +
          `${isBare ? '' : signed(f.addedCpuUs)} | ` +
          `${isBare ? '1' : ratio(bare.p50Ms, f.addedWallUs).toFixed(3)} |`,
      );
    }
  }
  return lines.join('\n');
}

function verdictLines(run: Run): string[] {
  const line = (label: string, c: Comparison) =>
    `${label}, per round: wall ${signed(c.wallUs)} µs (${interval(c.wallCiUs)}), CPU ${signed(c.cpuUs)} µs ` +
    `(${interval(c.cpuCiUs)}) — ${addedTimeVerdict(c)}`;
  return OPERATIONS.map((operation) => {
    const bare = run.results.bare[operation];
    const ours = ratio(bare.p50Ms, run.results.spendtrace[operation].addedWallUs);
    return (
      `- ${operation}: ${line('B − C (ours writing rows in-process)', run.oursVsContrib[operation])}; ` +
      `${line('F − C (ours exporting as C does)', run.otlpVsContrib[operation])}; ` +
      `B takes ${ours.toFixed(3)}× the bare call — ${ours <= BAR_RATIO ? 'met' : '**missed**'}.`
    );
  });
}

/** What the diagnostics say about B's cost, and how many of the bare call's microseconds the ratio bar allows. */
function analysis(run: Run): string[] {
  const r = run.results;
  const perOperation = (f: (operation: OperationName) => string) => OPERATIONS.map(f).join('; ');
  return [
    `Where B's added time goes (wall, µs; chat, streamed chat, embeddings): one empty span (E) ` +
      `${perOperation((o) => signed(r['otel-floor'][o].addedWallUs))}; our client and processors beyond it (D − E) ` +
      `${perOperation((o) => signed(r['spendtrace-no-export'][o].addedWallUs - r['otel-floor'][o].addedWallUs))}; ` +
      `the database export (B − D) ` +
      `${perOperation((o) => signed(r.spendtrace[o].addedWallUs - r['spendtrace-no-export'][o].addedWallUs))}. ` +
      `CPU per call added by B ${perOperation((o) => signed(r.spendtrace[o].addedCpuUs))}, by C ` +
      `${perOperation((o) => signed(r.contrib[o].addedCpuUs))}, by E ${perOperation((o) => signed(r['otel-floor'][o].addedCpuUs))}.`,
    '',
    `D − E paired by round (wall, µs, 95% CI), against the bar of ${CLIENT_BAR_US} µs: ` +
      perOperation((o) => {
        const c = run.clientVsFloor[o];
        return `${o} ${signed(c.wallUs)} (${interval(c.wallCiUs)}) — ${clientBarVerdict(c)}`;
      }) +
      '.',
    '',
    `D − E split by G (wall, µs, paired by round, 95% CI): recording our span's attributes in the SDK (G − E) ` +
      perOperation(
        (o) => `${o} ${signed(run.attributesVsFloor[o].wallUs)} (${interval(run.attributesVsFloor[o].wallCiUs)})`,
      ) +
      `; our client and processors beyond them (D − G) ` +
      perOperation(
        (o) => `${o} ${signed(run.clientVsAttributes[o].wallUs)} (${interval(run.clientVsAttributes[o].wallCiUs)})`,
      ) +
      '.',
    '',
    `On loopback the ${BAR_RATIO}× bar allows ${perOperation((o) => `${fmtUs(r.bare[o].p50Ms * 1000 * (BAR_RATIO - 1))} µs`)}: ` +
      `less than one empty span adds (E), so no OpenTelemetry instrumentation of a call meets it there, ` +
      `the contrib one included.`,
  ];
}

function latencyTable(run: Run): string {
  const lines = [
    '| provider latency | operation | bare p50 ms | B added µs | B ratio | C added µs | C ratio | bar (B ≤ 1.05×) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const f of run.latency) {
    const ours = ratio(f.bareP50Ms, f.oursAddedUs);
    const theirs = ratio(f.bareP50Ms, f.contribAddedUs);
    lines.push(
      `| ${f.latencyMs} ms | ${f.operation} | ${fmtMs(f.bareP50Ms)} | ${signed(f.oursAddedUs)} | ${ours.toFixed(3)} | ` +
        `${signed(f.contribAddedUs)} | ${theirs.toFixed(3)} | ${ours <= BAR_RATIO ? 'met' : '**missed**'} |`,
    );
  }
  return lines.join('\n');
}

function section(run: Run, budgetCheck: BudgetCheckFigures, command: string): string {
  const v = run.versions;
  return [
    SECTION,
    '',
    `What instrumenting an OpenAI call costs the caller. The same calls — chat (\`gpt-4o-mini\`, non-streamed), ` +
      `streamed chat (\`stream_options.include_usage\` set in every configuration, so the wire is the same) and ` +
      `embeddings (\`text-embedding-3-small\`) — go to the local OpenAI-compatible provider (\`startLocalProvider()\`, ` +
      `no added latency, so the overhead is as large a share of the call as it can be) on loopback. The provider ` +
      `runs in a process of its own, so its CPU is not counted, and so does each configuration: ` +
      `**A** the bare \`openai\` client; ` +
      `**B** the app's client (\`createAIClient\`) under \`registerNodeTelemetry()\`, as the app's jobs run it — ` +
      `NodeSDK, \`SourceSpanProcessor\`, \`CostSpanProcessor\`, \`LedgerSpanProcessor\` → \`InteractionExporter\` ` +
      `writing rows to a scratch Postgres database — each call inside its own \`withAISource('job:bench', …)\`; ` +
      `**C** \`@opentelemetry/instrumentation-openai\` registered through NodeSDK's \`instrumentations\`, with a ` +
      `\`BatchSpanProcessor\` → the OTLP/protobuf exporter (\`@opentelemetry/exporter-trace-otlp-proto\`) sending ` +
      `to a loopback receiver that accepts and discards (in the provider's process): the export a contrib user ` +
      `runs, with serialisation and HTTP in the measured process as B has its mapping and SQL. Three diagnostics ` +
      `split B's cost: **D** is B with the database export replaced by a no-op exporter, **E** wraps the bare call ` +
      `in one empty active span under NodeSDK with a no-op exporter — the least any OpenTelemetry instrumentation ` +
      `of a call costs — and **G** is E's span given the attributes D's span carries, with the same values, those known ` +
      `before the call at its start and the rest just before its end, as our client gives them: what recording ` +
      `them costs the SDK, so D − G is our code's own work. **F** is B exporting as C does, as the app runs with \`SPENDTRACE_EXPORTER=otlp\` behind the ` +
      `collector sink: the same client and processors, then a \`BatchSpanProcessor\` → the same OTLP/protobuf ` +
      `exporter to the same receiver; the rows are the sink's work, in another process. All load the CommonJS build of \`openai\` after their telemetry starts (C patches it on ` +
      `load). ${run.pinned ? PINNED_TEXT : NOT_PINNED_TEXT} Every process first makes ${WARMUPS} warm-up calls per ` +
      `operation; then ${run.rounds} rounds, each ` +
      `running every configuration one after another (order rotated every round) with ${run.calls} sequential calls ` +
      `per operation. Wall time is measured around each call; CPU time (\`process.cpuUsage()\`, user + system, all ` +
      `threads) over each loop including the flush of its spans to the exporter, divided by the calls; the ` +
      `database's and the receiver's own work runs in other processes and is not counted. "Added" is the median, ` +
      `over rounds, of the configuration's figure minus the bare client's in the same round (so load that changes ` +
      `during the run cancels); the ratio is (bare p50 + added) / bare p50. B and F are compared with C the same ` +
      `way: per round, B's (or F's) median minus C's, with a distribution-free 95% confidence interval for the median of ` +
      `those differences (binomial order statistics), so a verdict says whether the difference is larger than ` +
      `the noise. Then A, B and C run again against the same provider adding ${PROVIDER_LATENCIES_MS.join(' and ')} ` +
      `ms to each answer (${LATENCY_ROUNDS} rounds of ${LATENCY_CALLS} calls per operation each): the ratio bar ` +
      `measured at the latency of a real provider's fastest answers. The run checks that B wrote one priced ` +
      `row per call (warm-ups and the latency part included), and that C, D, E, F and G exported one span per call.`,
    '',
    `- Command: \`${command}\``,
    `- Machine: ${machineDescription()}`,
    `- Node ${process.version}; openai ${v.openai ?? '?'}, @opentelemetry/sdk-trace-base ` +
      `${v['@opentelemetry/sdk-trace-base'] ?? '?'}, @opentelemetry/instrumentation-openai ` +
      `${v['@opentelemetry/instrumentation-openai'] ?? '?'} (the newest release on the @opentelemetry 0.223 line ` +
      `this app uses)`,
    `- Date: ${new Date().toISOString().slice(0, 10)}; ${Math.round(run.seconds)} s; load average (1 min) ` +
      `before and after the rounds: ${run.load[0].toFixed(2)}, ${run.load[1].toFixed(2)} (2 cores shared with ` +
      `other work; interleaving spreads load over all configurations)`,
    '',
    table(run),
    '',
    "Bars: our added time per call is no more than the contrib instrumentation's; our call takes at most " +
      `${BAR_RATIO}× the bare call's wall time (medians).`,
    '',
    ...verdictLines(run),
    '',
    ...analysis(run),
    '',
    ...budgetCheckLines(budgetCheck),
    '',
    `With the provider adding latency (median over rounds of the paired differences, as above):`,
    '',
    latencyTable(run),
    '',
    'Checks:',
    '',
    ...run.checks.map((c) => `- ${c}`),
  ].join('\n');
}

runBenchmark({
  script: 'bench:overhead',
  options: OPTIONS,
  run: async (args, { adminUrl, command }) => {
    console.log(`${machineDescription()}; Node ${process.version}`);
    const run = await bench(adminUrl, args);
    const budgetCheck = await measureBudgetCheck();
    console.log(budgetCheckLines(budgetCheck).join('\n'));
    return {
      section: section(run, budgetCheck, command),
      ok: budgetCheck.addedNs <= 2000,
      writeDocs: args.profileDir === undefined,
    };
  },
});
