// What every span dialect reads out of a span: one provider call, in one set of names and one token semantics,
// whatever instrumentation emitted it. The span→row mapping and the cost processor use only this.
import type { Attributes } from '@opentelemetry/api';

export type Operation = 'chat' | 'responses' | 'embeddings' | 'token_count';

/** The parts of a span a dialect may read. `scope` is the instrumentation scope that created the span. */
export interface SpanView {
  name: string;
  attributes: Attributes;
  scope?: { name: string; version?: string | undefined } | undefined;
}

/**
 * Token counts in one semantics, whichever way the emitter reported them: `inputTokens` is every input token
 * of the call, cache reads and cache writes included; `outputTokens` includes reasoning.
 */
export interface CallUsage {
  inputTokens: number | undefined;
  /** Of inputTokens, read from the provider's prompt cache. */
  cachedInputTokens: number | undefined;
  /** Of inputTokens, written to the prompt cache (Anthropic bills them above the input rate). */
  cacheWriteTokens: number | undefined;
  outputTokens: number | undefined;
  /** Of outputTokens, reasoning. */
  reasoningTokens: number | undefined;
}

/**
 * How far the usage can be trusted for billing:
 * - `reported`: the provider's own counts, cache reads included where the provider caches;
 * - `cache_unreported`: the provider's counts, from an emitter known to drop cache reads, so a cost at the
 *   full input rate is an upper bound;
 * - `estimated`: counted by the emitter (a tokenizer), not reported by the provider.
 */
export type UsageQuality = 'reported' | 'cache_unreported' | 'estimated';

/** One provider call read from a span. */
export interface ModelCall {
  /** The dialect that read it (`gen_ai`, `ai_sdk`, …): for metrics and for tests. */
  dialect: string;
  operation: Operation;
  /** genai-prices' provider id where the emitter's name maps to one (`openai`, `anthropic`, …), else as emitted. */
  provider: string;
  requestModel: string | undefined;
  responseModel: string | undefined;
  usage: CallUsage;
  quality: UsageQuality;
  /** True when the emitter says the answer was streamed; undefined when it does not say. */
  streamed: boolean | undefined;
  /** The feature the emitter names the call with, where its vocabulary has one; `ai.feature` wins over it. */
  feature?: string | undefined;
}

/**
 * One instrumentation's span vocabulary. `read` answers a call for a span that is one provider call, `'wrapper'`
 * for a span of this dialect that is not one (an agent, a step, an outer span summing its calls: no row, or the
 * same tokens would count twice), and undefined for a span that is not in this dialect at all.
 */
export interface Dialect {
  readonly name: string;
  /**
   * Attribute keys of which a span of this dialect has at least one from its start: what the ledger sampler
   * keeps and the Collector's filter passes, before the span is read.
   */
  readonly markers: readonly string[];
  read(span: SpanView): ModelCall | 'wrapper' | undefined;
}

export const NO_USAGE: CallUsage = {
  inputTokens: undefined,
  cachedInputTokens: undefined,
  cacheWriteTokens: undefined,
  outputTokens: undefined,
  reasoningTokens: undefined,
};
