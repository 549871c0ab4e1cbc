// Puts `ai.source` (and optionally `ai.feature` and developer `ai.attr.*`) into OpenTelemetry baggage, so
// every span started inside — including the OpenAI client's — is attributed without passing a parameter.
import {
  context,
  diag,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Baggage,
  type Span,
} from '@opentelemetry/api';
import { AI_ATTR_PREFIX, ATTR_AI_FEATURE, ATTR_AI_SOURCE } from '../ledger/attributes';
import { recordAttributeEntries } from './baggage-attributes';
import { endAfterStreams } from './end-after-streams';

/** The tracer name of every span Spendtrace itself starts. */
export const TRACER_NAME = 'spendtrace';

export interface SourceOptions {
  /** A prompt-registry feature id to attach to every AI call inside. */
  feature?: string;
  /** Developer attributes, recorded on every span inside as `ai.attr.<key>` and on each AIInteraction row. */
  attributes?: Record<string, string>;
}

// Looked up once: where modules are compiled to CommonJS (tsx runs the Node.js scripts so) an imported binding is a
// getter, and these are read on every call.
const KEY = { source: ATTR_AI_SOURCE, feature: ATTR_AI_FEATURE, attrPrefix: AI_ATTR_PREFIX } as const;

/** Baggages that hold a source and nothing else, by source. */
const sourceOnly = new Map<string, Baggage>();
/** At most this many are kept: a source made per request (one with an id in it) is not cached past them. */
const SOURCE_ONLY_MAX = 1000;

/**
 * `withEntries` for `withAISource`. A source alone at the top of a job or request (no parent, no options) makes
 * the same baggage every time: a baggage never changes, so one made once serves every call.
 */
function sourceBaggage(parent: Baggage | undefined, source: string, options: SourceOptions): Baggage {
  if (parent !== undefined || options.feature !== undefined || options.attributes !== undefined) {
    return withEntries(parent, source, options);
  }
  let bag = sourceOnly.get(source);
  if (bag === undefined) {
    bag = withEntries(undefined, source, options);
    if (sourceOnly.size < SOURCE_ONLY_MAX) sourceOnly.set(source, bag);
  }
  return bag;
}

/** `parent` (undefined: an empty baggage) with the source and options set, its developer attributes recorded. */
function withEntries(parent: Baggage | undefined, source: string | undefined, options: SourceOptions): Baggage {
  let next = parent ?? propagation.createBaggage();
  if (source !== undefined) next = next.setEntry(KEY.source, { value: source });
  if (options.feature !== undefined) next = next.setEntry(KEY.feature, { value: options.feature });
  // Most sources carry no attributes: no entries array made for them.
  if (options.attributes === undefined) {
    recordAttributeEntries(next, parent);
    return next;
  }
  const added: [string, string][] = [];
  for (const [key, value] of Object.entries(options.attributes)) {
    next = next.setEntry(KEY.attrPrefix + key, { value });
    added.push([KEY.attrPrefix + key, value]);
  }
  recordAttributeEntries(next, parent, added);
  return next;
}

/**
 * Runs `fn` with `ai.source` (and the options) in baggage. The innermost source wins.
 *
 * Warning: baggage is sent to downstream services in the `baggage` HTTP header. Never put secrets or
 * personal data in a source, feature or attribute.
 */
export function withAISource<T>(source: string, fn: () => T, options: SourceOptions = {}): T {
  const active = context.active();
  return context.with(
    propagation.setBaggage(active, sourceBaggage(propagation.getBaggage(active), source, options)),
    fn,
  );
}

/** Runs `fn` with developer attributes (`ai.attr.<key>`) in baggage, keeping the current source. */
export function withAIAttributes<T>(attributes: Record<string, string>, fn: () => T): T {
  const active = context.active();
  return context.with(
    propagation.setBaggage(active, withEntries(propagation.getBaggage(active), undefined, { attributes })),
    fn,
  );
}

/** Records a failure on a source span without ever replacing the caller's error; anything can be thrown, even null. */
function recordFailure(span: Span, error: unknown): void {
  try {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  } catch (telemetryError) {
    diag.error('spendtrace: recording a failed source span failed', telemetryError);
  }
}

/**
 * Runs `fn` in a span of its own with the source in baggage. With `holdStreams`, the span stays open until
 * the streams in the result (see `endAfterStreams`) are read, and they are read inside the span's context.
 */
async function inSourceSpan<T>(
  name: string,
  source: string,
  options: SourceOptions,
  fn: () => Promise<T>,
  holdStreams = false,
): Promise<T> {
  return withAISource(
    source,
    () =>
      trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind: SpanKind.INTERNAL }, async (span) => {
        let result: T;
        try {
          result = await fn();
        } catch (error) {
          recordFailure(span, error);
          span.end();
          throw error;
        }
        if (!holdStreams) {
          span.end();
          return result;
        }
        return endAfterStreams(result, context.active(), (outcome) => {
          if (outcome.failed) recordFailure(span, outcome.error);
          span.end();
        });
      }),
    options,
  );
}

/**
 * Wraps a server action so every AI call inside is attributed to `action:<id>`:
 * `export const sendMessage = aiAction('insights_chat.send_message', async (input) => { ... })`.
 * The id is stable across deploys (unlike Next.js's action hashes), so the dashboard can group by it.
 *
 * An action may answer with a `ReadableStream`, as its result or as a property of a plain-object result
 * (`{ ok: true, answer: stream }`), which React streams to the browser after the action has returned.
 * Such a stream is read inside the action's context, and the action's span ends only when every such
 * stream has been read to its end, has failed (the span records the error) or was cancelled (the
 * browser went away; the cancel reaches the stream's source). So the AI calls feeding the stream stay
 * attributed to the action, and their totals reach the request's root span while it is still open.
 * A stream nested deeper in the result is not found, and ends the span before it is read.
 */
export function aiAction<Args extends unknown[], R>(
  id: string,
  fn: (...args: Args) => Promise<R>,
  options: SourceOptions = {},
): (...args: Args) => Promise<R> {
  const source = `action:${id}`;
  return (...args: Args) => inSourceSpan(`action ${id}`, source, options, () => fn(...args), true);
}

/**
 * Runs a job outside any request (a script, a queue worker) as `job:<id>`, in a span of its own:
 * `await aiJob('weekly_digest', async () => { ... })`.
 */
export function aiJob<R>(id: string, fn: () => Promise<R>, options: SourceOptions = {}): Promise<R> {
  return inSourceSpan(`job ${id}`, `job:${id}`, options, fn);
}
