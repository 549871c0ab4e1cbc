// A call's cost as span attributes: what the client sets on its span as the call ends, and the cost
// processor sets on spans from other instrumentations.
import type { Attributes } from '@opentelemetry/api';
import type { AICost } from './ai-span';
import { ATTR_AI_COST_STATUS, ATTR_AI_COST_USD, ATTR_AI_PRICE_REF } from './attributes';

/** The span attributes that carry one call's cost. `ai.cost.usd` is a double, for searching; rows keep exact decimals. */
export function costAttributes(cost: AICost): Attributes {
  const attributes: Attributes = { [ATTR_AI_COST_STATUS]: cost.status };
  if (cost.costPicoUsd !== null) attributes[ATTR_AI_COST_USD] = Number(cost.costPicoUsd) / 1e12;
  if (cost.priceRef !== null) attributes[ATTR_AI_PRICE_REF] = cost.priceRef;
  return attributes;
}
