// The low-cardinality `error.type` of a failed AI call, from the openai SDK's error classes (and
// `budget_exceeded` for a call a budget refused).
import OpenAI from 'openai';
import { BudgetExceededError } from './budget-guard';

// Most specific first. `instanceof`, not class names, so a minifying bundler cannot change the value.
const ERROR_TYPES: readonly [string, abstract new (...args: never[]) => Error][] = [
  ['RateLimitError', OpenAI.RateLimitError],
  ['InternalServerError', OpenAI.InternalServerError],
  ['BadRequestError', OpenAI.BadRequestError],
  ['AuthenticationError', OpenAI.AuthenticationError],
  ['PermissionDeniedError', OpenAI.PermissionDeniedError],
  ['NotFoundError', OpenAI.NotFoundError],
  ['ConflictError', OpenAI.ConflictError],
  ['UnprocessableEntityError', OpenAI.UnprocessableEntityError],
  ['APIConnectionTimeoutError', OpenAI.APIConnectionTimeoutError],
  ['APIUserAbortError', OpenAI.APIUserAbortError],
  ['APIConnectionError', OpenAI.APIConnectionError],
  ['APIError', OpenAI.APIError],
];

/** A low-cardinality `error.type`: the SDK's error class, else the error's name, else `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (BudgetExceededError.isInstance(error)) return BudgetExceededError.errorType;
  for (const [name, type] of ERROR_TYPES) if (error instanceof type) return name;
  if (error instanceof Error && error.name && error.name !== 'Error') return error.name;
  return '_OTHER';
}
