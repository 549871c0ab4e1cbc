// What the ledger's dialects read of an SDK span: its name, attributes and instrumentation scope.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readModelCall, type ModelCall } from '../ledger/dialects';

/** The provider call an SDK span records, in any dialect the ledger reads; undefined for any other span. */
export function modelCallOf(span: ReadableSpan): ModelCall | undefined {
  return readModelCall({ name: span.name, attributes: span.attributes, scope: span.instrumentationScope });
}
