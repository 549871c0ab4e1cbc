// Every span attribute and baggage key Spendtrace reads or writes, in one place. GenAI names follow
// the OpenTelemetry semantic conventions (copied, as the conventions advise for incubating names).

// OpenTelemetry GenAI semantic conventions.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Older name of gen_ai.provider.name, still sent by some instrumentations. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** The cache counts' names before the conventions settled on them, still sent by OpenLLMetry. */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_read_input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OLD = 'gen_ai.usage.cache_creation_input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
/** Deprecated names some instrumentations still send. */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_ERROR_TYPE = 'error.type';

// Next.js and HTTP.
export const ATTR_NEXT_ROUTE = 'next.route';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_SERVICE_NAME = 'service.name';
export const ATTR_SERVICE_VERSION = 'service.version';

// Spendtrace's own.
/** What caused the span: a route template, `action:<id>` or `job:<id>`. Also a baggage key. */
export const ATTR_AI_SOURCE = 'ai.source';
/** The prompt-registry feature id of an AI call. Also a baggage key. */
export const ATTR_AI_FEATURE = 'ai.feature';
/** Prefix of developer attributes (`ai.attr.customer_tier`), copied from baggage onto every span. */
export const AI_ATTR_PREFIX = 'ai.attr.';
/** Our operation: chat | responses | embeddings | token_count (finer than gen_ai.operation.name). */
export const ATTR_AI_OPERATION = 'ai.operation';
export const ATTR_AI_STREAMED = 'ai.streamed';
/** True when the caller stopped reading a stream before it finished: the call's usage is unknown. */
export const ATTR_AI_STREAM_ABANDONED = 'ai.stream.abandoned';
/** The result of a token-count request (not usage: nothing was consumed). */
export const ATTR_AI_COUNTED_INPUT_TOKENS = 'ai.token_count.input_tokens';
/** On an AI span: that call's cost in USD; on the root span: the request's total. */
export const ATTR_AI_COST_USD = 'ai.cost.usd';
/** priced | upper_bound | estimated | unpriced | no_usage | not_billable (see CostStatus). */
export const ATTR_AI_COST_STATUS = 'ai.cost.status';
export const ATTR_AI_PRICE_REF = 'ai.price.ref';
// Per-request totals on the root span.
export const ATTR_AI_CALLS = 'ai.calls';
export const ATTR_AI_INPUT_TOKENS = 'ai.usage.input_tokens';
export const ATTR_AI_OUTPUT_TOKENS = 'ai.usage.output_tokens';
/** False when any call in the request could not be priced. */
export const ATTR_AI_COST_COMPLETE = 'ai.cost.complete';

/** GenAI provider name of OpenAI. */
export const PROVIDER_OPENAI = 'openai';
