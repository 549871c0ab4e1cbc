// `npm run bench:sink`: spans per second through the collector sink (`npm run collector`, its own process),
// end to end into Postgres, for gzipped protobuf OTLP requests of 512 spans (most HTTP and database spans,
// some GenAI calls with usage), sent by concurrent clients; with 1, 2 and 3 sink replicas on one database,
// each batch split by trace id across the replicas as the Collector's load-balancing exporter does. Against
// node:http servers that only read and drop the same bodies, with the same client and concurrency, interleaved
// in the same run. Reports each replica's CPU and resident memory under load, and checks the rows written.
// Bar (the issue's): 60,000 spans/s, each replica's RSS under load at most 250 MiB and flat.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
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
import { splitByTrace } from './otlp-split';
import { backendCpuBetween, backendCpuSeconds, cpuSecondsOf, machineJiffies, rssOf } from './proc-stats';
import { generateTrace, seededRandom, type TrafficSpan } from './realistic-traffic';

const SECTION = '## Sink ingest';
const SPANS_PER_REQUEST = 512;
const SPANS_PER_TRACE = 8;
/** Distinct request shapes; every request sent is one of them with its own trace ids. */
const TEMPLATES = 16;
const BAR_SPANS_PER_SECOND = 60_000;
const BAR_RSS_BYTES = 250 * 2 ** 20;
/** RSS is flat when the median of the second half of the load is at most this much above the first half's. */
const FLAT_RATIO = 1.05;
/** Distinct batches are built for this rate over the warm-up and the sink's time; past it, batches repeat. */
const POOL_SPANS_PER_SECOND = 1.5 * BAR_SPANS_PER_SECOND;
const WARMUP_SECONDS = 3;
/** Trace ids start with this, then 4 bytes the bench rewrites per request, so each request is new spans. */
const MARKER = 'b3b3b3b3';

// ---------------------------------------------------------------------------------------------------------
// Requests: OTLP protobuf from the official serializer, finished by a real tracer provider.

interface Template {
  body: Buffer;
  /** Where each trace id's 4 per-request bytes are in `body`. */
  idOffsets: number[];
  aiSpans: number;
  /** AI spans per trace, by the last 8 bytes of the trace id (hex), which requests do not rewrite. */
  aiByTrace: Map<string, number>;
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
  const aiByTrace = new Map<string, number>();
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
    let traceAi = 0;
    for (const spec of children) {
      const span = tracer.startSpan(
        spec.name,
        { kind: kindOf(spec), attributes: spec.attributes, startTime: traceStart + spec.offsetMs },
        context,
      );
      if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(traceStart + spec.offsetMs + spec.durationMs);
      if (spec.ai) traceAi++;
    }
    root.end(traceStart + rootSpec.durationMs);
    aiSpans += traceAi;
    aiByTrace.set(root.spanContext().traceId.slice(16), traceAi);
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
  return { body, idOffsets, aiSpans, aiByTrace };
}

function kindOf(span: TrafficSpan): SpanKind {
  return span.kind === 'server' ? SpanKind.SERVER : span.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
}

/** What one replica is sent of a batch. */
interface Part {
  gzipped: Buffer;
  spans: number;
  aiSpans: number;
}

/** One batch of 512 spans as the Collector exports it: a request per replica its traces route to. */
interface Batch {
  /** By replica; undefined where no trace of the batch routes. */
  parts: (Part | undefined)[];
}

/**
 * Batch `n`: template n mod 16 with n in every trace id, split by trace id across `replicas` (one replica: the
 * whole request), each part gzipped as an OTLP exporter sends it.
 */
function batchOf(templates: Template[], n: number, replicas: number): Batch {
  const template = templates[n % templates.length];
  if (!template) throw new Error('no templates');
  const body = Buffer.from(template.body);
  for (const offset of template.idOffsets) body.writeUInt32BE(n, offset);
  if (replicas === 1) {
    return { parts: [{ gzipped: gzipSync(body), spans: SPANS_PER_REQUEST, aiSpans: template.aiSpans }] };
  }
  return {
    parts: splitByTrace(body, replicas).map((part) =>
      part.spans === 0
        ? undefined
        : {
            gzipped: gzipSync(part.body),
            spans: part.spans,
            aiSpans: [...part.traceIds].reduce((a, id) => a + (template.aiByTrace.get(id.slice(16)) ?? 0), 0),
          },
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The client: `concurrency` batches in flight on keep-alive connections until the time is up; a batch's parts
// go to their replicas at once, and the batch is done when every part is answered (as the exporter waits).

interface LoadResult {
  seconds: number;
  batches: number;
  /** HTTP requests: the parts sent. */
  requests: number;
  errors: Map<number | string, number>;
  /** Parts answered 200, as `batch × replicas + replica` (the sink's rows are checked against these). */
  accepted: number[];
  /** Spans in the parts answered 200. */
  spans: number;
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
  servers: Server[],
  pool: Batch[],
  next: () => number,
  seconds: number,
  concurrency: number,
): Promise<LoadResult> {
  // maxSockets is per host: each replica has up to `concurrency` connections, as the exporter has per endpoint.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const targets = servers.map((s) => ({ url: new URL(s.url), token: s.token }));
  const replicas = servers.length;
  const errors = new Map<number | string, number>();
  const accepted: number[] = [];
  let batches = 0;
  let requests = 0;
  let spans = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const n = next();
      const batch = pool[n % pool.length];
      if (!batch) throw new Error('empty pool');
      await Promise.all(
        batch.parts.map(async (part, replica) => {
          const target = targets[replica];
          if (!part || !target) return;
          let status: number | string;
          try {
            status = await post(agent, target.url, target.token, part.gzipped);
          } catch (error) {
            status = (error as NodeJS.ErrnoException).code ?? 'error';
          }
          requests++;
          if (status === 200) {
            accepted.push(n * replicas + replica);
            spans += part.spans;
          } else errors.set(status, (errors.get(status) ?? 0) + 1);
        }),
      );
      batches++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return {
    seconds: elapsed,
    batches,
    requests,
    errors,
    accepted,
    spans,
    clientCpuSeconds: (used.user + used.system) / 1e6,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The servers: sink replicas, and as many discard servers for the baseline.

interface Server {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<unknown>;
}

type Side = 'sink' | 'baseline';

async function startBaseline(): Promise<Server> {
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
    url: `http://127.0.0.1:${port}/v1/traces`,
    token: 'unused',
    pid: child.pid ?? -1,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Asks a sink for its CPU profile (bench/cpu-profile-hook.mjs) and waits until it is written. */
async function collectProfile(pid: number, dir: string): Promise<void> {
  const file = path.resolve(dir, `${pid}.cpuprofile`);
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      JSON.parse(readFileSync(file, 'utf8'));
      console.log(`  a sink's CPU profile: ${file}`);
      return;
    } catch {
      // Not written yet, or not all of it.
    }
  }
  console.log(`  no CPU profile from the sink in ${file}`);
}

function sinkServer(sink: SinkProcess): Server {
  return { url: sink.tracesUrl, token: sink.token, pid: sink.pid, stop: () => sink.stop() };
}

// ---------------------------------------------------------------------------------------------------------
// A configuration: N replicas on a fresh database; warm-ups, then rounds of baseline and sink phases in
// alternating order.

interface Phase {
  side: Side;
  round: number;
  load: LoadResult;
  /** CPU seconds of each server process over the phase. */
  serverCpuSeconds: number[];
  /** CPU seconds of the scratch database's Postgres backends over the phase. */
  postgresCpuSeconds: number;
  machineBusy: number;
  /** Each server's RSS samples. */
  rss: RssSample[][];
}

interface RssSample {
  /** Seconds since the configuration's warm-up started. */
  at: number;
  bytes: number;
}

const OPTIONS = {
  concurrency: { kind: 'count', default: 8 },
  sinkSeconds: { kind: 'count', default: 60 },
  baselineSeconds: { kind: 'count', default: 30 },
  rounds: { kind: 'count', default: 3 },
  /** How many sink replicas each configuration runs, on one database, in the same run. */
  replicas: { kind: 'counts', default: [1, 2, 3] },
  /** Where each sink writes a CPU profile (node --cpu-prof) when it stops; none unless given. */
  profileDir: { kind: 'path', flag: '--profile-sink' },
} satisfies Record<string, OptionSpec>;

type Options = BenchArgs<typeof OPTIONS>;

async function runPhase(
  side: Side,
  servers: Server[],
  database: string,
  round: number,
  pool: Batch[],
  next: () => number,
  seconds: number,
  concurrency: number,
  t0: number,
): Promise<Phase> {
  const cpuBefore = servers.map((s) => cpuSecondsOf(s.pid));
  const postgresBefore = backendCpuSeconds(database);
  const machineBefore = machineJiffies();
  const rss: RssSample[][] = servers.map(() => []);
  const sample = () => {
    const at = (performance.now() - t0) / 1000;
    servers.forEach((s, i) => rss[i]?.push({ at, bytes: rssOf(s.pid) }));
  };
  sample();
  const timer = setInterval(sample, 1000);
  const result = await load(servers, pool, next, seconds, concurrency);
  clearInterval(timer);
  sample();
  const machineAfter = machineJiffies();
  return {
    side,
    round,
    load: result,
    serverCpuSeconds: servers.map((s, i) => cpuSecondsOf(s.pid) - (cpuBefore[i] ?? 0)),
    postgresCpuSeconds: backendCpuBetween(postgresBefore, backendCpuSeconds(database)),
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    rss,
  };
}

interface RowCheck {
  expected: number;
  stored: number;
  distinct: number;
  unattributed: number;
  rollupCalls: number;
}

interface Configuration {
  replicas: number;
  poolSize: number;
  /** Batches sent to the sink beyond the pool (repeats, which add no rows). */
  repeated: number;
  phases: Phase[];
  rows: RowCheck;
  /** Each replica's RSS when idle, before the warm-up, and its VmHWM at the end. */
  idleRss: number[];
  peakRss: number[];
  sinkErrorLines: number;
}

interface Report {
  options: Options;
  templates: { rawBytes: number; gzippedBytes: number; aiSpans: number }[];
  configurations: Configuration[];
  load: [number, number];
}

async function runConfiguration(
  adminUrl: string,
  options: Options,
  templates: Template[],
  replicas: number,
): Promise<Configuration> {
  const poolSize = Math.ceil(((WARMUP_SECONDS + options.sinkSeconds) * POOL_SPANS_PER_SECOND) / SPANS_PER_REQUEST);
  const built = performance.now();
  const pool = Array.from({ length: poolSize }, (_, n) => batchOf(templates, n, replicas));
  const parts = pool.flatMap((b) => b.parts.filter((p) => p !== undefined));
  console.log(
    `${replicas} replica${replicas > 1 ? 's' : ''}: ${fmtInt(poolSize)} batches of ${SPANS_PER_REQUEST} spans, ` +
      `${(parts.length / poolSize).toFixed(2)} requests each, ` +
      `${fmtInt(parts.reduce((a, p) => a + p.spans, 0) / parts.length)} spans and ` +
      `${fmtInt(parts.reduce((a, p) => a + p.gzipped.length, 0) / parts.length)} bytes gzipped per request ` +
      `(built in ${((performance.now() - built) / 1000).toFixed(0)} s)`,
  );

  const scratch = await createPostgresDatabase(adminUrl);
  const database = new URL(scratch.url).pathname.slice(1);
  const sinks: SinkProcess[] = [];
  const baselines: Server[] = [];
  cleanupOnInterrupt(async () => {
    await Promise.all([...sinks, ...baselines].map((s) => s.stop()));
    await scratch.drop();
  });
  try {
    const db = await openDatabase({ databaseUrl: scratch.url });
    await db.migrate();
    await db.close();
    for (let i = 0; i < replicas; i++) {
      sinks.push(
        await startSink({
          DATABASE_URL: scratch.url,
          ...(options.profileDir && {
            NODE_OPTIONS: `--import ${path.resolve('bench/cpu-profile-hook.mjs')}`,
            CPU_PROFILE_DIR: path.resolve(options.profileDir),
          }),
        }),
      );
      baselines.push(await startBaseline());
    }
    const servers: Record<Side, Server[]> = { sink: sinks.map(sinkServer), baseline: baselines };
    const counters: Record<Side, number> = { sink: 0, baseline: 0 };
    const nextFor = (side: Side) => () => counters[side]++;
    const idleRss = sinks.map((s) => s.rssBytes());
    const t0 = performance.now();
    const phase = (side: Side, round: number, seconds: number) =>
      runPhase(side, servers[side], database, round, pool, nextFor(side), seconds, options.concurrency, t0);
    const warmups = [await phase('baseline', 0, WARMUP_SECONDS), await phase('sink', 0, WARMUP_SECONDS)];

    const phases: Phase[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order: Side[] = round % 2 ? ['baseline', 'sink'] : ['sink', 'baseline'];
      for (const side of order) {
        const seconds = (side === 'sink' ? options.sinkSeconds : options.baselineSeconds) / options.rounds;
        const done = await phase(side, round, seconds);
        phases.push(done);
        const errors = [...done.load.errors].map(([k, v]) => `${k}×${v}`).join(' ');
        const perReplica = done.serverCpuSeconds
          .map((cpu, i) => `${fmtPercent(cpu / done.load.seconds)}/${fmtMiB(lastRss(done.rss[i]))}`)
          .join(' ');
        console.log(
          `  round ${round} ${side.padEnd(8)} ${fmtInt(done.load.spans / done.load.seconds).padStart(9)} spans/s ` +
            `${(done.load.batches / done.load.seconds).toFixed(1).padStart(6)} batches/s  CPU/RSS per server ` +
            `${perReplica}  Postgres ${fmtPercent(done.postgresCpuSeconds / done.load.seconds)}` +
            (errors ? `  errors: ${errors}` : ''),
        );
      }
    }
    const peakRss = sinks.map((s) => s.peakRssBytes());
    if (options.profileDir) for (const sink of sinks) await collectProfile(sink.pid, options.profileDir);
    const sinkErrors = sinks.flatMap((s) =>
      s
        .output()
        .split('\n')
        .filter((line) => line.includes('"level":50')),
    );
    if (sinkErrors.length > 0)
      console.log(`  the sinks logged ${sinkErrors.length} errors; the first:\n${sinkErrors[0]}`);

    // Every part a replica answered 200 is stored: its AI spans are rows, once, attributed to their roots.
    const sent = [...warmups, ...phases].filter((p) => p.side === 'sink');
    const accepted = new Set(
      sent.flatMap((p) =>
        p.load.accepted.map((key) => (Math.floor(key / replicas) % poolSize) * replicas + (key % replicas)),
      ),
    );
    const expected = [...accepted].reduce(
      (a, key) => a + (pool[Math.floor(key / replicas)]?.parts[key % replicas]?.aiSpans ?? 0),
      0,
    );
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
    return {
      replicas,
      poolSize,
      repeated: Math.max(0, counters.sink - poolSize),
      phases,
      rows: {
        expected,
        stored: Number(r.stored),
        distinct: Number(r.distinct),
        unattributed: Number(r.unattributed),
        rollupCalls: Number(r.rollup),
      },
      idleRss,
      peakRss,
      sinkErrorLines: sinkErrors.length,
    };
  } finally {
    for (const server of [...sinks, ...baselines]) await server.stop();
    await scratch.drop();
    cleanupOnInterrupt(undefined);
  }
}

async function bench(adminUrl: string, options: Options): Promise<Report> {
  console.log('building requests…');
  const templates = Array.from({ length: TEMPLATES }, (_, i) => buildTemplate(i));
  const loadBefore = loadAverage();
  const configurations: Configuration[] = [];
  for (const replicas of options.replicas) {
    configurations.push(await runConfiguration(adminUrl, options, templates, replicas));
  }
  return {
    options,
    templates: templates.map((t, i) => ({
      rawBytes: t.body.length,
      gzippedBytes: batchOf(templates, i, 1).parts[0]?.gzipped.length ?? NaN,
      aiSpans: t.aiSpans,
    })),
    configurations,
    load: [loadBefore, loadAverage()],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Report.

function fmtMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function fmtPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(0)}%`;
}

function lastRss(samples: RssSample[] | undefined): number {
  return samples?.[samples.length - 1]?.bytes ?? NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

interface Totals {
  spansPerSecond: number;
  batchesPerSecond: number;
  seconds: number;
  requests: number;
  errors: number;
  /** Each server's CPU, as a fraction of one core. */
  serverCpu: number[];
  postgresCpu: number;
  clientCpu: number;
  machineBusy: number;
}

function totals(phases: Phase[]): Totals {
  const seconds = phases.reduce((a, p) => a + p.load.seconds, 0);
  const servers = phases[0]?.serverCpuSeconds.length ?? 0;
  const requests = phases.reduce((a, p) => a + p.load.requests, 0);
  const accepted = phases.reduce((a, p) => a + p.load.accepted.length, 0);
  return {
    spansPerSecond: phases.reduce((a, p) => a + p.load.spans, 0) / seconds,
    batchesPerSecond: phases.reduce((a, p) => a + p.load.batches, 0) / seconds,
    seconds,
    requests,
    errors: requests - accepted,
    serverCpu: Array.from(
      { length: servers },
      (_, i) => phases.reduce((a, p) => a + (p.serverCpuSeconds[i] ?? 0), 0) / seconds,
    ),
    postgresCpu: phases.reduce((a, p) => a + p.postgresCpuSeconds, 0) / seconds,
    clientCpu: phases.reduce((a, p) => a + p.load.clientCpuSeconds, 0) / seconds,
    machineBusy: phases.reduce((a, p) => a + p.machineBusy * p.load.seconds, 0) / seconds,
  };
}

interface ReplicaMemory {
  start: number;
  middle: number;
  end: number;
  max: number;
  firstHalfMedian: number;
  secondHalfMedian: number;
  flat: boolean;
  bounded: boolean;
  /** RSS every 10 s of load. */
  series: RssSample[];
}

/** A replica's RSS under load (its samples in every sink phase, in order): flat, and under the bound? */
function replicaMemory(configuration: Configuration, replica: number): ReplicaMemory {
  const samples = configuration.phases.filter((p) => p.side === 'sink').flatMap((p) => p.rss[replica] ?? []);
  const bytes = samples.map((s) => s.bytes);
  const at = (i: number) => bytes[Math.min(bytes.length - 1, Math.max(0, i))] ?? NaN;
  const half = Math.floor(bytes.length / 2);
  const firstHalfMedian = median(bytes.slice(0, half));
  const secondHalfMedian = median(bytes.slice(half));
  const max = Math.max(...bytes);
  return {
    start: at(0),
    middle: at(half),
    end: at(bytes.length - 1),
    max,
    firstHalfMedian,
    secondHalfMedian,
    flat: secondHalfMedian <= FLAT_RATIO * firstHalfMedian,
    bounded: max <= BAR_RSS_BYTES,
    series: samples.filter((_, i) => i % 10 === 0 || i === samples.length - 1),
  };
}

function rowsOk(rows: RowCheck): boolean {
  return (
    rows.stored === rows.expected &&
    rows.distinct === rows.expected &&
    rows.rollupCalls === rows.expected &&
    rows.unattributed === 0
  );
}

function configurationOk(configuration: Configuration): boolean {
  const sink = totals(configuration.phases.filter((p) => p.side === 'sink'));
  const memory = configuration.idleRss.map((_, i) => replicaMemory(configuration, i));
  return (
    sink.spansPerSecond >= BAR_SPANS_PER_SECOND &&
    sink.errors === 0 &&
    rowsOk(configuration.rows) &&
    memory.every((m) => m.flat && m.bounded)
  );
}

function resultsTable(report: Report): string {
  const rows: string[][] = [];
  for (const configuration of report.configurations) {
    for (const side of ['baseline', 'sink'] as const) {
      const phases = configuration.phases.filter((p) => p.side === side);
      const all = totals(phases);
      const sink = side === 'sink';
      rows.push([
        String(configuration.replicas),
        sink ? 'collector sink → Postgres' : 'node:http, read and drop',
        fmtInt(all.spansPerSecond),
        phases.map((p) => fmtInt(p.load.spans / p.load.seconds)).join(', '),
        all.batchesPerSecond.toFixed(1),
        `${fmtInt(all.requests)} (${all.errors} failed)`,
        `${all.seconds.toFixed(1)} s`,
        all.serverCpu.map(fmtPercent).join(' + '),
        sink ? fmtPercent(all.postgresCpu) : '',
        fmtPercent(all.clientCpu),
        fmtPercent(all.machineBusy),
        sink ? (all.spansPerSecond >= BAR_SPANS_PER_SECOND ? 'ok' : '**UNDER BAR**') : '',
      ]);
    }
  }
  return markdownTable(
    [
      'replicas',
      'server',
      'spans/s',
      'spans/s per round',
      'batches/s',
      'requests',
      'time',
      'CPU per server',
      'Postgres CPU',
      'client CPU',
      'machine busy',
      `bar (${fmtInt(BAR_SPANS_PER_SECOND)} spans/s)`,
    ],
    rows,
    new Set([0, 2, 4, 5, 6, 7, 8, 9, 10]),
  );
}

function memoryTable(report: Report): string {
  const rows: string[][] = [];
  for (const configuration of report.configurations) {
    configuration.idleRss.forEach((idle, i) => {
      const m = replicaMemory(configuration, i);
      rows.push([
        `${configuration.replicas}: #${i + 1}`,
        fmtMiB(idle),
        fmtMiB(m.start),
        fmtMiB(m.middle),
        fmtMiB(m.end),
        fmtMiB(m.max),
        fmtMiB(configuration.peakRss[i] ?? NaN),
        `${fmtMiB(m.firstHalfMedian)} → ${fmtMiB(m.secondHalfMedian)}`,
        m.flat ? 'flat' : '**GROWING**',
        m.bounded ? 'ok' : '**OVER**',
        m.series.map((s) => `${Math.round(s.at)} s ${(s.bytes / 2 ** 20).toFixed(0)}`).join(', '),
      ]);
    });
  }
  return markdownTable(
    [
      'replicas: replica',
      'idle',
      'load start',
      'middle',
      'end',
      'max',
      'VmHWM',
      'median, 1st → 2nd half',
      `flat (≤ ${Math.round((FLAT_RATIO - 1) * 100)}%)`,
      `≤ ${fmtMiB(BAR_RSS_BYTES)}`,
      'RSS (MiB) every 10 s of load',
    ],
    rows,
    new Set([1, 2, 3, 4, 5, 6]),
  );
}

function rowsTable(report: Report): string {
  return markdownTable(
    ['replicas', 'AI spans answered 200', 'rows', 'distinct spans', 'unattributed', 'rollup calls', 'check'],
    report.configurations.map((c) => [
      String(c.replicas),
      fmtInt(c.rows.expected),
      fmtInt(c.rows.stored),
      fmtInt(c.rows.distinct),
      fmtInt(c.rows.unattributed),
      fmtInt(c.rows.rollupCalls),
      (rowsOk(c.rows) ? 'all stored, once, attributed' : '**MISMATCH**') +
        (c.repeated > 0 ? ` (${fmtInt(c.repeated)} batches repeated past the pool)` : '') +
        (c.sinkErrorLines > 0 ? ` (the sinks logged ${c.sinkErrorLines} errors)` : ''),
    ]),
    new Set([0, 1, 2, 3, 4, 5]),
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
      `load is batches of ${SPANS_PER_REQUEST} spans, encoded by the official serializer ` +
      `(\`ProtobufTraceSerializer\`) from spans finished by a real tracer provider: ${SPANS_PER_TRACE}-span ` +
      `traces of a web app (a SERVER root with its route, database queries, outgoing HTTP calls, and one or two ` +
      `GenAI calls with usage: ${ai.toFixed(0)} AI spans per batch, ${((100 * ai) / SPANS_PER_REQUEST).toFixed(0)}%), ` +
      `${fmtInt(raw)} bytes raw, ${fmtInt(gz)} gzipped. Every batch sent to the sink has its own trace ids, ` +
      `so each AI span is a new row. Each configuration (${o.replicas.join(', ')} replicas) runs on its own ` +
      `fresh database, all its replicas on that one database, and sends each batch as the Collector's ` +
      `\`load_balancing\` exporter with \`routing_key: traceID\` does (otel-collector.yaml): split by trace ` +
      `id, each span with a copy of its resource and scope, into one OTLP/HTTP request (protobuf, gzipped) per ` +
      `replica that its traces route to, sent at once; the batch is done when every part is answered (the ` +
      `exporter's per-replica queue is off). A trace goes to replica CRC-32(trace id) mod N: the exporter hashes ` +
      `the same bytes onto a ring of positions, whose shares are uneven; the modulo gives each replica an even ` +
      `share, the best case. So with N replicas each request carries about ${SPANS_PER_REQUEST}/N spans, the ` +
      `smaller requests the deployment sends; the splitting is done before the run (it is the Collector's ` +
      `work, not the sink's, and would otherwise take the client's CPU from the same 2 cores). The baseline is ` +
      `as many node:http servers as replicas, each its own process reading and dropping the same parts ` +
      `(\`bench/discard-server.ts\`), sent by the same client with the same concurrency: ${o.concurrency} ` +
      `batches in flight, up to ${o.concurrency} keep-alive connections per server. After ${WARMUP_SECONDS} s ` +
      `of warm-up each, ${o.rounds} rounds alternate the two (the order flips each round): ${o.sinkSeconds} s ` +
      `of sink and ${o.baselineSeconds} s of baseline per configuration. CPU is each server process's user + ` +
      `system time from /proc/<pid>/stat over its phases (100% is one core), Postgres's that of the scratch ` +
      `database's backends, the client's from \`process.cpuUsage\`, the machine's from /proc/stat; RSS is ` +
      `sampled from /proc/<pid>/status every second while the sinks are under load. Bar: ` +
      `${fmtInt(BAR_SPANS_PER_SECOND)} spans/s, no request failed, every replica's RSS under load at most ` +
      `${fmtMiB(BAR_RSS_BYTES)} and flat (the median of the second half of the load at most ` +
      `${Math.round((FLAT_RATIO - 1) * 100)}% above the first half's), and the rows right, in every configuration.`,
    '',
    ...runDetails(command, env, loadBeforeAfter(report.load)),
    '',
    resultsTable(report),
    '',
    'Resident memory of each replica (idle is before the warm-up; the rest under load):',
    '',
    memoryTable(report),
    '',
    'Rows: every AI span of every part a replica answered 200 (warm-up included) against the rows stored:',
    '',
    rowsTable(report),
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
    console.log(`${resultsTable(report)}\n\n${memoryTable(report)}\n\n${rowsTable(report)}`);
    const ok = report.configurations.every(configurationOk);
    return { section: section(env, command, report), ok };
  },
});
