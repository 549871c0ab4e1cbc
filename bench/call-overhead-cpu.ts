// CPU time per call of our client and processors beyond one empty span (configuration D − E of
// `npm run bench:overhead`), without the provider, the HTTP stack or the SDK's parsing: both run against a
// stub `openai` whose answers are the local provider's own, recorded once. D and E share this process (E on
// a tracer provider of its own), interleaved in many short repetitions, so load from other work on the
// machine falls on both. `npx tsx bench/call-overhead-cpu.ts [reps] [calls] [only-D]`; with CPU_PROFILE=<file>
// the measured rounds are profiled (the third argument skips E, so the profile is ours alone). With
// BENCH_EVICT_KIB=<n> each stubbed answer first writes to n KiB of memory, once before it resolves and once after,
// as the HTTP stack and the SDK's parsing do between our steps: 4096 evicts the caches of this machine's cores,
// which a warm loop without it keeps hot for our code.
import { createRequire } from 'node:module';
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { CHAT_BODY, EMBEDDINGS_BODY, OPERATIONS, STREAM_BODY, type OperationName } from './call-overhead-protocol';

const load = createRequire(__filename);
/** Where the app's modules are loaded from: BENCH_LIB (relative to bench/) to measure another copy. */
const LIB = process.env.BENCH_LIB ?? '../lib';

type Run = Record<OperationName, () => Promise<unknown>>;

function noopExporter(): SpanExporter & { count: number } {
  const exporter = {
    count: 0,
    export: (spans: unknown[], done: (r: { code: ExportResultCode }) => void) => {
      exporter.count += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
  return exporter;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // Read every chunk, as a caller would.
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 40);
  const calls = Number(process.argv[3] ?? 500);
  const onlyD = process.argv[4] === 'only-D';

  // The provider's answers, recorded once through the real SDK.
  const { startLocalProvider } = await import('../lib/ai/local-provider');
  const provider = await startLocalProvider();
  const OpenAISdk = (load('openai') as typeof import('openai')).default;
  const real = new OpenAISdk({ baseURL: provider.url, apiKey: 'bench' });
  const completion: ChatCompletion = await real.chat.completions.create(CHAT_BODY);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await real.chat.completions.create(STREAM_BODY)) chunks.push(chunk);
  const embedding: CreateEmbeddingResponse = await real.embeddings.create(EMBEDDINGS_BODY);
  await provider.close();
  const { Stream } = load('openai/streaming') as typeof import('openai/streaming');
  // What a real call does between our steps, for caches: BENCH_EVICT_KIB of memory written to, a byte per line.
  const evicted = new Uint8Array(Number(process.env.BENCH_EVICT_KIB ?? 0) * 1024);
  const evict = (): void => {
    for (let i = 0; i < evicted.length; i += 64) evicted[i] = ((evicted[i] as number) + i) & 255;
  };
  const answer = <T>(value: T): Promise<T> => {
    if (evicted.length === 0) return Promise.resolve(value);
    evict();
    return Promise.resolve(value).then((v) => {
      evict();
      return v;
    });
  };
  // The SDK parses each answer afresh; a structured clone stands in for that (the same in D and E).
  const stub = {
    baseURL: provider.url,
    chat: {
      completions: {
        create: (body: { stream?: boolean }) =>
          answer(
            body.stream
              ? // The SDK's own iterator is an async generator too (it awaits the response body between chunks).
                // eslint-disable-next-line @typescript-eslint/require-await
                new Stream(async function* () {
                  for (const chunk of chunks) yield { ...chunk };
                }, new AbortController())
              : { ...completion },
          ),
      },
    },
    embeddings: { create: () => answer({ ...embedding }) },
  } as unknown as InstanceType<typeof OpenAISdk>;

  // D: our client and processors, then a batch processor and a no-op exporter; one per copy of the app's modules
  // (BENCH_LIBS, comma-separated, relative to bench/: a copy from before a change against the change), each on
  // a tracer provider of its own. A client keeps the tracer it got on its first call, so each copy's provider
  // is the global one only until its client made that call.
  const { BatchSpanProcessor, BasicTracerProvider } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof import('@opentelemetry/sdk-trace-base');
  const api = load('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = load(
    '@opentelemetry/context-async-hooks',
  ) as typeof import('@opentelemetry/context-async-hooks');
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const ours: [string, Run, { forceFlush(): Promise<void> }, ReturnType<typeof noopExporter>][] = [];
  for (const lib of (process.env.BENCH_LIBS ?? LIB).split(',')) {
    const { createSpendtraceProcessors } = load(
      `${lib}/telemetry/spendtrace-processors`,
    ) as typeof import('../lib/telemetry/spendtrace-processors');
    const { createAIClient } = load(`${lib}/ai/ai-client`) as typeof import('../lib/ai/ai-client');
    const { getDefaultPriceBook } = load(
      `${lib}/ledger/default-price-book`,
    ) as typeof import('../lib/ledger/default-price-book');
    const { withAISource } = load(
      `${lib}/telemetry/source-context`,
    ) as typeof import('../lib/telemetry/source-context');
    const priceBook = getDefaultPriceBook();
    const { processors } = createSpendtraceProcessors({
      priceBook,
      exporter: 'none',
      sink: () => Promise.reject(new Error('no sink')),
    });
    const exported = noopExporter();
    const batch = new BatchSpanProcessor(exported, { scheduledDelayMillis: 1000 });
    api.trace.disable();
    api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [...processors, batch] }));
    const ai = createAIClient(stub, { priceBook });
    const job = <T>(fn: () => Promise<T>) => withAISource('job:bench', fn);
    const run: Run = {
      chat: () => job(() => ai.chat.completions.create({ ...CHAT_BODY, feature: 'email.sentiment' })),
      'chat (streamed)': () =>
        job(async () => drain(await ai.chat.completions.create({ ...STREAM_BODY, feature: 'drafts.reply' }))),
      embeddings: () => job(() => ai.embeddings.create({ ...EMBEDDINGS_BODY, feature: 'knowledge.embed' })),
    };
    for (const op of OPERATIONS) await run[op]();
    ours.push([`D ${lib}`, run, batch, exported]);
  }

  // E: one empty active span around the bare call, on a provider of its own (the context manager is shared).
  const exportedE = noopExporter();
  const batchE = new BatchSpanProcessor(exportedE, { scheduledDelayMillis: 1000 });
  const tracerE = new BasicTracerProvider({ spanProcessors: [batchE] }).getTracer('bench');
  const spanned = <T>(operation: string, fn: () => Promise<T>): Promise<T> =>
    tracerE.startActiveSpan(
      operation,
      { kind: api.SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': operation } },
      async (span) => {
        try {
          return await fn();
        } finally {
          span.end();
        }
      },
    );
  const runE: Run = {
    chat: () => spanned('chat', () => stub.chat.completions.create(CHAT_BODY)),
    'chat (streamed)': () => spanned('chat', async () => drain(await stub.chat.completions.create(STREAM_BODY))),
    embeddings: () => spanned('embeddings', () => stub.embeddings.create(EMBEDDINGS_BODY)),
  };

  const configurations: [string, Run, { forceFlush(): Promise<void> }][] = ours.map(([name, run, batch]) => [
    name,
    run,
    batch,
  ]);
  if (!onlyD) configurations.push(['E', runE, batchE]);
  const samples: Record<string, Record<OperationName, number[]>> = {};
  for (const [name] of configurations) samples[name] = { chat: [], 'chat (streamed)': [], embeddings: [] };

  for (const [, run, batch] of configurations) {
    for (const op of OPERATIONS) {
      for (let i = 0; i < 2000; i++) {
        await run[op]();
        // A batch processor drops spans past its queue of 2048.
        if (i % 500 === 499) await batch.forceFlush();
      }
    }
  }
  const profile = process.env.CPU_PROFILE ? await startProfile() : undefined;
  for (let r = 0; r < reps; r++) {
    // Rotated every round, so no configuration always follows the same one.
    const order = configurations.map(
      (_, i) => configurations[(i + r) % configurations.length],
    ) as typeof configurations;
    for (const op of OPERATIONS) {
      for (const [name, run, batch] of order) {
        await batch.forceFlush();
        const cpu = process.cpuUsage();
        for (let i = 0; i < calls; i++) await run[op]();
        await batch.forceFlush();
        const used = process.cpuUsage(cpu);
        (samples[name] as Record<OperationName, number[]>)[op].push((used.user + used.system) / calls);
      }
    }
  }
  // Per configuration: median CPU µs per call, and the median (quartiles) over rounds of its difference from
  // E and from the first configuration, paired within each round.
  const paired = (a: number[], b: number[]): string => {
    const diffs = a.map((x, i) => x - (b[i] as number));
    return `${median(diffs).toFixed(2)} (${quantile(diffs, 0.25).toFixed(2)} … ${quantile(diffs, 0.75).toFixed(2)})`;
  };
  for (const op of OPERATIONS) {
    const first = samples[configurations[0]?.[0] ?? '']?.[op] ?? [];
    const e = samples.E?.[op];
    for (const [name] of configurations) {
      const mine = samples[name]?.[op] ?? [];
      console.log(
        `${op.padEnd(16)} ${name.padEnd(22)} ${median(mine).toFixed(2).padStart(7)} µs/call` +
          (e && name !== 'E' ? `  −E ${paired(mine, e)}` : '') +
          (name !== configurations[0]?.[0] && name !== 'E' ? `  −first ${paired(mine, first)}` : ''),
      );
    }
  }
  if (profile && process.env.CPU_PROFILE) await profile(process.env.CPU_PROFILE);
  const expected = (2001 + reps * calls) * OPERATIONS.length;
  for (const [name, , , exported] of ours) {
    if (exported.count !== expected) throw new Error(`${name} exported ${exported.count} spans, expected ${expected}`);
  }
}

/** Profiles the measured rounds alone (not start-up or warm-up), sampling every 50 µs. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
