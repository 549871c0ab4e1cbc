// The spans each GenAI instrumentation really emits for the same three calls (a chat with cached input, a
// streamed chat, an embeddings call), recorded from the npm packages by `npm run fixtures:dialects` into
// lib/ledger/dialects/fixtures/, and the rows the ledger must make of them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type SpanKind,
  type TracerProvider,
} from '@opentelemetry/api';
import type { SpanRecord } from '../../lib/ledger/span-to-interaction';
import type { InteractionRow } from '../../lib/ledger/span-to-interaction';
import { NO_USAGE as NO_USAGE_COLUMNS } from '../../harness/interaction-rows';

export const FIXTURE_DIR = path.resolve(__dirname, '../../lib/ledger/dialects/fixtures');

export interface FixtureSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startTimeMs: number;
  durationMs: number;
  statusCode: SpanStatusCode;
  attributes: Attributes;
  scope: { name: string; version: string | null };
  serviceName: string;
}

export interface DialectFixture {
  emitter: string;
  packages: Record<string, string>;
  /** What the local provider answered each call with. */
  calls: {
    operation: 'chat' | 'embeddings';
    model: string;
    streamed: boolean;
    /** Null where the provider's answer carries no usage (Gemini's embeddings). */
    usage: { promptTokens: number; cachedTokens: number; completionTokens: number; reasoningTokens: number } | null;
  }[];
  spans: FixtureSpan[];
}

export function loadFixtures(): DialectFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as DialectFixture);
}

/** The fixture's spans as the sink decodes them. */
export function fixtureRecords(fixture: DialectFixture): SpanRecord[] {
  return fixture.spans.map((span) => ({
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? undefined,
    name: span.name,
    startTimeMs: span.startTimeMs,
    durationMs: span.durationMs,
    attributes: span.attributes,
    statusCode: span.statusCode,
    serviceName: span.serviceName,
    scope: { name: span.scope.name, version: span.scope.version ?? undefined },
  }));
}

/** The route of the fixture's root span, which every call ran under. */
export const FIXTURE_ROUTE = '/api/webhooks/email';

/**
 * Starts and ends the fixture's spans again through `provider`, each with its recorded tracer name, kind,
 * attributes, status, parent and times, so they pass through real span processors and exporters as the
 * emitter's spans would. New ids: returns the new trace id.
 */
export function replayFixture(fixture: DialectFixture, provider: TracerProvider): string {
  const contexts = new Map<string, Context>();
  const started = [...fixture.spans]
    .sort((a, b) => a.startTimeMs - b.startTimeMs)
    .map((recorded) => {
      const tracer = provider.getTracer(recorded.scope.name, recorded.scope.version ?? undefined);
      const parent =
        recorded.parentSpanId === null ? context.active() : (contexts.get(recorded.parentSpanId) ?? context.active());
      const span = tracer.startSpan(
        recorded.name,
        { kind: recorded.kind, attributes: recorded.attributes, startTime: recorded.startTimeMs },
        parent,
      );
      if (recorded.statusCode !== SpanStatusCode.UNSET) span.setStatus({ code: recorded.statusCode });
      contexts.set(recorded.spanId, trace.setSpan(parent, span));
      return { recorded, span };
    });
  // Children end before their parents, as they did when recorded.
  for (const { recorded, span } of started.sort(
    (a, b) => a.recorded.startTimeMs + a.recorded.durationMs - (b.recorded.startTimeMs + b.recorded.durationMs),
  )) {
    span.end(recorded.startTimeMs + recorded.durationMs);
  }
  const root = started.find(({ recorded }) => recorded.parentSpanId === null);
  if (root === undefined) throw new Error(`fixture ${fixture.emitter} has no root span`);
  return root.span.spanContext().traceId;
}

/** The columns of a row that depend on the emitter; ids, times and the service are the fixture's own. */
export type DialectRow = Pick<
  InteractionRow,
  | 'source'
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'inputTokens'
  | 'cachedInputTokens'
  | 'outputTokens'
  | 'reasoningTokens'
  | 'totalTokens'
  | 'costUsd'
  | 'costStatus'
  | 'streamed'
>;

export function dialectRow(row: DialectRow): DialectRow {
  return {
    source: row.source,
    operation: row.operation,
    provider: row.provider,
    requestModel: row.requestModel,
    responseModel: row.responseModel,
    inputTokens: row.inputTokens,
    cachedInputTokens: row.cachedInputTokens,
    outputTokens: row.outputTokens,
    reasoningTokens: row.reasoningTokens,
    totalTokens: row.totalTokens,
    costUsd: row.costUsd,
    costStatus: row.costStatus,
    streamed: row.streamed,
  };
}

// The replies (simulatedReply): 'Simulated reply to: ' (20 chars) + the user text when it is at most 200 chars, else
// its first 40. LONG_USER_PROMPT is longer: 20 + 40 = 60 chars, 15 tokens. SHORT_USER_PROMPT (60 chars) is echoed
// whole: 20 + 60 = 80 chars, 20 tokens.
/** Output tokens of a reply to LONG_USER_PROMPT (the first chat). */
const LONG_REPLY_TOKENS = 15;
/** Output tokens of a reply to SHORT_USER_PROMPT (the streamed chat, and the Anthropic and Bedrock first chat). */
const SHORT_REPLY_TOKENS = 20;

// The prices in force (genai-prices): gpt-4o-mini $0.15 input, $0.075 cached input, $0.60 output per million
// tokens; text-embedding-3-small $0.02 per million.
const CHAT = {
  source: FIXTURE_ROUTE,
  operation: 'chat',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  responseModel: 'gpt-4o-mini',
  // 366 prompt tokens, 256 of them cached; 15 out.
  inputTokens: 366,
  outputTokens: LONG_REPLY_TOKENS,
  totalTokens: 381,
  streamed: false,
} as const;
/** 110 × 0.15 + 256 × 0.075 + 15 × 0.60 = 44.7 µ$. */
const CHAT_EXACT = { cachedInputTokens: 256, costUsd: '0.000044700000', costStatus: 'priced' } as const;
/** Without the cache reads: 366 × 0.15 + 15 × 0.60 = 63.9 µ$, an upper bound. */
const CHAT_UPPER_BOUND = { cachedInputTokens: null, costUsd: '0.000063900000', costStatus: 'upper_bound' } as const;
/** SHORT_USER_PROMPT: 15 + 4 = 19 prompt tokens; 20 out. */
const STREAMED = {
  ...CHAT,
  inputTokens: 19,
  outputTokens: SHORT_REPLY_TOKENS,
  totalTokens: 39,
  streamed: true,
} as const;
/** 19 × 0.15 + 20 × 0.60 = 14.85 µ$. */
const STREAMED_COST = { costUsd: '0.000014850000', costStatus: 'priced' } as const;
/** The usage and cost columns of a call without usage, as DialectRow has them (no priceRef). */
const { priceRef: _priceRef, ...NO_USAGE } = NO_USAGE_COLUMNS;
const EMBEDDINGS = {
  source: FIXTURE_ROUTE,
  operation: 'embeddings',
  provider: 'openai',
  requestModel: 'text-embedding-3-small',
  responseModel: 'text-embedding-3-small',
  streamed: false,
} as const;
/** 24 × 0.02 = 0.48 µ$. */
const EMBEDDINGS_PRICED = {
  ...EMBEDDINGS,
  inputTokens: 24,
  cachedInputTokens: null,
  outputTokens: null,
  reasoningTokens: null,
  totalTokens: 24,
  costUsd: '0.000000480000',
  costStatus: 'priced',
} as const;

/** claude-sonnet-4-0: $3 input, $0.30 cache reads, $3.75 cache writes, $15 output per million tokens. */
const CLAUDE_CHAT = {
  source: FIXTURE_ROUTE,
  operation: 'chat',
  provider: 'anthropic',
  requestModel: 'claude-sonnet-4-0',
  responseModel: 'claude-sonnet-4-0',
  reasoningTokens: null,
  costStatus: 'priced',
} as const;

/**
 * The two chats of an AI SDK 6 emitter with another provider package (the prompts of ai-sdk-6: 366 in, 256 of
 * them cache reads, 15 out; then 19 in, 20 out), as `provider` names `model`; `costs` are the chat's and the
 * stream's. `reasoningTokens` (a reasoning model's 64) are part of both chats' output.
 */
function providerChats(
  provider: string,
  model: string,
  costs: readonly [chat: string, streamed: string],
  usage: { reasoningTokens?: number | null; streamedCachedInputTokens?: number | null } = {},
): DialectRow[] {
  const { reasoningTokens = 0, streamedCachedInputTokens = 0 } = usage;
  const chatOutputTokens = LONG_REPLY_TOKENS + (reasoningTokens ?? 0);
  const streamedOutputTokens = SHORT_REPLY_TOKENS + (reasoningTokens ?? 0);
  const chat = { ...CHAT, provider, requestModel: model, responseModel: model, reasoningTokens };
  return [
    {
      ...chat,
      cachedInputTokens: 256,
      outputTokens: chatOutputTokens,
      totalTokens: 366 + chatOutputTokens,
      costUsd: costs[0],
      costStatus: 'priced',
    },
    {
      ...chat,
      inputTokens: 19,
      cachedInputTokens: streamedCachedInputTokens,
      outputTokens: streamedOutputTokens,
      totalTokens: 19 + streamedOutputTokens,
      costUsd: costs[1],
      costStatus: 'priced',
      streamed: true,
    },
  ];
}

/** An embeddings row of the two EMBEDDING_INPUTS (24 tokens), as `provider` names `model`. */
const embeddingsRow = (provider: string, model: string, costUsd: string): DialectRow => ({
  ...EMBEDDINGS_PRICED,
  provider,
  requestModel: model,
  responseModel: null,
  costUsd,
});

/**
 * The rows of each fixture, in the order of the calls. Where an emitter leaves something out, the row says so:
 * no cache reads (contrib, OpenLLMetry: an upper bound), no usage on a stream (OpenLLMetry, OpenInference) or
 * on embeddings (OpenInference, Langfuse), no embeddings span at all (OpenLLMetry 0.27).
 */
export const EXPECTED_ROWS: Record<string, DialectRow[]> = {
  'ai-sdk-6': [
    { ...CHAT, ...CHAT_EXACT, reasoningTokens: 0 },
    { ...STREAMED, ...STREAMED_COST, cachedInputTokens: 0, reasoningTokens: 0 },
    // The embeddings spans name no response model.
    { ...EMBEDDINGS_PRICED, responseModel: null },
  ],
  // Azure prices gpt-4o-mini and text-embedding-3-small as OpenAI does: 44.7, 14.85 and 0.48 µ$.
  'ai-sdk-6-azure': [
    ...providerChats('azure', 'gpt-4o-mini', ['0.000044700000', '0.000014850000']),
    embeddingsRow('azure', 'text-embedding-3-small', '0.000000480000'),
  ],
  // Claude Sonnet 4 on Bedrock (provider `amazon-bedrock`), under `aws`: $3 input, $0.30 cache reads, $3.75 cache
  // writes, $15 output. Bedrock's wire inputTokens (19) leaves out the 256 cache reads and 72 writes; the row's
  // 347 has them. Both chats ask SHORT_USER_PROMPT: 20 out. 19 × 3 + 256 × 0.30 + 72 × 3.75 + 20 × 15 = 703.8 µ$;
  // streamed, 19 × 3 + 20 × 15 = 357 µ$.
  'ai-sdk-6-bedrock': [
    {
      ...CLAUDE_CHAT,
      provider: 'aws',
      requestModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      responseModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      inputTokens: 347,
      cachedInputTokens: 256,
      outputTokens: SHORT_REPLY_TOKENS,
      totalTokens: 367,
      costUsd: '0.000703800000',
      streamed: false,
    },
    {
      ...CLAUDE_CHAT,
      provider: 'aws',
      requestModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      responseModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      inputTokens: 19,
      cachedInputTokens: 0,
      outputTokens: SHORT_REPLY_TOKENS,
      totalTokens: 39,
      costUsd: '0.000357000000',
      streamed: true,
    },
  ],
  // deepseek-chat is priced by time of day; the calls were made at 03:11 UTC, in the 00:30-16:30 window: $0.27
  // input, $0.07 cache reads, $1.10 output. 110 × 0.27 + 256 × 0.07 + 15 × 1.1 = 64.12 µ$; 19 × 0.27 + 20 × 1.1 =
  // 27.13 µ$.
  'ai-sdk-6-deepseek': providerChats('deepseek', 'deepseek-chat', ['0.000064120000', '0.000027130000']),
  // gemini-2.5-flash: $0.30 input, $0.03 cache reads, $2.50 output (thinking included); 79 out, then 84, 64 of
  // each thoughts. 110 × 0.3 + 256 × 0.03 + 79 × 2.5 = 238.18 µ$; 19 × 0.3 + 84 × 2.5 = 215.7 µ$. Gemini's
  // embedding answers carry no token counts.
  'ai-sdk-6-google': [
    ...providerChats('google', 'gemini-2.5-flash', ['0.000238180000', '0.000215700000'], {
      reasoningTokens: 64,
    }),
    { ...EMBEDDINGS, ...NO_USAGE, provider: 'google', requestModel: 'gemini-embedding-001', responseModel: null },
  ],
  // moonshotai/kimi-k2-instruct on Groq: $1 input, $0.50 cache reads, $3 output. 110 + 128 + 45 = 283 µ$; 19 + 60 =
  // 79 µ$.
  'ai-sdk-6-groq': providerChats('groq', 'moonshotai/kimi-k2-instruct', ['0.000283000000', '0.000079000000']),
  // mistral-medium-latest from 2026-06-16: $1.50 input, $0.15 cache reads, $7.50 output; 110 × 1.5 + 256 × 0.15 +
  // 15 × 7.5 = 315.9 µ$; 19 × 1.5 + 20 × 7.5 = 178.5 µ$. @ai-sdk/mistral reports no reasoning count, and no cache
  // reads when there are none. mistral-embed: 24 × 0.10 = 2.4 µ$.
  'ai-sdk-6-mistral': [
    ...providerChats('mistral', 'mistral-medium-latest', ['0.000315900000', '0.000178500000'], {
      reasoningTokens: null,
      streamedCachedInputTokens: null,
    }),
    embeddingsRow('mistral', 'mistral-embed', '0.000002400000'),
  ],
  // Vertex AI's gemini-2.5-flash (provider `google.vertex.chat`), priced as the Gemini API's: $0.30 input, $0.03
  // cache reads, $2.50 output (thinking included); 79 out, then 84, 64 of each thoughts. 110 × 0.3 + 256 × 0.03 +
  // 79 × 2.5 = 238.18 µ$; 19 × 0.3 + 84 × 2.5 = 215.7 µ$. Two chats: Vertex's embeddings (:predict) are not on the
  // local provider.
  'ai-sdk-6-vertex': providerChats('google', 'gemini-2.5-flash', ['0.000238180000', '0.000215700000'], {
    reasoningTokens: 64,
  }),
  // grok-3: $3 input, $0.75 cache reads, $15 output. 330 + 192 + 225 = 747 µ$; 57 + 300 = 357 µ$.
  'ai-sdk-6-xai': providerChats('x-ai', 'grok-3', ['0.000747000000', '0.000357000000']),
  'ai-sdk-7': [
    { ...CHAT, ...CHAT_EXACT, reasoningTokens: null },
    // The gen_ai spans do not say the call was streamed.
    { ...STREAMED, ...STREAMED_COST, cachedInputTokens: 0, reasoningTokens: null, streamed: false },
    { ...EMBEDDINGS_PRICED, responseModel: null },
  ],
  contrib: [
    { ...CHAT, ...CHAT_UPPER_BOUND, reasoningTokens: null },
    {
      ...STREAMED,
      // 19 × 0.15 + 20 × 0.60: the same figure, but without cache reads it cannot be called exact.
      cachedInputTokens: null,
      reasoningTokens: null,
      costUsd: '0.000014850000',
      costStatus: 'upper_bound',
      streamed: false,
    },
    { ...EMBEDDINGS_PRICED },
  ],
  langfuse: [
    { ...CHAT, ...CHAT_EXACT, reasoningTokens: 0 },
    { ...STREAMED, ...STREAMED_COST, cachedInputTokens: 0, reasoningTokens: 0, streamed: false },
    { ...EMBEDDINGS, ...NO_USAGE },
  ],
  'ai-sdk-6-anthropic': [
    {
      ...CLAUDE_CHAT,
      // 347 in: 19 uncached, 256 cache reads, 72 cache writes (not a column of its own; priced at its rate).
      // The user text is SHORT_USER_PROMPT: 20 out.
      inputTokens: 347,
      cachedInputTokens: 256,
      outputTokens: SHORT_REPLY_TOKENS,
      totalTokens: 367,
      // 19 × 3 + 256 × 0.30 + 72 × 3.75 + 20 × 15 = 57 + 76.8 + 270 + 300 = 703.8 µ$.
      costUsd: '0.000703800000',
      streamed: false,
    },
    {
      ...CLAUDE_CHAT,
      inputTokens: 19,
      cachedInputTokens: 0,
      outputTokens: SHORT_REPLY_TOKENS,
      totalTokens: 39,
      // 19 × 3 + 20 × 15 = 357 µ$.
      costUsd: '0.000357000000',
      streamed: true,
    },
  ],
  openinference: [
    { ...CHAT, ...CHAT_EXACT, reasoningTokens: 0 },
    { ...STREAMED, ...NO_USAGE, streamed: false },
    { ...EMBEDDINGS, ...NO_USAGE, responseModel: 'text-embedding-3-small' },
  ],
  openlit: [
    { ...CHAT, ...CHAT_EXACT, reasoningTokens: null },
    { ...STREAMED, ...STREAMED_COST, cachedInputTokens: null, reasoningTokens: null, streamed: false },
    { ...EMBEDDINGS_PRICED, responseModel: null },
  ],
  openllmetry: [
    { ...CHAT, ...CHAT_UPPER_BOUND, reasoningTokens: null },
    { ...STREAMED, ...NO_USAGE, streamed: false },
  ],
};
