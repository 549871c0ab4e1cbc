// The OpenTelemetry GenAI semantic conventions, in their current and deprecated names: what our own client,
// the contrib instrumentation (`@opentelemetry/instrumentation-openai`), OpenLIT and many others emit.
import type { Attributes } from '@opentelemetry/api';
import { keyTextAttribute, tokenCountAttribute } from '../attribute-readers';
import {
  ATTR_AI_OPERATION,
  ATTR_AI_STREAMED,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '../attributes';
import { providerId } from '../provider-ids';
import type { CallUsage, Dialect, ModelCall, Operation, SpanView, UsageQuality } from './model-call';

/**
 * The GenAI operations that are one model call each. Agent and tool spans (`invoke_agent`, `execute_tool`, ...)
 * are not: they wrap model calls that have spans of their own, and counting their usage too would count the
 * same tokens twice.
 */
const GEN_AI_OPERATIONS: Readonly<Record<string, Operation>> = {
  chat: 'chat',
  text_completion: 'chat',
  generate_content: 'chat',
  embeddings: 'embeddings',
  count_tokens: 'token_count',
};

const OUR_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'responses', 'embeddings', 'token_count']);

/**
 * Instrumentations that report the provider's token counts but not its cache reads: a chat priced from their
 * spans is billed at the full input rate, an upper bound.
 */
const DROPS_CACHE_READS: ReadonlySet<string> = new Set([
  '@opentelemetry/instrumentation-openai',
  '@traceloop/instrumentation-openai',
]);

/**
 * The tracer name of the Vercel AI SDK 7's `@ai-sdk/otel`. Its `embed`/`embedMany` operation span has the same
 * name and operation as the provider-call span inside it, and differs only in carrying no usage.
 */
const AI_SDK_OTEL_SCOPE = 'gen_ai';

/**
 * The keys read from every span, looked up once here: where modules are compiled to CommonJS (tsx runs the
 * Node.js scripts that way) each imported binding is a getter, and a span is read as every call ends.
 */
const KEY = {
  operation: ATTR_AI_OPERATION,
  operationName: ATTR_GEN_AI_OPERATION_NAME,
  streamed: ATTR_AI_STREAMED,
  providerName: ATTR_GEN_AI_PROVIDER_NAME,
  system: ATTR_GEN_AI_SYSTEM,
  requestModel: ATTR_GEN_AI_REQUEST_MODEL,
  responseModel: ATTR_GEN_AI_RESPONSE_MODEL,
  inputTokens: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  promptTokens: ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  cacheRead: ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  cacheReadOld: ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD,
  cacheCreation: ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  cacheCreationOld: ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD,
  outputTokens: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  completionTokens: ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  reasoningTokens: ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} as const;

/** Usage in the conventions' names, current first, then the deprecated ones. */
export function genAiUsage(attributes: Attributes): CallUsage {
  return {
    inputTokens: tokenCountAttribute(attributes, KEY.inputTokens) ?? tokenCountAttribute(attributes, KEY.promptTokens),
    cachedInputTokens:
      tokenCountAttribute(attributes, KEY.cacheRead) ?? tokenCountAttribute(attributes, KEY.cacheReadOld),
    cacheWriteTokens:
      tokenCountAttribute(attributes, KEY.cacheCreation) ?? tokenCountAttribute(attributes, KEY.cacheCreationOld),
    outputTokens:
      tokenCountAttribute(attributes, KEY.outputTokens) ?? tokenCountAttribute(attributes, KEY.completionTokens),
    reasoningTokens: tokenCountAttribute(attributes, KEY.reasoningTokens),
  };
}

export function genAiProvider(attributes: Attributes): string {
  const emitted = keyTextAttribute(attributes, KEY.providerName) ?? keyTextAttribute(attributes, KEY.system);
  return emitted === undefined ? 'unknown' : providerId(emitted);
}

function call(span: SpanView, dialect: string, operation: Operation, quality: UsageQuality): ModelCall {
  const { attributes } = span;
  const streamed = attributes[KEY.streamed];
  return {
    dialect,
    operation,
    provider: genAiProvider(attributes),
    requestModel: keyTextAttribute(attributes, KEY.requestModel),
    responseModel: keyTextAttribute(attributes, KEY.responseModel),
    usage: genAiUsage(attributes),
    quality,
    streamed: typeof streamed === 'boolean' ? streamed : undefined,
  };
}

/** The name of the dialect of our own client's spans: its client builds the same reading as it ends a span. */
export const SPENDTRACE_DIALECT = 'spendtrace';

/** Spans of our own client: `ai.operation` names the call (finer than gen_ai.operation.name), usage in GenAI names. */
export const spendtraceDialect: Dialect = {
  name: SPENDTRACE_DIALECT,
  markers: [ATTR_AI_OPERATION],
  read(span) {
    const operation = keyTextAttribute(span.attributes, KEY.operation);
    if (operation === undefined || !OUR_OPERATIONS.has(operation)) return undefined;
    return call(span, SPENDTRACE_DIALECT, operation as Operation, 'reported');
  },
};

export const genAiDialect: Dialect = {
  name: 'gen_ai',
  markers: [ATTR_GEN_AI_OPERATION_NAME],
  read(span) {
    const name = keyTextAttribute(span.attributes, KEY.operationName);
    if (name === undefined) return undefined;
    if (!Object.hasOwn(GEN_AI_OPERATIONS, name)) return 'wrapper';
    const operation = GEN_AI_OPERATIONS[name] as Operation;
    const result = call(span, 'gen_ai', operation, 'reported');
    if (
      operation === 'embeddings' &&
      span.scope?.name === AI_SDK_OTEL_SCOPE &&
      result.usage.inputTokens === undefined &&
      result.usage.outputTokens === undefined
    ) {
      // One row per call: a failed embeddings call through the AI SDK 7 has no row rather than two.
      return 'wrapper';
    }
    if (
      operation === 'chat' &&
      result.usage.cachedInputTokens === undefined &&
      span.scope !== undefined &&
      DROPS_CACHE_READS.has(span.scope.name)
    ) {
      result.quality = 'cache_unreported';
    }
    return result;
  },
};
