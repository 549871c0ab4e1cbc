// The budget check's share of a call, for `npm run bench:overhead`: what the client's guard (`refuse`, before
// the provider is called) and the cost processor's observer (`spent`, as the span ends) add per call with 100
// budgets defined, against the same loop with none, in one process, interleaved round by round.
import { performance } from 'node:perf_hooks';
import type { Attributes } from '@opentelemetry/api';
import { BudgetTracker } from '../lib/budgets/budget-tracker';
import { openDatabase } from '../lib/db/database';

const BUDGETS = 100;
/** Of the 100, spent enforced budgets on other sources: a call is checked against each of them. */
const SPENT = 10;
const ROUNDS = 15;
const CALLS_PER_ROUND = 100_000;

/** A chat call's span attributes as the processors leave them at its start (our client's, with two developer attributes). */
const CALL: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'ai.operation': 'chat',
  'ai.feature': 'digest.weekly',
  'ai.streamed': false,
  'gen_ai.request.model': 'gpt-4o-mini',
  'server.address': '127.0.0.1',
  'server.port': 4010,
  'ai.source': 'job:bench',
  'ai.attr.tenant': 'acme',
  'ai.attr.user_id': 'u-42',
};

export interface BudgetCheckFigures {
  budgets: number;
  spent: number;
  /** Median over rounds of ns per call: no budgets, then 100. */
  baselineNs: number;
  withBudgetsNs: number;
  /** Median over rounds of the paired difference. */
  addedNs: number;
}

function loop(tracker: BudgetTracker, calls: number): number {
  const began = performance.now();
  let refused = 0;
  for (let i = 0; i < calls; i += 1) {
    if (tracker.refuse(CALL) !== undefined) refused += 1;
    tracker.spent(CALL, 0.000_001);
  }
  if (refused > 0) throw new Error(`the bench's call was refused ${refused} times: its budgets are wrong`);
  return ((performance.now() - began) * 1e6) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** 100 budgets in a scratch PGlite database (90 not spent on other sources and models, 10 spent on other sources). */
export async function measureBudgetCheck(): Promise<BudgetCheckFigures> {
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    await db.migrate();
    await db.prisma.budget.createMany({
      data: Array.from({ length: BUDGETS }, (_, i) => ({
        ...(i % 3 === 0
          ? { source: `/api/route-${i}` }
          : i % 3 === 1
            ? { featureId: `feature.${i}` }
            : { model: `model-${i}` }),
        period: 'day' as const,
        limitUsd: i < SPENT ? '0.000001' : '1000',
        alertAt: [0.5, 0.8, 1],
        enforce: true,
      })),
    });
    const withBudgets = new BudgetTracker({ prisma: db.prisma, settleMs: 0 });
    const none = new BudgetTracker({ prisma: db.prisma, settleMs: 0 });
    await withBudgets.refresh();
    // The spent ones: their scopes are another source's, feature's or model's than the bench call's.
    for (let i = 0; i < SPENT; i += 1) {
      withBudgets.spent(
        i % 3 === 0
          ? { 'ai.source': `/api/route-${i}` }
          : i % 3 === 1
            ? { 'ai.feature': `feature.${i}` }
            : { 'gen_ai.request.model': `model-${i}` },
        1,
      );
    }
    if (withBudgets.spends().filter((s) => s.exhausted).length !== SPENT)
      throw new Error('the spent budgets are not spent');
    loop(none, CALLS_PER_ROUND);
    loop(withBudgets, CALLS_PER_ROUND);
    const baseline: number[] = [];
    const loaded: number[] = [];
    const added: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which goes first, so a drift in load falls on both.
      const first = round % 2 === 0;
      const a = first ? loop(none, CALLS_PER_ROUND) : Number.NaN;
      const b = loop(withBudgets, CALLS_PER_ROUND);
      const c = first ? a : loop(none, CALLS_PER_ROUND);
      baseline.push(c);
      loaded.push(b);
      added.push(b - c);
    }
    return {
      budgets: BUDGETS,
      spent: SPENT,
      baselineNs: median(baseline),
      withBudgetsNs: median(loaded),
      addedNs: median(added),
    };
  } finally {
    await db.close();
  }
}

/** The budget check's lines in the bench:overhead section, with its bar. */
export function budgetCheckLines(f: BudgetCheckFigures): string[] {
  const addedUs = f.addedNs / 1000;
  return [
    `Budget check, per call (${ROUNDS} rounds of ${CALLS_PER_ROUND.toLocaleString('en-US')} calls in this process, ` +
      `interleaved): the guard's \`refuse\` before the call and the cost processor's \`spent\` as its span ends, ` +
      `with ${f.budgets} enforced budgets defined (${f.spent} of them spent, on other sources, features and models, so ` +
      `each call is matched against them) against the same loop with none: ${(f.baselineNs / 1000).toFixed(3)} µs → ` +
      `${(f.withBudgetsNs / 1000).toFixed(3)} µs, **${addedUs >= 0 ? '+' : ''}${addedUs.toFixed(3)} µs** added ` +
      `(median of the paired differences) — bar ≤ 2 µs: ${addedUs <= 2 ? 'met' : '**missed**'}.`,
  ];
}

if (process.argv[1]?.endsWith('budget-check.ts')) {
  void measureBudgetCheck().then((f) => console.log(budgetCheckLines(f).join('\n')));
}
