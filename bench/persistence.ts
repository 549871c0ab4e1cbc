// `npm run bench:persistence`: rows per second into Postgres through the interaction store's bulk insert,
// against a plain multi-row INSERT and COPY FROM STDIN through `pg`, with the same realistic rows and batch
// sizes, interleaved, each trial on a truncated table (rollup triggers on), row counts checked after each.
// The bar (issue 17): the store at least as fast as COPY at 1,000 rows per statement, and idempotent (a batch
// again adds no rows).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { getDefaultPriceBook } from '../lib/ledger/default-price-book';
import { openDatabase } from '../lib/db/database';
import { InteractionStore } from '../lib/db/interaction-store';
import { uuidV7 } from '../lib/db/uuid-v7';
import { spanToInteraction, type InteractionRow } from '../lib/ledger/span-to-interaction';
import { createPostgresDatabase } from '../harness/test-database';
import { cleanupOnInterrupt, runBenchmark, type OptionSpec } from './bench-cli';
import {
  describeEnvironment,
  loadBeforeAfter,
  runDetails,
  fmtInt,
  loadAverage,
  markdownTable,
  type Environment,
} from './bench-report';
import { generateTrace, seededRandom, toSpanRecord } from './realistic-traffic';

const SECTION = '## Persistence';
const DEFAULT_BATCHES = [100, 500, 1000];
const DEFAULT_ROWS = 20_000;
const DEFAULT_ROUNDS = 3;
/** The store's rate over COPY's at {@link BAR_BATCH} rows per statement must be at least this. */
const BAR_RATIO = 1;
const BAR_BATCH = 1000;

type Method = 'store' | 'insert' | 'copy';
const METHODS: Method[] = ['store', 'insert', 'copy'];
const METHOD_NAMES: Record<Method, string> = {
  store: 'InteractionStore.insertMany',
  insert: 'pg multi-row INSERT',
  copy: 'pg COPY FROM STDIN',
};

// ---------------------------------------------------------------------------------------------------------
// The rows: AI calls mapped from realistic spans by the same mapping the exporter and the sink use.

function realisticRows(count: number): InteractionRow[] {
  const random = seededRandom(20261126);
  const priceBook = getDefaultPriceBook();
  const start = Date.parse('2026-11-25T00:00:00Z');
  const rows: InteractionRow[] = [];
  const prefix = randomBytes(8).toString('hex');
  for (let n = 0; rows.length < count; n++) {
    const spans = generateTrace(random, 4, 1);
    const root = spans[0];
    const ai = spans.find((s) => s.ai);
    if (!root || !ai) continue;
    const traceId = `${prefix}${n.toString(16).padStart(16, '0')}`;
    const record = toSpanRecord(
      ai,
      { traceId, spanIdOf: (i) => `${n.toString(16).padStart(12, '0')}${i.toString(16).padStart(4, '0')}` },
      start + n * 37,
      'lead-service',
    );
    const row = spanToInteraction(record, { priceBook, fallbackSource: String(root.attributes['http.route']) });
    if (row) rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// The baselines: plain `pg`, no ON CONFLICT, ids made here as Prisma makes them (UUID v7).

const COLUMNS = [
  'id',
  'started_at',
  'duration_ms',
  'trace_id',
  'span_id',
  'parent_span_id',
  'source',
  'source_kind',
  'feature_id',
  'operation',
  'provider',
  'request_model',
  'response_model',
  'input_tokens',
  'cached_input_tokens',
  'output_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost_usd',
  'cost_status',
  'price_ref',
  'streamed',
  'status',
  'error_type',
  'service_name',
  'attributes',
] as const;

function valuesOf(row: InteractionRow): (string | number | boolean | Date | null)[] {
  return [
    uuidV7(),
    row.startedAt,
    row.durationMs,
    row.traceId,
    row.spanId,
    row.parentSpanId,
    row.source,
    row.sourceKind,
    row.featureId,
    row.operation,
    row.provider,
    row.requestModel,
    row.responseModel,
    row.inputTokens,
    row.cachedInputTokens,
    row.outputTokens,
    row.reasoningTokens,
    row.totalTokens,
    row.costUsd,
    row.costStatus,
    row.priceRef,
    row.streamed,
    row.status,
    row.errorType,
    row.serviceName,
    JSON.stringify(row.attributes),
  ];
}

async function multiRowInsert(client: pg.Client, rows: readonly InteractionRow[]): Promise<number> {
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const base = params.length;
    params.push(...valuesOf(row));
    tuples.push(`(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(',')})`);
  }
  const result = await client.query(
    `INSERT INTO ai_interaction (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}`,
    params,
  );
  return result.rowCount ?? 0;
}

/** A value in COPY's text format: \N for null, backslash escapes for the characters COPY gives meaning. */
function copyText(value: string | number | boolean | Date | null): string {
  if (value === null) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function copyRows(client: pg.Client, rows: readonly InteractionRow[]): Promise<number> {
  const lines = rows.map((row) => `${valuesOf(row).map(copyText).join('\t')}\n`);
  const stream = client.query(copyFrom(`COPY ai_interaction (${COLUMNS.join(',')}) FROM STDIN`));
  await pipeline(Readable.from([lines.join('')]), stream);
  return stream.rowCount;
}

// ---------------------------------------------------------------------------------------------------------
// Trials.

interface Trial {
  method: Method;
  batch: number;
  round: number;
  rowsPerSecond: number;
  statements: number;
}

interface Idempotency {
  batch: number;
  again: number;
  rowsAfter: number;
}

async function counts(client: pg.Client): Promise<{ rows: number; rollupCalls: number }> {
  const { rows } = await client.query<{ rows: string; calls: string | null }>(
    'SELECT (SELECT count(*) FROM ai_interaction) AS rows, (SELECT sum(calls) FROM ai_interaction_daily) AS calls',
  );
  return { rows: Number(rows[0]?.rows), rollupCalls: Number(rows[0]?.calls ?? 0) };
}

/** The rows with trace ids of trial `trial` (its number in the first 16 of 32 hex digits): new requests. */
function ownTraces(rows: readonly InteractionRow[], trial: number): InteractionRow[] {
  const prefix = trial.toString(16).padStart(16, '0');
  return rows.map((row) => ({ ...row, traceId: prefix + row.traceId.slice(16) }));
}

async function runTrial(
  method: Method,
  rows: readonly InteractionRow[],
  batch: number,
  store: InteractionStore,
  client: pg.Client,
): Promise<{ seconds: number; statements: number; written: number }> {
  // The calls and their rollup, whose counts the trial checks. The request and attribute rollups are not emptied:
  // each trial's rows have trace ids of their own (`ownTraces`), so they grow as in an app, and autovacuum
  // analyses them as it would there (emptied before every trial, the sessions' cached plans for the triggers were
  // made for empty tables, 2.5 times slower than in an app).
  await client.query('TRUNCATE ai_interaction, ai_interaction_daily');
  let written = 0;
  let statements = 0;
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    statements++;
    if (method === 'store') written += await store.insertMany(slice);
    else if (method === 'insert') written += await multiRowInsert(client, slice);
    else written += await copyRows(client, slice);
  }
  return { seconds: (performance.now() - started) / 1000, statements, written };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

interface Report {
  rows: number;
  batches: number[];
  rounds: number;
  trials: Trial[];
  idempotency: Idempotency[];
  load: [number, number];
}

async function bench(adminUrl: string, total: number, batches: number[], rounds: number): Promise<Report> {
  const rows = realisticRows(total);
  const scratch = await createPostgresDatabase(adminUrl);
  cleanupOnInterrupt(() => scratch.drop());
  const database = await openDatabase({ databaseUrl: scratch.url });
  const client = new pg.Client({ connectionString: scratch.url, options: '-c TimeZone=UTC' });
  try {
    await database.migrate();
    await client.connect();
    const store = new InteractionStore(database);
    // Warm both paths (connections, Prisma's query plan cache, the trigger functions), then start clean.
    let trial = 0;
    await runTrial('store', ownTraces(rows.slice(0, 2_000), ++trial), 500, store, client);
    await runTrial('insert', ownTraces(rows.slice(0, 2_000), ++trial), 500, store, client);
    await runTrial('copy', ownTraces(rows.slice(0, 2_000), ++trial), 500, store, client);

    const trials: Trial[] = [];
    const idempotency: Idempotency[] = [];
    const loadBefore = loadAverage();
    for (let round = 1; round <= rounds; round++) {
      for (const batch of batches) {
        // Rotate the order each round, so no method always runs first (after a truncate, or a checkpoint).
        const order = METHODS.map((_, i) => METHODS[(i + round + batches.indexOf(batch)) % METHODS.length]);
        for (const method of order) {
          if (!method) continue;
          const trialRows = ownTraces(rows, ++trial);
          const run = await runTrial(method, trialRows, batch, store, client);
          const after = await counts(client);
          if (run.written !== rows.length || after.rows !== rows.length || after.rollupCalls !== rows.length) {
            throw new Error(
              `${method}, batch ${batch}: wrote ${run.written}, table has ${after.rows}, rollup counts ` +
                `${after.rollupCalls}; expected ${rows.length}`,
            );
          }
          const rowsPerSecond = rows.length / run.seconds;
          trials.push({ method, batch, round, rowsPerSecond, statements: run.statements });
          console.log(
            `  round ${round}  batch ${String(batch).padStart(5)}  ${METHOD_NAMES[method].padEnd(28)} ` +
              `${fmtInt(rowsPerSecond).padStart(8)} rows/s  (${after.rows} rows, rollup ${after.rollupCalls} calls)`,
          );
          if (method === 'store' && round === 1) {
            // Idempotency: the first batch once more adds nothing.
            const again = await store.insertMany(trialRows.slice(0, batch));
            const { rows: rowsAfter } = await counts(client);
            idempotency.push({ batch, again, rowsAfter });
            console.log(`    the first ${batch} rows again: ${again} new rows, table has ${rowsAfter}`);
            if (again !== 0 || rowsAfter !== rows.length) throw new Error('re-inserting a batch added rows');
          }
        }
      }
    }
    return { rows: rows.length, batches, rounds, trials, idempotency, load: [loadBefore, loadAverage()] };
  } finally {
    await client.end().catch(() => undefined);
    await database.close();
    await scratch.drop();
    cleanupOnInterrupt(undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report.

interface Summary {
  batch: number;
  method: Method;
  median: number;
  min: number;
  max: number;
}

function summarize(report: Report): Summary[] {
  const out: Summary[] = [];
  for (const batch of report.batches) {
    for (const method of METHODS) {
      const rates = report.trials.filter((t) => t.batch === batch && t.method === method).map((t) => t.rowsPerSecond);
      out.push({ batch, method, median: median(rates), min: Math.min(...rates), max: Math.max(...rates) });
    }
  }
  return out;
}

/** The store against COPY at each batch size; the bar holds at {@link BAR_BATCH} rows (other sizes have none). */
function verdicts(
  summaries: Summary[],
  batches: number[],
): { batch: number; ratio: number; ok: boolean | undefined }[] {
  return batches.map((batch) => {
    const rate = (m: Method) => summaries.find((s) => s.batch === batch && s.method === m)?.median ?? NaN;
    const ratio = rate('store') / rate('copy');
    return { batch, ratio, ok: batch === BAR_BATCH ? ratio >= BAR_RATIO : undefined };
  });
}

function resultsTable(report: Report): string {
  const summaries = summarize(report);
  const bars = verdicts(summaries, report.batches);
  const rows = summaries.map((s) => {
    const rate = (m: Method) => summaries.find((x) => x.batch === s.batch && x.method === m)?.median ?? NaN;
    const bar = bars.find((b) => b.batch === s.batch);
    const verdict = bar?.ok === undefined ? '' : bar.ok ? 'ok' : '**UNDER BAR**';
    return [
      String(s.batch),
      METHOD_NAMES[s.method],
      fmtInt(s.median),
      `${fmtInt(s.min)}–${fmtInt(s.max)}`,
      `${(s.median / rate('insert')).toFixed(2)}×`,
      `${(s.median / rate('copy')).toFixed(2)}×`,
      s.method === 'store' ? verdict : '',
    ];
  });
  return markdownTable(
    [
      'rows per statement',
      'method',
      'rows/s (median)',
      'rows/s (min–max)',
      'vs INSERT',
      'vs COPY',
      `bar (≥ ${BAR_RATIO}× COPY at ${BAR_BATCH})`,
    ],
    rows,
    new Set([0, 2, 3, 4, 5]),
  );
}

function section(env: Environment, command: string, report: Report): string {
  return [
    SECTION,
    '',
    `Rows per second into \`ai_interaction\` (its rollup triggers on) through the interaction store's bulk ` +
      `insert (\`InteractionStore.insertMany\`, idempotent on (trace_id, span_id, started_at): new rows by one ` +
      `\`COPY\`, a batch holding a stored row again by \`INSERT … ON CONFLICT DO NOTHING\`, straight on the \`pg\` ` +
      `pool Prisma shares), against a plain multi-row ` +
      `\`INSERT\` (no \`ON CONFLICT\`) and \`COPY … FROM STDIN\` (text format, pg-copy-streams) through \`pg\`. ` +
      `The same ${fmtInt(report.rows)} rows for every trial: AI calls mapped by \`spanToInteraction\` from ` +
      `generated GenAI spans (6 models, one unpriced; 2% errors; cached and reasoning tokens; developer ` +
      `attributes on 70%), written one statement at a time in batches of ${report.batches.join(', ')} rows ` +
      `on one connection each. Each trial starts from a truncated table and rollup, its rows with trace ids of ` +
      `their own (so every call is a new request, and the request rollup grows over the run), and ends with the row ` +
      `count and the rollup's call count checked. ${report.rounds} rounds; the order of the methods rotates ` +
      `every batch size and round, so none always runs first. Rates are the median of the rounds.`,
    '',
    ...runDetails(command, env, loadBeforeAfter(report.load)),
    '',
    resultsTable(report),
    '',
    'Idempotency: after a trial of the store, its first batch inserted again:',
    '',
    ...report.idempotency.map(
      (i) => `- ${i.batch} rows again: ${i.again} new rows; the table still has ${fmtInt(i.rowsAfter)} rows`,
    ),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------

const OPTIONS = {
  rows: { kind: 'count', default: DEFAULT_ROWS },
  batches: { kind: 'counts', default: DEFAULT_BATCHES },
  rounds: { kind: 'count', default: DEFAULT_ROUNDS },
} satisfies Record<string, OptionSpec>;

runBenchmark({
  script: 'bench:persistence',
  options: OPTIONS,
  run: async (args, { adminUrl, command }) => {
    const env = await describeEnvironment(adminUrl);
    console.log(`${env.machine}; Node ${env.node}; PostgreSQL ${env.postgres}`);
    const report = await bench(adminUrl, args.rows, args.batches, args.rounds);
    console.log(`  load average (1 min): ${report.load[0].toFixed(2)} before, ${report.load[1].toFixed(2)} after\n`);
    console.log(resultsTable(report));
    const bars = verdicts(summarize(report), report.batches);
    for (const bar of bars) {
      const verdict = bar.ok === undefined ? 'no bar at this size' : bar.ok ? 'bar met' : 'UNDER THE BAR';
      console.log(`batch ${bar.batch}: store at ${bar.ratio.toFixed(2)}× the COPY rate: ${verdict}`);
    }
    return { section: section(env, command, report), ok: bars.every((b) => b.ok !== false) };
  },
});
