// `npm run bench:sink`: spans per second through the collector sink (`npm run collector`, its own process),
// end to end into Postgres, for gzipped protobuf OTLP requests of 512 spans (most HTTP and database spans,
// some GenAI calls with usage), sent by concurrent clients; against a node:http server that only reads and
// drops the same bodies, with the same client and concurrency, interleaved in the same run. Reports the
// sink's CPU and resident memory through the run, and checks the rows written. Bar: 20,000 spans/s, flat RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type IdGenerator,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { openDatabase } from '../lib/db/database';
import { startSink, type SinkProcess } from '../harness/sink-process';
import { createPostgresDatabase } from '../harness/test-database';
import { cleanupOnInterrupt, runBenchmark, type BenchArgs, type OptionSpec } from './bench-cli';
import {
  describeEnvironment,
  loadBeforeAfter,
  runDetails,
  fmtInt,
  loadAverage,
  markdownTable,
  type Environment,
} from './bench-report';
import { generateTrace, seededRandom, type TrafficSpan } from './realistic-traffic';

const SECTION = '## Sink ingest';
const SPANS_PER_REQUEST = 512;
const SPANS_PER_TRACE = 8;
/** Distinct request shapes; every request sent is one of them with its own trace ids. */
const TEMPLATES = 16;
const BAR_SPANS_PER_SECOND = 20_000;
const WARMUP_SECONDS = 3;
/** Trace ids start with this, then 4 bytes the bench rewrites per request, so each request is new spans. */
const MARKER = 'b3b3b3b3';
const CLOCK_TICKS = 100;

// ---------------------------------------------------------------------------------------------------------
// Requests: OTLP protobuf from the official serializer, finished by a real tracer provider.

interface Template {
  body: Buffer;
  /** Where each trace id's 4 per-request bytes are in `body`. */
  idOffsets: number[];
  aiSpans: number;
}

function buildTemplate(index: number): Template {
  const random = seededRandom(1000 + index);
  let traces = 0;
  let spans = 0;
  const ids: IdGenerator = {
    generateTraceId: () => `${MARKER}00000000${(index * 1_000_000 + ++traces).toString(16).padStart(16, '0')}`,
    generateSpanId: () => (++spans).toString(16).padStart(16, '0'),
  };
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': index % 2 ? 'lead-service' : 'spendtrace-app' }),
    idGenerator: ids,
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('bench');
  const start = Date.now() - 3_600_000;
  let aiSpans = 0;
  for (let t = 0; t < SPANS_PER_REQUEST / SPANS_PER_TRACE; t++) {
    const generated = generateTrace(random, SPANS_PER_TRACE, random() < 0.25 ? 2 : 1);
    const traceStart = start + t * 50;
    const [rootSpec, ...children] = generated;
    if (!rootSpec) continue;
    const root = tracer.startSpan(rootSpec.name, {
      kind: SpanKind.SERVER,
      attributes: rootSpec.attributes,
      startTime: traceStart,
    });
    const context = trace.setSpan(ROOT_CONTEXT, root);
    for (const spec of children) {
      const span = tracer.startSpan(
        spec.name,
        { kind: kindOf(spec), attributes: spec.attributes, startTime: traceStart + spec.offsetMs },
        context,
      );
      if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(traceStart + spec.offsetMs + spec.durationMs);
      if (spec.ai) aiSpans++;
    }
    root.end(traceStart + rootSpec.durationMs);
  }
  const finished = memory.getFinishedSpans();
  if (finished.length !== SPANS_PER_REQUEST) throw new Error(`template ${index}: ${finished.length} spans`);
  const serialized = ProtobufTraceSerializer.serializeRequest(finished);
  if (!serialized) throw new Error('the serializer returned no body');
  const body = Buffer.from(serialized);
  // Span.trace_id is field 1, 16 bytes: 0x0a 0x10, then the id. The marker is checked where it is found.
  const marker = Buffer.from(MARKER, 'hex');
  const idOffsets: number[] = [];
  for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + 1)) {
    if (body[at - 2] === 0x0a && body[at - 1] === 0x10) idOffsets.push(at + marker.length);
  }
  if (idOffsets.length !== SPANS_PER_REQUEST) throw new Error(`template ${index}: ${idOffsets.length} trace ids`);
  return { body, idOffsets, aiSpans };
}

function kindOf(span: TrafficSpan): SpanKind {
  return span.kind === 'server' ? SpanKind.SERVER : span.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
}

interface Request {
  gzipped: Buffer;
  aiSpans: number;
}

/** Request `n`: template n mod 16 with n in every trace id, gzipped as an OTLP exporter sends it. */
function requestOf(templates: Template[], n: number): Request {
  const template = templates[n % templates.length];
  if (!template) throw new Error('no templates');
  const body = Buffer.from(template.body);
  for (const offset of template.idOffsets) body.writeUInt32BE(n, offset);
  return { gzipped: gzipSync(body), aiSpans: template.aiSpans };
}

// ---------------------------------------------------------------------------------------------------------
// The client: `concurrency` requests in flight on keep-alive connections until the time is up.

interface LoadResult {
  seconds: number;
  requests: number;
  errors: Map<number | string, number>;
  /** Requests answered 200, by index into the pool (the sink's rows are checked against these). */
  accepted: number[];
  clientCpuSeconds: number;
}

function post(agent: http.Agent, url: URL, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
          'content-length': String(body.length),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function load(
  url: string,
  token: string,
  pool: Request[],
  next: () => number,
  seconds: number,
  concurrency: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const errors = new Map<number | string, number>();
  const accepted: number[] = [];
  let requests = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = next();
      const request = pool[n % pool.length];
      if (!request) throw new Error('empty pool');
      let status: number | string;
      try {
        status = await post(agent, target, token, request.gzipped);
      } catch (error) {
        status = (error as NodeJS.ErrnoException).code ?? 'error';
      }
      requests++;
      if (status === 200) accepted.push(n);
      else errors.set(status, (errors.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return { seconds: elapsed, requests, errors, accepted, clientCpuSeconds: (used.user + used.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------------------------
// What /proc says about a process and the machine.

function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------------------------------------------------
// The two servers.

interface Target {
  name: 'sink' | 'baseline';
  url: string;
  token: string;
  pid: number;
  stop(): Promise<unknown>;
}

async function startBaseline(): Promise<Target> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.resolve('bench/discard-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the baseline server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    name: 'baseline',
    url: `http://127.0.0.1:${port}/v1/traces`,
    token: 'unused',
    pid: child.pid ?? -1,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Asks the sink for its CPU profile (bench/cpu-profile-hook.mjs) and waits until it is written. */
async function collectProfile(pid: number, dir: string): Promise<void> {
  const file = path.resolve(dir, `${pid}.cpuprofile`);
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      JSON.parse(readFileSync(file, 'utf8'));
      console.log(`  the sink's CPU profile: ${file}`);
      return;
    } catch {
      // Not written yet, or not all of it.
    }
  }
  console.log(`  no CPU profile from the sink in ${file}`);
}

function sinkTarget(sink: SinkProcess): Target {
  return { name: 'sink', url: sink.tracesUrl, token: sink.token, pid: sink.pid, stop: () => sink.stop() };
}

// ---------------------------------------------------------------------------------------------------------
// A run: warm-ups, then rounds of baseline and sink phases in alternating order.

interface Phase {
  target: Target['name'];
  round: number;
  load: LoadResult;
  spans: number;
  serverCpuSeconds: number;
  machineBusy: number;
  rss: RssSample[];
}

interface RssSample {
  /** Seconds since the sink started its load. */
  at: number;
  bytes: number;
}

const OPTIONS = {
  concurrency: { kind: 'count', default: 8 },
  sinkSeconds: { kind: 'count', default: 60 },
  baselineSeconds: { kind: 'count', default: 30 },
  rounds: { kind: 'count', default: 3 },
  /** Where the sink writes a CPU profile (node --cpu-prof) when it stops; none unless given. */
  profileDir: { kind: 'path', flag: '--profile-sink' },
} satisfies Record<string, OptionSpec>;

type Options = BenchArgs<typeof OPTIONS>;

async function runPhase(
  target: Target,
  round: number,
  pool: Request[],
  next: () => number,
  seconds: number,
  concurrency: number,
  sinkStart: number,
): Promise<Phase> {
  const cpuBefore = cpuSecondsOf(target.pid);
  const machineBefore = machineJiffies();
  const rss: Phase['rss'] = [];
  const sample = () => {
    rss.push({ at: (performance.now() - sinkStart) / 1000, bytes: rssOf(target.pid) });
  };
  sample();
  const timer = setInterval(sample, 1000);
  const result = await load(target.url, target.token, pool, next, seconds, concurrency);
  clearInterval(timer);
  sample();
  const machineAfter = machineJiffies();
  return {
    target: target.name,
    round,
    load: result,
    spans: result.accepted.length * SPANS_PER_REQUEST,
    serverCpuSeconds: cpuSecondsOf(target.pid) - cpuBefore,
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    rss,
  };
}

interface Report {
  options: Options;
  templates: { rawBytes: number; gzippedBytes: number; aiSpans: number }[];
  phases: Phase[];
  rows: { expected: number; stored: number; distinct: number; unattributed: number; rollupCalls: number };
  sinkRssStart: number;
  sinkPeakRss: number;
  load: [number, number];
}

async function bench(adminUrl: string, options: Options): Promise<Report> {
  console.log('building requests…');
  const templates = Array.from({ length: TEMPLATES }, (_, i) => buildTemplate(i));
  // Enough distinct requests for the sink to reach twice the bar; past that, requests repeat (and add no rows).
  const poolSize = Math.ceil(((WARMUP_SECONDS + options.sinkSeconds) * 2 * BAR_SPANS_PER_SECOND) / SPANS_PER_REQUEST);
  const pool = Array.from({ length: poolSize }, (_, n) => requestOf(templates, n));
  const gz = pool.slice(0, TEMPLATES).reduce((a, r) => a + r.gzipped.length, 0) / TEMPLATES;
  console.log(`  ${fmtInt(poolSize)} requests of ${SPANS_PER_REQUEST} spans, ${fmtInt(gz)} bytes gzipped on average`);

  const scratch = await createPostgresDatabase(adminUrl);
  cleanupOnInterrupt(() => scratch.drop());
  const targets: Target[] = [];
  try {
    const database = await openDatabase({ databaseUrl: scratch.url });
    await database.migrate();
    await database.close();
    const sink = await startSink({
      DATABASE_URL: scratch.url,
      ...(options.profileDir && {
        NODE_OPTIONS: `--import ${path.resolve('bench/cpu-profile-hook.mjs')}`,
        CPU_PROFILE_DIR: path.resolve(options.profileDir),
      }),
    });
    const sinkTargetNow = sinkTarget(sink);
    targets.push(sinkTargetNow);
    const baseline = await startBaseline();
    targets.push(baseline);

    let sinkNext = 0;
    let baselineNext = 0;
    const nextFor = (t: Target) => (t.name === 'sink' ? () => sinkNext++ : () => baselineNext++);
    const sinkStartRss = rssOf(sink.pid);
    const t0 = performance.now();
    console.log(`warming up (${WARMUP_SECONDS} s each)…`);
    const warmups: Phase[] = [];
    for (const target of [baseline, sinkTargetNow]) {
      warmups.push(await runPhase(target, 0, pool, nextFor(target), WARMUP_SECONDS, options.concurrency, t0));
    }

    const phases: Phase[] = [];
    const loadBefore = loadAverage();
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 ? [baseline, sinkTargetNow] : [sinkTargetNow, baseline];
      for (const target of order) {
        const seconds = (target.name === 'sink' ? options.sinkSeconds : options.baselineSeconds) / options.rounds;
        const phase = await runPhase(target, round, pool, nextFor(target), seconds, options.concurrency, t0);
        phases.push(phase);
        const errors = [...phase.load.errors].map(([k, v]) => `${k}×${v}`).join(' ');
        console.log(
          `  round ${round} ${target.name.padEnd(8)} ${fmtInt(phase.spans / phase.load.seconds).padStart(9)} spans/s ` +
            `${(phase.load.requests / phase.load.seconds).toFixed(1).padStart(6)} req/s  server CPU ` +
            `${((100 * phase.serverCpuSeconds) / phase.load.seconds).toFixed(0)}%  RSS ` +
            `${fmtMiB(phase.rss[phase.rss.length - 1]?.bytes ?? NaN)}${errors ? `  errors: ${errors}` : ''}`,
        );
      }
    }
    const load: [number, number] = [loadBefore, loadAverage()];
    const sinkPeakRss = sink.peakRssBytes();
    if (options.profileDir) await collectProfile(sink.pid, options.profileDir);
    const sinkErrors = sink
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":50'));
    if (sinkErrors.length > 0)
      console.log(`  the sink logged ${sinkErrors.length} errors; the first:\n${sinkErrors[0]}`);

    // Every request the sink answered 200 is stored: its AI spans are rows, attributed to their roots.
    const accepted = new Set(
      [...warmups, ...phases]
        .filter((p) => p.target === 'sink')
        .flatMap((p) => p.load.accepted.map((n) => n % poolSize)),
    );
    const expected = [...accepted].reduce((a, n) => a + (pool[n]?.aiSpans ?? 0), 0);
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const { rows } = await client.query<Record<string, string>>(
      `SELECT count(*) AS stored, count(DISTINCT (trace_id, span_id)) AS distinct,
              count(*) FILTER (WHERE source IS NULL) AS unattributed,
              (SELECT coalesce(sum(calls), 0) FROM ai_interaction_daily) AS rollup
       FROM ai_interaction`,
    );
    await client.end();
    const r = rows[0] ?? {};
    const report: Report = {
      options,
      templates: templates.map((t, i) => ({
        rawBytes: t.body.length,
        gzippedBytes: pool[i]?.gzipped.length ?? NaN,
        aiSpans: t.aiSpans,
      })),
      phases,
      rows: {
        expected,
        stored: Number(r.stored),
        distinct: Number(r.distinct),
        unattributed: Number(r.unattributed),
        rollupCalls: Number(r.rollup),
      },
      sinkRssStart: sinkStartRss,
      sinkPeakRss,
      load,
    };
    return report;
  } finally {
    for (const target of targets.reverse()) await target.stop();
    await scratch.drop();
    cleanupOnInterrupt(undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report.

function fmtMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

interface Totals {
  spansPerSecond: number;
  requestsPerSecond: number;
  seconds: number;
  requests: number;
  errors: number;
  serverCpu: number;
  clientCpu: number;
  machineBusy: number;
}

function totals(phases: Phase[]): Totals {
  const seconds = phases.reduce((a, p) => a + p.load.seconds, 0);
  const spans = phases.reduce((a, p) => a + p.spans, 0);
  const requests = phases.reduce((a, p) => a + p.load.requests, 0);
  const accepted = phases.reduce((a, p) => a + p.load.accepted.length, 0);
  return {
    spansPerSecond: spans / seconds,
    requestsPerSecond: accepted / seconds,
    seconds,
    requests,
    errors: requests - accepted,
    serverCpu: phases.reduce((a, p) => a + p.serverCpuSeconds, 0) / seconds,
    clientCpu: phases.reduce((a, p) => a + p.load.clientCpuSeconds, 0) / seconds,
    machineBusy: phases.reduce((a, p) => a + p.machineBusy * p.load.seconds, 0) / seconds,
  };
}

/** The sink's RSS samples under load, every round's in order. */
function sinkRssSamples(report: Report): RssSample[] {
  return report.phases.filter((p) => p.target === 'sink').flatMap((p) => p.rss);
}

/** The sink's RSS at the start, middle and end of its load, and the most sampled under load. */
function rssProfile(report: Report): { start: number; middle: number; end: number; max: number } {
  const samples = sinkRssSamples(report);
  const at = (i: number) => samples[Math.min(samples.length - 1, Math.max(0, i))]?.bytes ?? NaN;
  return {
    start: at(0),
    middle: at(Math.floor(samples.length / 2)),
    end: at(samples.length - 1),
    max: Math.max(...samples.map((s) => s.bytes)),
  };
}

function resultsTable(report: Report): string {
  const rows: string[][] = [];
  for (const target of ['baseline', 'sink'] as const) {
    const phases = report.phases.filter((p) => p.target === target);
    const all = totals(phases);
    const rates = phases.map((p) => fmtInt(p.spans / p.load.seconds)).join(', ');
    rows.push([
      target === 'sink' ? 'collector sink → Postgres' : 'node:http, read and drop',
      fmtInt(all.spansPerSecond),
      rates,
      all.requestsPerSecond.toFixed(1),
      `${fmtInt(all.requests)} (${all.errors} failed)`,
      `${all.seconds.toFixed(1)} s`,
      `${(100 * all.serverCpu).toFixed(0)}%`,
      `${(100 * all.clientCpu).toFixed(0)}%`,
      `${(100 * all.machineBusy).toFixed(0)}%`,
      target === 'sink' ? (all.spansPerSecond >= BAR_SPANS_PER_SECOND ? 'ok' : '**UNDER BAR**') : '',
    ]);
  }
  return markdownTable(
    [
      'server',
      'spans/s',
      'spans/s per round',
      'requests/s',
      'requests',
      'time',
      'server CPU',
      'client CPU',
      'machine busy',
      `bar (${fmtInt(BAR_SPANS_PER_SECOND)} spans/s)`,
    ],
    rows,
    new Set([1, 3, 4, 5, 6, 7, 8]),
  );
}

function memoryLine(report: Report): string {
  const rss = rssProfile(report);
  return (
    `Sink RSS: ${fmtMiB(report.sinkRssStart)} idle before the warm-up; under load ${fmtMiB(rss.start)} at the ` +
    `start, ${fmtMiB(rss.middle)} in the middle, ${fmtMiB(rss.end)} at the end (largest sample ` +
    `${fmtMiB(rss.max)}, peak VmHWM ${fmtMiB(report.sinkPeakRss)}). ${boundLine(report)}`
  );
}

/**
 * Whether the sink's memory is flat under load: it holds no per-trace state (the roots are in the database),
 * so RSS should stop growing once its pools and caches are warm. Compares the second half of the load.
 */
function boundLine(report: Report): string {
  const samples = sinkRssSamples(report);
  const series = samples
    .filter((_, i) => i % 10 === 0 || i === samples.length - 1)
    .map((s) => `${Math.round(s.at)} s ${fmtMiB(s.bytes)}`)
    .join(', ');
  const after = samples.slice(Math.floor(samples.length / 2));
  const first = after[0] as RssSample;
  const last = after[after.length - 1] as RssSample;
  return (
    `Over the second half of the load (${Math.round(first.at)} s to ${Math.round(last.at)} s) RSS went from ` +
    `${fmtMiB(first.bytes)} to ${fmtMiB(last.bytes)} (between ${fmtMiB(Math.min(...after.map((s) => s.bytes)))} ` +
    `and ${fmtMiB(Math.max(...after.map((s) => s.bytes)))}). RSS over time (every 10 s of load): ${series}.`
  );
}

function rowsLine(report: Report): string {
  const r = report.rows;
  const ok = r.stored === r.expected && r.distinct === r.expected && r.rollupCalls === r.expected;
  return (
    `Rows: ${fmtInt(r.stored)} AI rows stored (${fmtInt(r.distinct)} distinct spans, ${fmtInt(r.unattributed)} ` +
    `unattributed, rollup ${fmtInt(r.rollupCalls)} calls) for the ${fmtInt(r.expected)} AI spans in the requests ` +
    `the sink answered 200 (warm-up included): ${ok ? 'all stored, once' : '**MISMATCH**'}.`
  );
}

function section(env: Environment, command: string, report: Report): string {
  const o = report.options;
  const raw = report.templates.reduce((a, t) => a + t.rawBytes, 0) / report.templates.length;
  const gz = report.templates.reduce((a, t) => a + t.gzippedBytes, 0) / report.templates.length;
  const ai = report.templates.reduce((a, t) => a + t.aiSpans, 0) / report.templates.length;
  return [
    SECTION,
    '',
    `Spans per second through the collector sink (\`npm run collector\` as its own process, as deployed, on ` +
      `a scratch Postgres database), end to end: each request is answered once its rows are written. The ` +
      `requests are OTLP/HTTP protobuf, gzipped, ${SPANS_PER_REQUEST} spans each, encoded by the official ` +
      `serializer (\`ProtobufTraceSerializer\`) from spans finished by a real tracer provider: ${SPANS_PER_TRACE}-span ` +
      `traces of a web app (a SERVER root with its route, database queries, outgoing HTTP calls, and one or two ` +
      `GenAI calls with usage: ${ai.toFixed(0)} AI spans per request, ${((100 * ai) / SPANS_PER_REQUEST).toFixed(0)}%), ` +
      `${fmtInt(raw)} bytes raw, ${fmtInt(gz)} gzipped. Every request sent to the sink has its own trace ids, ` +
      `so each AI span is a new row. The baseline is a node:http server in its own process that reads and ` +
      `drops the same bodies (\`bench/discard-server.ts\`), sent by the same client with the same ` +
      `concurrency: ${o.concurrency} requests in flight on keep-alive connections. After ${WARMUP_SECONDS} s of ` +
      `warm-up each, ${o.rounds} rounds alternate the two (the order flips each round): ${o.sinkSeconds} s of ` +
      `sink and ${o.baselineSeconds} s of baseline in all. CPU is each server process's user + system time ` +
      `from /proc/<pid>/stat over its phases (100% is one core), the client's from \`process.cpuUsage\`, the ` +
      `machine's from /proc/stat (Postgres included); RSS is sampled from /proc/<pid>/status every second ` +
      `while the sink is under load.`,
    '',
    ...runDetails(command, env, loadBeforeAfter(report.load)),
    '',
    resultsTable(report),
    '',
    memoryLine(report),
    '',
    rowsLine(report),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------

runBenchmark({
  script: 'bench:sink',
  options: OPTIONS,
  run: async (options, { adminUrl, command }) => {
    const env = await describeEnvironment(adminUrl);
    console.log(`${env.machine}; Node ${env.node}; PostgreSQL ${env.postgres}`);
    const report = await bench(adminUrl, options);
    console.log(`  load average (1 min): ${report.load[0].toFixed(2)} before, ${report.load[1].toFixed(2)} after\n`);
    console.log(resultsTable(report));
    console.log(`\n${memoryLine(report)}\n${rowsLine(report)}`);
    const sink = totals(report.phases.filter((p) => p.target === 'sink'));
    const r = report.rows;
    const ok = sink.spansPerSecond >= BAR_SPANS_PER_SECOND && r.stored === r.expected && r.distinct === r.expected;
    return { section: section(env, command, report), ok };
  },
});
