// Gives a test file the context manager a Node.js app runs with, so the active span and baggage follow awaits.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll } from 'vitest';

/** Registers an AsyncLocalStorageContextManager globally before the file's (or suite's) tests, and removes it after. */
export function enableAsyncContext(): void {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });
}
