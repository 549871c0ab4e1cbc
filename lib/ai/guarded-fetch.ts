// A `fetch` for the Vercel AI SDK's providers that asks the budget guard first. The AI SDK calls it inside
// its provider-call span (`ai.generateText.doGenerate`, ...), whose attributes name the call's source,
// feature and model, so the same budgets apply to AI SDK calls as to the app's own client.
import { trace, type Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '../ledger/attributes';
import { BudgetExceededError, type BudgetGuard } from './budget-guard';

/** `inner` (default the global `fetch`), refused with `BudgetExceededError` when an enforced budget is spent. */
export function guardedFetch(guard: BudgetGuard, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const span = trace.getActiveSpan();
    const attributes = (span as { attributes?: Attributes } | undefined)?.attributes ?? {};
    const refusal = guard.refuse(attributes);
    if (refusal === undefined) return inner(input, init);
    span?.setAttribute(ATTR_ERROR_TYPE, BudgetExceededError.errorType);
    return Promise.reject(refusal);
  };
}
