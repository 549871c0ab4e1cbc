// An AI provider's error message is the provider's own text, and may quote the request it refuses (a prompt,
// a document). Unless content capture is on, spans and logs keep the error with that text withheld.
import OpenAI from 'openai';

/** What replaces a provider's error message in spans and logs while content capture is off. */
export const WITHHELD_MESSAGE =
  "the provider's message is withheld, as it may quote the prompt; SPENDTRACE_CAPTURE_CONTENT=true records it";

/**
 * `error` as telemetry may keep it without content capture. A provider's answer (an `OpenAI.APIError` with an
 * HTTP status) becomes an error of the same name whose message is its status, type and code, keeping
 * `status`, `type`, `code`, `param` and `requestID` and the stack's frames; an error caused by one gets the
 * same treatment for its cause. Anything else, and errors the SDK wrote itself (connection, timeout,
 * abort), are returned as they are. The given error is never changed.
 */
export function withheldProviderMessage(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (isProviderAnswer(error)) {
    const { status } = error;
    const what = [error.type, error.code].filter((s) => typeof s === 'string' && s !== '').join(', ');
    const copy = copyWithMessage(error, `${status}${what ? ` (${what})` : ''}: ${WITHHELD_MESSAGE}`);
    return Object.assign(copy, {
      status,
      type: error.type,
      code: error.code,
      param: error.param,
      requestID: error.requestID,
    });
  }
  const cause: unknown = error.cause;
  if (cause === undefined) return error;
  const safeCause = withheldProviderMessage(cause);
  if (safeCause === cause) return error;
  return Object.assign(copyWithMessage(error, error.message), { cause: safeCause });
}

type ProviderAnswer = Error &
  Pick<InstanceType<typeof OpenAI.APIError>, 'type' | 'code' | 'param' | 'requestID'> & {
    status: number;
  };

/**
 * An `OpenAI.APIError` the provider answered (it has an HTTP status). Also recognised by its shape, as the
 * SDK writes it: in a Next.js build the process's logger can come from another bundle (instrumentation.ts)
 * than the route that caught the error, each with its own copy of the SDK's classes.
 */
function isProviderAnswer(error: Error): error is ProviderAnswer {
  const e = error as Error & { status?: unknown };
  if (typeof e.status !== 'number') return false;
  return error instanceof OpenAI.APIError || ('headers' in error && 'requestID' in error && 'error' in error);
}

/** A plain `Error` with `error`'s name, `message`, and `error`'s stack frames under the new first line. */
function copyWithMessage(error: Error, message: string): Error {
  const copy = new Error(message);
  // Not enumerable, as on the error it copies, so a log serializer does not print it twice.
  Object.defineProperty(copy, 'name', { value: error.name, enumerable: false, writable: true, configurable: true });
  const head = `${error.name}: ${error.message}`;
  const frames =
    error.stack?.startsWith(head) === true
      ? error.stack.slice(head.length)
      : (error.stack ?? '')
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .map((line) => `\n${line}`)
          .join('');
  copy.stack = `${copy.name}: ${message}${frames}`;
  return copy;
}
