// What a budget is and which calls it counts, kept pure so the guard in the client, the spend query, the
// alerter and the dashboard agree: its UTC period, its scope, its thresholds and its forecast.
import type { Attributes } from '@opentelemetry/api';
import {
  AI_ATTR_PREFIX,
  ATTR_AI_FEATURE,
  ATTR_AI_SOURCE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from './attributes';
import { scaleDecimal } from './pico-dollars';
import { normalizeSource, sourceKindOf, type SourceKind } from './source-rules';

/** The AI SDK's names for a call's feature (`experimental_telemetry.functionId`) and requested model. */
const ATTR_AI_SDK_FUNCTION_ID = 'ai.telemetry.functionId';
const ATTR_AI_SDK_MODEL_ID = 'ai.model.id';

export type BudgetPeriod = 'day' | 'week' | 'month';

/** Which calls a budget counts. An absent field matches any call; the present ones must all match. */
export interface BudgetScope {
  kind?: SourceKind;
  source?: string;
  feature?: string;
  /** The billed model, or the family of its dated snapshots: `gpt-4o` matches `gpt-4o-2024-08-06`. */
  model?: string;
  /** One developer attribute (`ai.attr.<key>` without the prefix) and its value. */
  attribute?: { key: string; value: string };
}

/** What a call is, as far as budgets care. */
export interface CallScope {
  kind: SourceKind;
  source: string | undefined;
  feature: string | undefined;
  /** The billed model, or the requested one before the provider has answered. */
  model: string | undefined;
  /** The span's attributes, where developer attributes are `ai.attr.<key>` (read only for budgets on one). */
  spanAttributes: Attributes;
}

/** A period as an adjective: the daily, weekly or monthly budget. */
export const PERIOD_ADJECTIVE: Readonly<Record<BudgetPeriod, string>> = {
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
};

export interface PeriodBounds {
  /** Inclusive. */
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
}

const DAY_MS = 86_400_000;

/** The UTC period holding `at`: its day, its ISO week (Monday to Monday) or its month. */
export function periodBounds(period: BudgetPeriod, at: Date): PeriodBounds {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (period) {
    case 'day':
      return { start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
    case 'week': {
      const sinceMonday = (at.getUTCDay() + 6) % 7;
      return { start: new Date(Date.UTC(y, m, d - sinceMonday)), end: new Date(Date.UTC(y, m, d - sinceMonday + 7)) };
    }
    case 'month':
      return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  }
}

/** Whole days in a period (28 to 31 for a month). */
export function periodDays(bounds: PeriodBounds): number {
  return Math.round((bounds.end.getTime() - bounds.start.getTime()) / DAY_MS);
}

const DATED_SNAPSHOT = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/** The model a dated snapshot is of (`gpt-4o-2024-08-06` → `gpt-4o`); the model itself when it is not one. */
export function modelFamilyOf(model: string): string {
  const dated = DATED_SNAPSHOT.exec(model);
  return dated === null ? model : model.slice(0, dated.index);
}

/** Whether a budget's model matches a call's: the same model, or a dated snapshot of it (never `gpt-4o-mini` for `gpt-4o`). */
export function modelMatches(budgetModel: string, model: string | undefined): boolean {
  if (model === undefined) return false;
  return model === budgetModel || (model.length > budgetModel.length && modelFamilyOf(model) === budgetModel);
}

/** Whether a budget counts a call. */
export function scopeMatches(scope: BudgetScope, call: CallScope): boolean {
  if (scope.kind !== undefined && scope.kind !== call.kind) return false;
  if (scope.source !== undefined && scope.source !== call.source) return false;
  if (scope.feature !== undefined && scope.feature !== call.feature) return false;
  if (scope.model !== undefined && !modelMatches(scope.model, call.model)) return false;
  if (
    scope.attribute !== undefined &&
    call.spanAttributes[AI_ATTR_PREFIX + scope.attribute.key] !== scope.attribute.value
  ) {
    return false;
  }
  return true;
}

/** A scope in words, for alerts, errors and the budgets page: `source /api/x, model gpt-4o` or `all calls`. */
export function describeScope(scope: BudgetScope): string {
  const parts: string[] = [];
  if (scope.kind !== undefined) parts.push(`${scope.kind}s`);
  if (scope.source !== undefined) parts.push(`source ${scope.source}`);
  if (scope.feature !== undefined) parts.push(`feature ${scope.feature}`);
  if (scope.model !== undefined) parts.push(`model ${scope.model}`);
  if (scope.attribute !== undefined) parts.push(`${scope.attribute.key}=${scope.attribute.value}`);
  return parts.length === 0 ? 'all calls' : parts.join(', ');
}

/**
 * The period's spend projected to its end at the average rate so far; the spend itself once the period is
 * over, and nothing to project from in the period's first minute.
 */
export function forecastUsd(spentUsd: number, bounds: PeriodBounds, now: Date): number {
  const elapsed = now.getTime() - bounds.start.getTime();
  const length = bounds.end.getTime() - bounds.start.getTime();
  if (elapsed >= length) return spentUsd;
  if (elapsed < 60_000) return spentUsd;
  return (spentUsd * length) / elapsed;
}

/**
 * The thresholds (fractions of the limit, at most 4 decimals) that the spend has reached, ascending; compared
 * exactly, in integer pico-dollars: $0.30 reaches 0.1 of $3.
 */
export function reachedThresholds(alertAt: readonly number[], limitUsd: string, spentUsd: string): number[] {
  const limitMicro = scaleDecimal(limitUsd, 6);
  const spentPico = scaleDecimal(spentUsd, 12);
  // fraction × 10^4 × limit × 10^6 × 10^2 = fraction × limit in pico-dollars.
  return alertAt.filter((fraction) => spentPico >= scaleDecimal(fraction, 4) * limitMicro * 100n).sort((a, b) => a - b);
}

/** Seconds from `now` to the period's end, rounded up: a refused call's `Retry-After`. */
export function secondsUntil(end: Date, now: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/**
 * A call's scope from its span's attributes, in our client's names or the AI SDK's (`ai.telemetry.functionId`
 * for the feature, `ai.model.id` for the model), as the guard sees it before the provider answers. It runs on
 * every call: nothing is copied, and `normalize` (default normalizeSource) may be a cached one.
 */
export function callScopeOf(
  attributes: Attributes,
  normalize: (source: string) => string = normalizeSource,
): CallScope {
  const source = stringOf(attributes[ATTR_AI_SOURCE]);
  return {
    kind: sourceKindOf(source),
    source: source === undefined ? undefined : normalize(source),
    feature: stringOf(attributes[ATTR_AI_FEATURE]) ?? stringOf(attributes[ATTR_AI_SDK_FUNCTION_ID]),
    model:
      stringOf(attributes[ATTR_GEN_AI_RESPONSE_MODEL]) ??
      stringOf(attributes[ATTR_GEN_AI_REQUEST_MODEL]) ??
      stringOf(attributes[ATTR_AI_SDK_MODEL_ID]),
    spanAttributes: attributes,
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
