// What a client may send to create or change a budget, validated with zod: every bad field is named in the
// 400, unknown keys included, and a source is stored in the one form rows use.
import { z } from 'zod';
import { normalizeSource, sourceKindOf } from '../ledger/source-rules';

/** The limit: a positive amount of US dollars with at most 6 decimals, as a string ("25") or a number (25). */
const LimitUsd = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .pipe(
    z
      .string()
      .regex(/^\d{1,14}(\.\d{1,6})?$/, 'must be a positive amount of US dollars with at most 6 decimals, such as "25"')
      .refine((v) => Number(v) > 0, 'must be more than 0'),
  );

const AlertAt = z
  .array(
    z
      .number()
      .gt(0, 'each threshold must be more than 0')
      .max(10, 'each threshold must be at most 10')
      .refine((x) => /^\d+(\.\d{1,4})?$/.test(String(x)), 'each threshold has at most 4 decimals, such as 0.8'),
  )
  .max(10, 'at most 10 thresholds')
  .refine((a) => new Set(a).size === a.length, 'thresholds must differ')
  .transform((a) => [...a].sort((x, y) => x - y));

const Name = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');

const Scope = z
  .strictObject({
    kind: z
      .enum(['route', 'action', 'job', 'unattributed'], { message: 'must be route, action, job or unattributed' })
      .optional(),
    source: Name.refine(
      (s) => sourceKindOf(s) !== 'unattributed',
      'must be a route template (/api/...), action:<id> or job:<id>',
    )
      .transform(normalizeSource)
      .optional(),
    feature: Name.optional(),
    model: Name.optional(),
    attribute: z.strictObject({ key: Name, value: Name }).optional(),
  })
  .refine((s) => s.kind === undefined || s.source === undefined || sourceKindOf(s.source) === s.kind, {
    message: 'kind and source disagree: the source names another kind',
    path: ['kind'],
  });

const Period = z.enum(['day', 'week', 'month'], { message: 'must be day, week or month' });

export const BudgetCreateSchema = z.strictObject({
  scope: Scope.default({}),
  period: Period,
  limitUsd: LimitUsd,
  /** Default 0.5, 0.8 and 1 of the limit. */
  alertAt: AlertAt.default([0.5, 0.8, 1]),
  /** Default false: alert only. */
  enforce: z.boolean().default(false),
});

export const BudgetPatchSchema = z
  .strictObject({
    scope: Scope.optional(),
    period: Period.optional(),
    limitUsd: LimitUsd.optional(),
    alertAt: AlertAt.optional(),
    enforce: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'name at least one of scope, period, limitUsd, alertAt, enforce');

export type BudgetCreate = z.infer<typeof BudgetCreateSchema>;
export type BudgetPatch = z.infer<typeof BudgetPatchSchema>;
