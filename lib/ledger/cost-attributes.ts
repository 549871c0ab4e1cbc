// A call's cost as span attributes: what the client sets on its span as the call ends, and the cost
// processor sets on spans from other instrumentations.
import type { Attributes } from '@opentelemetry/api';
import type { AICost } from './ai-span';
import { ATTR_AI_COST_STATUS, ATTR_AI_COST_USD, ATTR_AI_PRICE_REF } from './attributes';

// Looked up once: where modules are compiled to CommonJS (tsx runs the Node.js scripts so) an imported binding is a
// getter, and these are read on every call.
const KEY = { status: ATTR_AI_COST_STATUS, usd: ATTR_AI_COST_USD, priceRef: ATTR_AI_PRICE_REF } as const;

/** The span attributes that carry one call's cost. `ai.cost.usd` is a double, for searching; rows keep exact decimals. */
export function costAttributes(cost: AICost): Attributes {
  const attributes: Attributes = { [KEY.status]: cost.status };
  if (cost.costPicoUsd !== null) attributes[KEY.usd] = Number(cost.costPicoUsd) / 1e12;
  if (cost.priceRef !== null) attributes[KEY.priceRef] = cost.priceRef;
  return attributes;
}
