// One configuration of `npm run bench:overhead` in a process of its own (each needs its own global tracer
// provider, and the contrib one patches `openai` on load). The parent asks for rounds; each round times the
// same calls in a sequential loop and reports every call's wall time and the process's CPU time.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';
import pg from 'pg';
import {
  OPERATIONS,
  type Configuration,
  type FromWorker,
  type OperationName,
  type OperationRound,
  type ToWorker,
  CHAT_BODY,
  EMBEDDINGS_BODY,
  STREAM_BODY,
} from './call-overhead-protocol';

type Run = Record<OperationName, () => Promise<unknown>>;

interface Calls {
  /** The calls, through a client of the provider at `baseURL` (made once per URL). */
  client(baseURL: string): Run;
  /** Hands every ended span to the exporter and waits for it. */
  flush(): Promise<void>;
  /** How many calls the exporter recorded (rows, or GenAI spans), and of what. */
  recorded(): Promise<{ count: number; what: string }>;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // Read every chunk, as a caller would.
  }
}

// Modules are loaded with require, after each configuration has set up its telemetry: the contrib
// instrumentation patches `openai` through a require hook (an `import()` would bypass it without an ESM
// loader hook), and all three load the same CommonJS build of the SDK.
const load = createRequire(__filename);

function loadOpenAI(): (typeof import('openai'))['default'] {
  return (load('openai') as typeof import('openai')).default;
}

/** The calls through an `openai` client as is (bare, or patched by the contrib instrumentation). */
function plainCalls(openai: InstanceType<ReturnType<typeof loadOpenAI>>): Run {
  return {
    chat: () => openai.chat.completions.create(CHAT_BODY),
    'chat (streamed)': async () => drain(await openai.chat.completions.create(STREAM_BODY)),
    embeddings: () => openai.embeddings.create(EMBEDDINGS_BODY),
  };
}

function bare(): Calls {
  const OpenAISdk = loadOpenAI();
  return {
    client: (baseURL) => plainCalls(new OpenAISdk({ baseURL, apiKey: 'bench' })),
    flush: () => Promise.resolve(),
    recorded: () => Promise.resolve({ count: 0, what: 'nothing (no telemetry)' }),
  };
}

/** Our client, the price book it prices with, and the source helper the calls run under. */
function loadClient() {
  return {
    ...(load('../lib/ai/ai-client') as typeof import('../lib/ai/ai-client')),
    ...(load('../lib/ledger/default-price-book') as typeof import('../lib/ledger/default-price-book')),
    ...(load('../lib/telemetry/source-context') as typeof import('../lib/telemetry/source-context')),
  };
}

/** The app's setup for a plain Node.js process: NodeSDK with Spendtrace's processors, rows to DATABASE_URL. */
function spendtrace(): Calls {
  const { registerNodeTelemetry } = load(
    '../lib/bootstrap/register-node',
  ) as typeof import('../lib/bootstrap/register-node');
  const { currentAppTelemetry } = load(
    '../lib/bootstrap/app-telemetry',
  ) as typeof import('../lib/bootstrap/app-telemetry');
  const { createAIClient, getDefaultPriceBook, withAISource } = loadClient();
  registerNodeTelemetry({ serviceName: 'bench', exporter: 'database' });
  const telemetry = currentAppTelemetry();
  if (!telemetry) throw new Error('telemetry did not start');
  const OpenAISdk = loadOpenAI();
  const priceBook = getDefaultPriceBook();
  return {
    client: (baseURL) =>
      instrumentedCalls(createAIClient(new OpenAISdk({ baseURL, apiKey: 'bench' }), { priceBook }), withAISource),
    async flush() {
      for (const processor of telemetry.processors) await processor.forceFlush();
    },
    async recorded() {
      const client = new pg.Client({ connectionString: env('DATABASE_URL') });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM ai_interaction WHERE source = 'job:bench' AND cost_status = 'priced'`,
        );
        return { count: Number(rows[0]?.n ?? 0), what: 'priced ai_interaction rows with source job:bench' };
      } finally {
        await client.end();
      }
    },
  };
}

/** Our client's calls, each in its own `withAISource('job:bench', …)`, with the features the app uses. */
function instrumentedCalls(
  ai: import('../lib/ai/ai-client').AIClient,
  withAISource: typeof import('../lib/telemetry/source-context').withAISource,
): Run {
  const job = <T>(fn: () => Promise<T>) => withAISource('job:bench', fn);
  return {
    chat: () => job(() => ai.chat.completions.create({ ...CHAT_BODY, feature: 'email.sentiment' })),
    'chat (streamed)': () =>
      job(async () => drain(await ai.chat.completions.create({ ...STREAM_BODY, feature: 'drafts.reply' }))),
    embeddings: () => job(() => ai.embeddings.create({ ...EMBEDDINGS_BODY, feature: 'knowledge.embed' })),
  };
}

/** Counts the GenAI spans an exporter is given, then passes them on. */
function counting(exporter: SpanExporter): SpanExporter & { count: number } {
  const wrapper = {
    count: 0,
    export(spans: Parameters<SpanExporter['export']>[0], done: (result: ExportResult) => void) {
      wrapper.count += spans.filter((s) => s.attributes['gen_ai.operation.name'] !== undefined).length;
      exporter.export(spans, done);
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  return wrapper;
}

/** `@opentelemetry/instrumentation-openai` under NodeSDK, a BatchSpanProcessor and the OTLP/protobuf exporter. */
function contrib(): Calls {
  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = load(
    '@opentelemetry/exporter-trace-otlp-proto',
  ) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { OpenAIInstrumentation } = load(
    '@opentelemetry/instrumentation-openai',
  ) as typeof import('@opentelemetry/instrumentation-openai');
  const exporter = counting(new OTLPTraceExporter({ url: env('BENCH_OTLP_URL') }));
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const sdk = new NodeSDK({
    serviceName: 'bench',
    spanProcessors: [processor],
    instrumentations: [new OpenAIInstrumentation()],
  });
  sdk.start();
  // Loaded after the instrumentation is registered, so its require hook patches the SDK.
  const OpenAISdk = loadOpenAI();
  return {
    client: (baseURL) => plainCalls(new OpenAISdk({ baseURL, apiKey: 'bench' })),
    flush: () => processor.forceFlush(),
    recorded: () => Promise.resolve({ count: exporter.count, what: 'GenAI spans exported over OTLP' }),
  };
}

/** An exporter that accepts every span at once: the cost of the span pipeline without any export work. */
function noopExporter(): SpanExporter {
  return {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
}

/**
 * Our client and processors (`createSpendtraceProcessors` without an exporter of its own), then a
 * BatchSpanProcessor and `exporter`, which counts the GenAI spans it is given (`what` they are).
 */
function spendtraceExportingTo(exporter: SpanExporter & { count: number }, what: string): Calls {
  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof import('@opentelemetry/sdk-trace-base');
  const { createSpendtraceProcessors } = load(
    '../lib/telemetry/spendtrace-processors',
  ) as typeof import('../lib/telemetry/spendtrace-processors');
  const { createAIClient, getDefaultPriceBook, withAISource } = loadClient();
  const priceBook = getDefaultPriceBook();
  const { processors } = createSpendtraceProcessors({
    priceBook,
    exporter: 'none',
    sink: () => Promise.reject(new Error('no sink')),
  });
  const batch = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  new NodeSDK({ serviceName: 'bench', spanProcessors: [...processors, batch], instrumentations: [] }).start();
  const OpenAISdk = loadOpenAI();
  return {
    client: (baseURL) =>
      instrumentedCalls(createAIClient(new OpenAISdk({ baseURL, apiKey: 'bench' }), { priceBook }), withAISource),
    flush: () => batch.forceFlush(),
    recorded: () => Promise.resolve({ count: exporter.count, what }),
  };
}

/** Diagnostic: our client and processors, with the database export replaced by a no-op exporter. */
function spendtraceNoExport(): Calls {
  return spendtraceExportingTo(counting(noopExporter()), 'GenAI spans given to the no-op exporter');
}

/**
 * Ours as the app runs with `SPENDTRACE_EXPORTER=otlp`, where `createSpendtraceProcessors` adds exactly this
 * batch processor and OTLP/protobuf exporter (built here, to count the spans), sending to the receiver C
 * sends to; rows are the collector sink's work, in another process.
 */
function spendtraceOtlp(): Calls {
  const { OTLPTraceExporter } = load(
    '@opentelemetry/exporter-trace-otlp-proto',
  ) as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return spendtraceExportingTo(
    counting(new OTLPTraceExporter({ url: env('BENCH_OTLP_URL') })),
    'GenAI spans exported over OTLP',
  );
}

/** What a diagnostic span is given as it starts and just before it ends. */
interface SpanAttributes {
  start: Attributes;
  end?: Attributes;
}

/**
 * One active span around each bare call under NodeSDK (AsyncLocalStorage context), a BatchSpanProcessor and a
 * no-op exporter; each span gets `attributes(baseURL)[operation]`.
 */
function spannedCalls(attributes: (baseURL: string) => Record<OperationName, SpanAttributes>): Calls {
  const { NodeSDK } = load('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = load(
    '@opentelemetry/sdk-trace-base',
  ) as typeof import('@opentelemetry/sdk-trace-base');
  const api = load('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const exporter = counting(noopExporter());
  const batch = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  new NodeSDK({ serviceName: 'bench', spanProcessors: [batch], instrumentations: [] }).start();
  const tracer = api.trace.getTracer('bench');
  const spanned = <T>(name: string, given: SpanAttributes, fn: () => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(name, { kind: api.SpanKind.CLIENT, attributes: given.start }, async (span) => {
      try {
        return await fn();
      } finally {
        if (given.end) span.setAttributes(given.end);
        span.end();
      }
    });
  const OpenAISdk = loadOpenAI();
  return {
    client(baseURL) {
      const openai = new OpenAISdk({ baseURL, apiKey: 'bench' });
      const given = attributes(baseURL);
      return {
        chat: () => spanned('chat', given.chat, () => openai.chat.completions.create(CHAT_BODY)),
        'chat (streamed)': () =>
          spanned('chat', given['chat (streamed)'], async () =>
            drain(await openai.chat.completions.create(STREAM_BODY)),
          ),
        embeddings: () => spanned('embeddings', given.embeddings, () => openai.embeddings.create(EMBEDDINGS_BODY)),
      };
    },
    flush: () => batch.forceFlush(),
    recorded: () => Promise.resolve({ count: exporter.count, what: 'spans given to the no-op exporter' }),
  };
}

/**
 * Diagnostic: the least any OpenTelemetry instrumentation of a call costs — one active span around the bare
 * call, named by its operation and with that one attribute.
 */
function otelFloor(): Calls {
  const only = (operation: string): SpanAttributes => ({ start: { 'gen_ai.operation.name': operation } });
  return spannedCalls(() => ({ chat: only('chat'), 'chat (streamed)': only('chat'), embeddings: only('embeddings') }));
}

/**
 * Diagnostic: E's span carrying the attributes our client's span of the same call carries, with the same values,
 * given as ours gives them (those known before the call at its start, the rest at its end), but made by no code
 * of ours: what recording them costs the OpenTelemetry SDK. The list is D's span as ended on 2026-12-05 (the
 * order of the keys too); `span-readings.test.ts` and `ai-client.test.ts` hold what our client records.
 */
function otelFloorAttributes(): Calls {
  return spannedCalls((baseURL) => {
    const url = new URL(baseURL);
    const started = (operation: string, feature: string, streamed: boolean, model: string): Attributes => ({
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': 'openai',
      'ai.operation': operation,
      'ai.feature': feature,
      'ai.streamed': streamed,
      'gen_ai.request.model': model,
      'server.address': url.hostname,
      'server.port': Number(url.port),
      'ai.source': 'job:bench',
    });
    const chatEnd = (id: string): Attributes => ({
      'gen_ai.request.max_tokens': 200,
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.id': id,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 43,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.output_tokens': 24,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'ai.cost.status': 'priced',
      'ai.cost.usd': 0.00002085,
      'ai.price.ref': 'genai-prices@0.1.8:openai/gpt-4o-mini',
    });
    return {
      chat: { start: started('chat', 'email.sentiment', false, 'gpt-4o-mini'), end: chatEnd('chatcmpl-local-1') },
      'chat (streamed)': {
        start: started('chat', 'drafts.reply', true, 'gpt-4o-mini'),
        end: chatEnd('chatcmpl-local-2'),
      },
      embeddings: {
        start: started('embeddings', 'knowledge.embed', false, 'text-embedding-3-small'),
        end: {
          'gen_ai.response.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 11,
          'ai.cost.status': 'priced',
          'ai.cost.usd': 2.2e-7,
          'ai.price.ref': 'genai-prices@0.1.8:openai/text-embedding-3-small',
        },
      },
    };
  });
}

async function round(
  calls: Calls,
  client: Run,
  warmups: number,
  n: number,
): Promise<Record<OperationName, OperationRound>> {
  const results = {} as Record<OperationName, OperationRound>;
  for (const operation of OPERATIONS) {
    const run = client[operation];
    for (let i = 0; i < warmups; i++) await run();
    await calls.flush();
    const wallMs: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await run();
      wallMs.push(performance.now() - t0);
    }
    await calls.flush();
    const used = process.cpuUsage(cpu);
    results[operation] = { wallMs, cpuUs: used.user + used.system };
  }
  return results;
}

function send(message: FromWorker): void {
  process.send?.(message);
}

async function versionOf(name: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const json = JSON.parse(await readFile(`node_modules/${name}/package.json`, 'utf8')) as { version: string };
  return json.version;
}

async function main(): Promise<void> {
  const configuration = process.argv[2] as Configuration;
  // The provider's base URL for each added latency (ms), the first at 0.
  const providers = JSON.parse(env('BENCH_PROVIDER_URLS')) as Record<string, string>;
  const setups: Record<Configuration, () => Calls> = {
    bare,
    spendtrace,
    contrib,
    'spendtrace-no-export': spendtraceNoExport,
    'spendtrace-otlp': spendtraceOtlp,
    'otel-floor': otelFloor,
    'otel-floor-attributes': otelFloorAttributes,
  };
  const setup = setups[configuration] as (() => Calls) | undefined;
  if (!setup) throw new Error(`unknown configuration ${configuration}`);
  const calls = setup();
  const clients = new Map<number, Run>();
  const clientFor = (latencyMs: number): Run => {
    let client = clients.get(latencyMs);
    if (!client) {
      const url = providers[String(latencyMs)];
      if (!url) throw new Error(`no provider with ${latencyMs} ms latency`);
      client = calls.client(url);
      clients.set(latencyMs, client);
    }
    return client;
  };
  let made = 0;
  process.on('message', (message: ToWorker) => {
    const handle = async (): Promise<void> => {
      if (message.type === 'round') {
        const results = await round(calls, clientFor(message.latencyMs), message.warmups, message.calls);
        made += OPERATIONS.length * (message.warmups + message.calls);
        send({ type: 'round', results });
      } else {
        await calls.flush();
        const { count, what } = await calls.recorded();
        send({ type: 'finished', calls: made, recorded: count, what });
      }
    };
    handle().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  process.once('disconnect', () => process.exit(0));
  const versions: Record<string, string> = {};
  for (const name of ['openai', '@opentelemetry/sdk-trace-base', '@opentelemetry/instrumentation-openai']) {
    versions[name] = await versionOf(name);
  }
  send({ type: 'ready', versions });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
