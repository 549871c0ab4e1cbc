// OpenInference (Arize Phoenix): `openinference.span.kind` LLM and EMBEDDING spans are calls; CHAIN, AGENT,
// TOOL, RETRIEVER and the rest wrap them. Token counts under `llm.token_count.*`, the prompt count including
// the cache details.
import { keyTextAttribute, tokenCountAttribute } from '../attribute-readers';
import { providerId } from '../provider-ids';
import type { Dialect } from './model-call';

export const ATTR_OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';

export const openInferenceDialect: Dialect = {
  name: 'openinference',
  markers: [ATTR_OPENINFERENCE_SPAN_KIND],
  read(span) {
    const { attributes } = span;
    const kind = keyTextAttribute(attributes, ATTR_OPENINFERENCE_SPAN_KIND)?.toUpperCase();
    if (kind === undefined) return undefined;
    if (kind !== 'LLM' && kind !== 'EMBEDDING') return 'wrapper';
    const count = (key: string) => tokenCountAttribute(attributes, `llm.token_count.${key}`);
    const model =
      keyTextAttribute(attributes, 'llm.model_name') ?? keyTextAttribute(attributes, 'embedding.model_name');
    const provider = keyTextAttribute(attributes, 'llm.provider') ?? keyTextAttribute(attributes, 'llm.system');
    return {
      dialect: 'openinference',
      operation: kind === 'LLM' ? 'chat' : 'embeddings',
      provider: provider === undefined ? 'unknown' : providerId(provider),
      requestModel: model,
      responseModel: model,
      usage: {
        inputTokens: count('prompt'),
        cachedInputTokens: count('prompt_details.cache_read'),
        cacheWriteTokens: count('prompt_details.cache_write'),
        outputTokens: count('completion'),
        reasoningTokens: count('completion_details.reasoning'),
      },
      quality: 'reported',
      streamed: undefined,
    };
  },
};
