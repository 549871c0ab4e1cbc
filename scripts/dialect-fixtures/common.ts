// What every emit-<emitter>.ts script shares: the three model calls (the same prompts for every emitter; the
// Anthropic emitter makes the two chats), the root span they run under, the fixture's span shape, the hand-off to
// record.ts (a JSON file whose path record.ts passes in FIXTURE_OUTPUT), and the optional live export to a sink
// (FIXTURE_OTLP_URL). Nothing here loads `openai` at import time: the instrumentations patch it through a require
// hook, so each script loads it with `loadOpenAI()` after its telemetry is set up.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type OpenAI from 'openai';

export const EMITTERS = [
  'contrib',
  'openllmetry',
  'ai-sdk-6',
  'ai-sdk-6-anthropic',
  'ai-sdk-6-azure',
  'ai-sdk-6-bedrock',
  'ai-sdk-6-deepseek',
  'ai-sdk-6-google',
  'ai-sdk-6-groq',
  'ai-sdk-6-mistral',
  'ai-sdk-6-vertex',
  'ai-sdk-6-xai',
  'ai-sdk-7',
  'openlit',
  'openinference',
  'langfuse',
] as const;
export type Emitter = (typeof EMITTERS)[number];

export const API_KEY = 'sk-test';
export const CHAT_MODEL = 'gpt-4o-mini';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
/** The Anthropic emitter's model: one that @pydantic/genai-prices prices, with cache reads and writes. */
export const ANTHROPIC_MODEL = 'claude-sonnet-4-0';

/**
 * The models of the AI SDK 6 emitters with one more provider package (emit-ai-sdk-6-<provider>.ts), each priced
 * by @pydantic/genai-prices for that provider, with cache reads where the list has a price for them; `embedding`
 * is null where the package has no embedding models.
 */
export const PROVIDER_MODELS = {
  'ai-sdk-6-azure': { chat: 'gpt-4o-mini', embedding: 'text-embedding-3-small' },
  // Claude Sonnet 4 on Bedrock, priced under `aws` with cache reads and writes.
  'ai-sdk-6-bedrock': { chat: 'anthropic.claude-sonnet-4-20250514-v1:0', embedding: null },
  'ai-sdk-6-deepseek': { chat: 'deepseek-chat', embedding: null },
  'ai-sdk-6-google': { chat: 'gemini-2.5-flash', embedding: 'gemini-embedding-001' },
  'ai-sdk-6-groq': { chat: 'moonshotai/kimi-k2-instruct', embedding: null },
  'ai-sdk-6-mistral': { chat: 'mistral-medium-latest', embedding: 'mistral-embed' },
  'ai-sdk-6-vertex': { chat: 'gemini-2.5-flash', embedding: null },
  'ai-sdk-6-xai': { chat: 'grok-3', embedding: null },
} as const satisfies Partial<Record<string, { chat: string; embedding: string | null }>>;

export const ROOT_SPAN_NAME = 'POST /api/webhooks/email';
export const ROOT_SPAN_ATTRIBUTES = { 'http.request.method': 'POST', 'http.route': '/api/webhooks/email' } as const;
/** The tracer (instrumentation scope) the root span is started with. */
export const ROOT_TRACER_NAME = 'dialect-fixtures';

export const SYSTEM_PROMPT =
  'You triage inbound sales email for a B2B software company. Answer with one short sentence naming the next step.';

/** Over 1,200 characters, so the local provider's prompt is ≥256 tokens and it reports cached tokens. */
export const LONG_USER_PROMPT = [
  'Hello team,',
  'We are a logistics company with about 140 dispatchers spread over three regional offices, and we have been',
  'evaluating tools to track which of our internal workflows call large language models and what each of them',
  'costs us per month. Our finance department asked for a breakdown by route, by scheduled job and by the',
  'individual server actions in our customer portal, because the current invoice from our model provider only',
  'shows one total and nobody can tell which feature is responsible for the growth we saw last quarter.',
  'We would like a quote for 40 seats to start with, with the option to grow to the whole dispatch team by the',
  'end of the year. We also need to know whether the data stays in the EU, whether you support single sign-on',
  'through our identity provider, and whether the dashboard can export monthly reports as CSV for the',
  'controllers. If possible, please include the price of a yearly contract as well as a monthly one, and tell',
  'us how long an onboarding usually takes for a team of our size. Our procurement window closes at the end of',
  'next month, so a call tomorrow morning between nine and eleven would suit us best. You can reach me on my',
  'mobile number below, or reply to this email with a few time slots that work for your sales engineers.',
  'Kind regards, Maria Jensen, Head of Operations',
].join(' ');

/**
 * The Anthropic emitter's system prompt, marked for caching: with SHORT_USER_PROMPT after it, the local provider's
 * rule (simulatedMessagesUsage) reports cache reads, cache writes and uncached input all at once.
 */
export const LONG_SYSTEM_PROMPT = [
  SYSTEM_PROMPT,
  'Triage rules, in order of precedence.',
  'First, a message that mentions a security incident, a data breach or a legal claim goes to the on-call',
  'security lead, whatever else it asks for, and the next step is to forward it within the hour.',
  'Second, a request for a quote, a price list or a contract goes to sales: name the seat count when the sender',
  'gives one, and propose a call when they ask for one, within the time window they name.',
  'Third, a question about an invoice, a refund, a failed payment or a change of billing address goes to the',
  'billing team, who answer within one business day; never promise a refund yourself.',
  'Fourth, a bug report or an outage report goes to support with the product area, the customer name and the',
  'urgency the sender states; an outage that affects more than one user is always urgent.',
  'Fifth, a question about data residency, single sign-on, audit logs or the security questionnaire goes to',
  'the solutions engineers, who answer with the current documentation.',
  'Anything else goes to the shared inbox. Write the next step as an imperative sentence of at most twenty',
  'words, naming the team, and never include prices, discounts or dates the sender did not give.',
].join(' ');

export const SHORT_USER_PROMPT = 'Can you call me tomorrow morning about a quote for 40 seats?';

export const EMBEDDING_INPUTS = [
  'Quote for 40 seats; call tomorrow morning.',
  'Does the dashboard export monthly reports as CSV?',
] as const;

/** Runs `calls` inside the SERVER root span every fixture has, started with `tracer` (the emitter's provider). */
export function withRootSpan<T>(tracer: Tracer, calls: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    ROOT_SPAN_NAME,
    { kind: SpanKind.SERVER, attributes: { ...ROOT_SPAN_ATTRIBUTES } },
    async (span) => {
      try {
        return await calls();
      } finally {
        span.end();
      }
    },
  );
}

// `openai` is required (not imported) after the instrumentation is registered, so its require hook patches it.
const load = createRequire(__filename);

export function loadOpenAI(): (typeof import('openai'))['default'] {
  return (load('openai') as typeof import('openai')).default;
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // Read every chunk, as a caller would.
  }
}

/** The three calls through an `openai` client (bare, patched by an instrumentation, or wrapped). */
export async function openaiCalls(client: OpenAI): Promise<void> {
  await client.chat.completions.create({
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: LONG_USER_PROMPT },
    ],
  });
  await drain(
    await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: SHORT_USER_PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    }),
  );
  await client.embeddings.create({ model: EMBEDDING_MODEL, input: [...EMBEDDING_INPUTS] });
}

export interface FixtureSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** The @opentelemetry/api SpanKind number (INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4). */
  kind: number;
  startTimeMs: number;
  durationMs: number;
  statusCode: number;
  attributes: Record<string, unknown>;
  scope: { name: string; version: string | null };
  serviceName: string;
}

/** What an emit script hands to record.ts. */
export interface EmitterOutput {
  packages: Record<string, string>;
  spans: FixtureSpan[];
}

/** Span events are not part of a fixture; say which a span had. */
export function noteEvents(spanName: string, eventNames: string[]): void {
  if (eventNames.length > 0) {
    process.stderr.write(`note: span '${spanName}' has events not kept in the fixture: ${eventNames.join(', ')}\n`);
  }
}

const hrTimeToMs = ([seconds, nanos]: [number, number]): number => seconds * 1000 + nanos / 1e6;

export function toFixtureSpan(span: ReadableSpan): FixtureSpan {
  const context = span.spanContext();
  const serviceName = span.resource.attributes['service.name'];
  if (span.droppedAttributesCount > 0) {
    process.stderr.write(`warning: span '${span.name}' dropped ${span.droppedAttributesCount} attributes\n`);
  }
  noteEvents(
    span.name,
    span.events.map((event) => event.name),
  );
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: span.kind,
    startTimeMs: hrTimeToMs(span.startTime),
    durationMs: hrTimeToMs(span.duration),
    statusCode: span.status.code,
    attributes: { ...span.attributes },
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version ?? null },
    serviceName: typeof serviceName === 'string' ? serviceName : '',
  };
}

export function serviceNameFor(emitter: Emitter): string {
  return `fixture-${emitter}`;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Installed versions, keyed by the real package name. `dir` is the folder under node_modules when the package
 * is installed under an npm alias (e.g. ['ai', 'ai-v7']).
 */
export function packageVersions(packages: ReadonlyArray<string | readonly [name: string, dir: string]>) {
  const versions: Record<string, string> = {};
  for (const entry of packages) {
    const [name, dir] = typeof entry === 'string' ? [entry, entry] : entry;
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    if (manifest.name !== name) throw new Error(`node_modules/${dir} holds ${manifest.name}, expected ${name}`);
    versions[name] = manifest.version;
  }
  return versions;
}

export function emitterEnv(): { providerUrl: string; output: string } {
  const providerUrl = process.env.FIXTURE_PROVIDER_URL;
  const output = process.env.FIXTURE_OUTPUT;
  if (!providerUrl || !output) {
    throw new Error('FIXTURE_PROVIDER_URL and FIXTURE_OUTPUT are not set: run this through record.ts');
  }
  return { providerUrl, output };
}

export function writeEmitterOutput(path: string, output: EmitterOutput): void {
  writeFileSync(path, JSON.stringify(output));
}

/**
 * When FIXTURE_OTLP_URL is set (the live test, test/integration/emitters-live.test.ts), a BatchSpanProcessor with
 * the official OTLP/protobuf exporter sending there (with `authorization: Bearer FIXTURE_OTLP_TOKEN`), to go
 * beside the script's in-memory one; otherwise none. `flush()` exports what is queued and throws if any export
 * failed, since the processor itself only logs that.
 */
export function otlpExport(): { processors: SpanProcessor[]; flush(): Promise<void> } {
  const url = process.env.FIXTURE_OTLP_URL;
  if (!url) return { processors: [], flush: () => Promise.resolve() };
  const token = process.env.FIXTURE_OTLP_TOKEN;
  const exporter = new OTLPTraceExporter({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const failures: string[] = [];
  const checked: SpanExporter = {
    export(spans, done) {
      exporter.export(spans, (result: ExportResult) => {
        if (result.code !== ExportResultCode.SUCCESS) failures.push(result.error?.message ?? 'failed');
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const processor = new BatchSpanProcessor(checked);
  return {
    processors: [processor],
    async flush() {
      await processor.forceFlush();
      if (failures.length > 0) throw new Error(`OTLP export to ${url} failed: ${failures.join('; ')}`);
    },
  };
}

/** Runs an emit script's main, then exits: some emitters leave timers or sockets open. */
export function runEmitter(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
