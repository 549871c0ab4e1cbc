// One AI call's span: what the call learns is kept and given to the span once, with the call's cost, when
// it ends. Every telemetry step is guarded: recording never throws into the call.
import { diag, SpanStatusCode, type Attributes, type AttributeValue, type Span } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { costOfCall, type Operation } from '../ledger/ai-span';
import { keyTextValue, tokenCount } from '../ledger/attribute-readers';
import {
  ATTR_AI_STREAM_ABANDONED,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '../ledger/attributes';
import { costAttributes } from '../ledger/cost-attributes';
import type { ModelCall } from '../ledger/dialects';
import { SPENDTRACE_DIALECT } from '../ledger/dialects/gen-ai';
import type { PriceBook } from '../ledger/price-types';
import { WITHHELD_MESSAGE, withheldProviderMessage } from '../ledger/provider-error';
import { callEnded, callStarted } from '../telemetry/in-flight';
import { presetReading } from '../telemetry/span-readings';
import { errorTypeOf } from './error-type';

/**
 * The attribute names written on every call, looked up once: where modules are compiled to CommonJS (tsx runs the
 * Node.js scripts that way) each imported binding is a getter.
 */
const KEY = {
  responseModel: ATTR_GEN_AI_RESPONSE_MODEL,
  input: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  cached: ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  output: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  reasoning: ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} as const;

/** Token counts as a provider reports them; each part is optional (OpenAI-compatible servers omit some). */
export interface Usage {
  input?: number;
  cached?: number;
  output?: number;
  reasoning?: number;
}

/**
 * What the client knows of its call as it starts it, which it gives the span as `ai.operation`, `gen_ai.*` and
 * `ai.streamed`.
 */
export interface CallFacts {
  operation: Operation;
  /** The provider's id, as the ledger names it (`providerId`). */
  provider: string;
  requestModel: string | undefined;
  streamed: boolean;
}

/**
 * One AI call's span. The attributes learned during the call are kept here and given to the span once, with
 * the call's cost, when it ends: one `setAttributes` (whose checks run per call) instead of one per step.
 */
export class CallSpan {
  /** Everything learned after the span started, in the order learned. */
  private readonly learned: Attributes = {};
  private readonly startedAt = new Date();
  private ended = false;

  constructor(
    readonly span: Span,
    private readonly facts: CallFacts,
    private readonly priceBook: PriceBook,
    private readonly captureContent: boolean,
  ) {
    callStarted();
  }

  set(attributes: Attributes): void {
    if (!this.ended) Object.assign(this.learned, attributes);
  }

  /** One attribute, as `set` would: without an object made for it. */
  setAttribute(key: string, value: AttributeValue | undefined): void {
    if (!this.ended) this.learned[key] = value;
  }

  usage(usage: Usage | undefined): void {
    if (!usage || this.ended) return;
    const learned = this.learned;
    if (usage.input !== undefined) learned[KEY.input] = usage.input;
    if (usage.cached !== undefined) learned[KEY.cached] = usage.cached;
    if (usage.output !== undefined) learned[KEY.output] = usage.output;
    if (usage.reasoning !== undefined) learned[KEY.reasoning] = usage.reasoning;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const recorded = recordedSpan(this.span);
    safely(() => {
      const call = this.modelCall();
      const startedAt = recorded ? new Date(hrTimeToMilliseconds(recorded.startTime)) : this.startedAt;
      const cost = costOfCall(call, startedAt, this.priceBook);
      Object.assign(this.learned, costAttributes(cost));
      // The processors and the exporter take this reading and price rather than reading the span again.
      if (recorded) presetReading(recorded, call, this.priceBook, cost);
    });
    // What was learned reaches the span even when pricing failed.
    safely(() => this.span.setAttributes(this.learned));
    try {
      this.span.end();
    } finally {
      callEnded();
    }
  }

  /**
   * The call as the ledger's dialect reads the span's attributes (`spendtraceDialect`), made from the facts
   * the span started with and the keys it learned, rather than from all its attributes merged and read through
   * every dialect: the span's end is on the caller's path.
   */
  private modelCall(): ModelCall {
    const { facts, learned } = this;
    return {
      dialect: SPENDTRACE_DIALECT,
      operation: facts.operation,
      provider: facts.provider,
      requestModel: keyTextValue(facts.requestModel),
      responseModel: keyTextValue(learned[KEY.responseModel]),
      usage: {
        inputTokens: tokenCount(learned[KEY.input]),
        cachedInputTokens: tokenCount(learned[KEY.cached]),
        cacheWriteTokens: undefined,
        outputTokens: tokenCount(learned[KEY.output]),
        reasoningTokens: tokenCount(learned[KEY.reasoning]),
      },
      quality: 'reported',
      streamed: facts.streamed,
    };
  }

  fail(error: unknown): void {
    if (this.ended) return;
    safely(() => {
      this.set({ [ATTR_ERROR_TYPE]: errorTypeOf(error) });
      // The provider's message may quote the prompt: content, recorded only when content is captured.
      const recorded = this.captureContent ? error : withheldProviderMessage(error);
      if (recorded instanceof Error) this.span.recordException(recorded);
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: recorded instanceof Error ? recorded.message : String(recorded),
      });
    });
    this.end();
  }

  /** Marks the call failed without ending it (a stream reported an error as data, in the provider's words). */
  markFailed(type: string, message: string): void {
    safely(() => {
      this.set({ [ATTR_ERROR_TYPE]: type });
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: this.captureContent ? message : `${type}: ${WITHHELD_MESSAGE}`,
      });
    });
  }

  /** Marks a stream the caller stopped reading before the provider finished: its usage is unknown. */
  markAbandoned(): void {
    this.set({ [ATTR_AI_STREAM_ABANDONED]: true });
  }
}

/** The SDK's recorded span behind `span`, as processors see it; undefined for a span that records nothing. */
function recordedSpan(span: Span): ReadableSpan | undefined {
  const candidate = span as Partial<ReadableSpan>;
  return candidate.startTime !== undefined && candidate.attributes !== undefined
    ? (span as unknown as ReadableSpan)
    : undefined;
}

/** Runs a telemetry step; a failure is reported through `diag`, never thrown into the call. */
export function safely(step: () => void): void {
  try {
    step();
  } catch (error) {
    diag.error('spendtrace: recording an OpenAI span failed', error);
  }
}
