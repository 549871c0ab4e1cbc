// Langfuse (`@langfuse/openai` and the other Langfuse integrations, exported by `@langfuse/otel`): a
// `generation` or `embedding` observation is one call; spans, events, agents and tools are not. Usage is JSON
// in `langfuse.observation.usage_details`, with input excluding cached tokens and output excluding reasoning,
// as Langfuse bills them; the spans name no provider, so it comes from the span name (`OpenAI.chat`).
import { keyTextAttribute, MAX_TOKEN_COUNT } from '../attribute-readers';
import { providerId } from '../provider-ids';
import { NO_USAGE, type CallUsage, type Dialect } from './model-call';

export const ATTR_LANGFUSE_OBSERVATION_TYPE = 'langfuse.observation.type';
const ATTR_LANGFUSE_MODEL = 'langfuse.observation.model.name';
const ATTR_LANGFUSE_USAGE_DETAILS = 'langfuse.observation.usage_details';

const CALL_TYPES: ReadonlySet<string> = new Set(['generation', 'embedding']);

function count(details: Record<string, unknown>, ...keys: string[]): number | undefined {
  let total: number | undefined;
  for (const key of keys) {
    const value = details[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) total = (total ?? 0) + value;
  }
  return total !== undefined && total <= MAX_TOKEN_COUNT ? total : undefined;
}

/** Longer usage JSON than this is no usage Langfuse wrote, and is not parsed. */
const MAX_USAGE_JSON = 16_384;

/** The usage JSON in our semantics: input with its cache reads and writes, output with its reasoning. */
function usageOf(json: unknown): CallUsage | undefined {
  if (typeof json !== 'string' || json.length > MAX_USAGE_JSON) return undefined;
  let details: unknown;
  try {
    details = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return undefined;
  const d = details as Record<string, unknown>;
  const cached = count(d, 'input_cached_tokens', 'cache_read_input_tokens');
  const written = count(d, 'input_cache_creation', 'cache_creation_input_tokens');
  const reasoning = count(d, 'output_reasoning_tokens');
  const input = count(d, 'input');
  const output = count(d, 'output');
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: input === undefined ? undefined : input + (cached ?? 0) + (written ?? 0),
    cachedInputTokens: cached,
    cacheWriteTokens: written,
    outputTokens: output === undefined ? undefined : output + (reasoning ?? 0),
    reasoningTokens: reasoning,
  };
}

export const langfuseDialect: Dialect = {
  name: 'langfuse',
  markers: [ATTR_LANGFUSE_OBSERVATION_TYPE],
  read(span) {
    const { attributes } = span;
    const type = keyTextAttribute(attributes, ATTR_LANGFUSE_OBSERVATION_TYPE);
    if (type === undefined) return undefined;
    if (!CALL_TYPES.has(type)) return 'wrapper';
    // `OpenAI.embeddings`: @langfuse/openai records embeddings as generations too.
    const [vendor = '', method = ''] = span.name.split('.', 2);
    const embeddings = type === 'embedding' || /embed/i.test(method);
    const model = keyTextAttribute(attributes, ATTR_LANGFUSE_MODEL);
    return {
      dialect: 'langfuse',
      operation: embeddings ? 'embeddings' : 'chat',
      provider: vendor === '' || method === '' ? 'unknown' : providerId(vendor),
      requestModel: model,
      responseModel: model,
      usage: usageOf(attributes[ATTR_LANGFUSE_USAGE_DETAILS]) ?? NO_USAGE,
      quality: 'reported',
      streamed: undefined,
    };
  },
};
