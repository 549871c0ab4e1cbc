// Every span dialect the ledger reads, in the order they are tried: the specific vocabularies first, the
// GenAI semantic conventions (which several of them also set) last. Adding an instrumentation is one module
// with its recorded fixture, and one line here.
import { aiSdkDialect } from './ai-sdk';
import { genAiDialect, spendtraceDialect } from './gen-ai';
import type { Dialect, ModelCall, SpanView } from './model-call';
import { langfuseDialect } from './langfuse';
import { openInferenceDialect } from './openinference';

export const DIALECTS: readonly Dialect[] = [
  spendtraceDialect,
  aiSdkDialect,
  openInferenceDialect,
  langfuseDialect,
  genAiDialect,
];

/** What a span is to the ledger: one provider call, a dialect's span that is no call, or neither. */
export type SpanReading = { kind: 'call'; call: ModelCall } | { kind: 'wrapper'; dialect: string } | undefined;

export function readSpan(span: SpanView): SpanReading {
  for (const dialect of DIALECTS) {
    const read = dialect.read(span);
    if (read === undefined) continue;
    return read === 'wrapper' ? { kind: 'wrapper', dialect: dialect.name } : { kind: 'call', call: read };
  }
  return undefined;
}

/** The provider call a span records, or undefined when it records none. */
export function readModelCall(span: SpanView): ModelCall | undefined {
  const reading = readSpan(span);
  return reading?.kind === 'call' ? reading.call : undefined;
}

/** Every dialect's marker keys: a span with none of them at start is no model call of any dialect. */
export const MARKER_KEYS: readonly string[] = [...new Set(DIALECTS.flatMap((dialect) => dialect.markers))];

/** Whether a span may be a model call, judged from the attributes it starts with. */
export function mayBeModelCall(attributes: Readonly<Record<string, unknown>>): boolean {
  for (const key of MARKER_KEYS) if (attributes[key] !== undefined) return true;
  return false;
}

/** Key prefixes only model-call instrumentations use (ours on every span, `ai.source`, `ai.attr.*`, are not). */
const AI_KEY_PREFIXES = ['gen_ai.', 'llm.', 'openinference.', 'langfuse.observation.', 'traceloop.'];

/**
 * Whether a span no dialect reads still looks like a model call's: the sink counts and logs these, so an
 * instrumentation we do not read yet is seen rather than silently left out of the ledger.
 */
export function looksLikeModelSpan(attributes: Readonly<Record<string, unknown>>): boolean {
  for (const key in attributes) {
    for (const prefix of AI_KEY_PREFIXES) if (key.startsWith(prefix)) return true;
  }
  return false;
}

export type { CallUsage, Dialect, ModelCall, Operation, SpanView, UsageQuality } from './model-call';
