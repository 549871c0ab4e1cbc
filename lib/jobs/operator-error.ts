// Errors an operator can act on (a bad variable, a data directory another process holds): a command line
// prints their message alone. Anything else is a bug, and its stack helps.
import { ConfigError } from '../config/config';
import { DataDirLockedError } from '../db/data-dir-lock';

export function isOperatorError(error: unknown): error is ConfigError | DataDirLockedError {
  return error instanceof ConfigError || error instanceof DataDirLockedError;
}

/** The message of an operator's error; the stack of anything else. */
export function failureText(error: unknown): string {
  if (isOperatorError(error)) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
