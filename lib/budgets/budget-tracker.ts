// Enforced budgets without a query per call: each budget's spend is read from the database every few
// seconds (the rollup, which the app's exporter, its jobs and the sink all feed) and the calls this process
// prices in between are added as their spans end. A call is refused when an enforced budget in its scope is
// spent. Overshoot bound: one process lets through at most the calls already in flight when a budget is
// reached; N processes add at most what the others spend in one refresh interval plus their export delay.
import type { Attributes } from '@opentelemetry/api';
import { BudgetExceededError, type BudgetGuard } from '../ai/budget-guard';
import {
  callScopeOf,
  describeScope,
  modelFamilyOf,
  periodBounds,
  scopeMatches,
  type BudgetPeriod,
  type BudgetScope,
  type CallScope,
  type PeriodBounds,
} from '../ledger/budget-rules';
import { normalizeSource } from '../ledger/source-rules';
import type { PrismaClient } from '../db/generated/client';
import type { SpendObserver } from '../telemetry/spend-observer';
import { budgetSpends } from './budget-spend';
import { scopeOfRow } from './budget-store';

export interface BudgetTrackerOptions {
  prisma: PrismaClient;
  /** How often budgets and their spend are read again. Default 5000 ms. */
  refreshMs?: number;
  /**
   * How long a call this process priced may take to reach the database (the exporter's batch delay and its
   * write): until then its cost is counted here as well, so spend is over- rather than under-estimated.
   * Default 5000 ms.
   */
  settleMs?: number;
  /** Told when a refresh fails (the database is down): the last figures stay in force. */
  onRefreshError?: (error: unknown) => void;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

interface TrackedBudget {
  id: string;
  scope: BudgetScope;
  scopeText: string;
  period: BudgetPeriod;
  limitText: string;
  limitUsd: number;
  enforce: boolean;
  bounds: PeriodBounds;
  /** The period's spend in the database when last read. */
  storedUsd: number;
  /** What this process priced since, as far as the database may not have it yet. */
  localUsd: number;
  /** That spend by the second it was priced in (epoch seconds), oldest first: what the next read keeps of it. */
  recent: { second: number; usd: number }[];
}

/** Distinct raw sources remembered with their normalised form; past it the memory starts over. */
const MAX_NORMALIZED_SOURCES = 1000;

export interface TrackedSpend {
  id: string;
  spentUsd: number;
  exhausted: boolean;
}

export class BudgetTracker implements BudgetGuard, SpendObserver {
  private budgets: TrackedBudget[] = [];
  /** The budgets by the source, else the feature, else the model they are on; the others apart. */
  private bySource = new Map<string, TrackedBudget[]>();
  private byFeature = new Map<string, TrackedBudget[]>();
  private byModel = new Map<string, TrackedBudget[]>();
  private unindexed: TrackedBudget[] = [];
  /** Sources as rows store them, by the source a span carries (a route's raw path is normalised once). */
  private readonly normalized = new Map<string, string>();
  /** Enforced budgets whose spend has reached their limit: the only ones a call is checked against. */
  private exhausted: TrackedBudget[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The last read asked for, and the one not yet begun (shared by everyone who asks before it begins). */
  private lastRead: Promise<void> = Promise.resolve();
  private nextRead: Promise<void> | undefined;
  private stopped = false;
  private readonly refreshMs: number;
  private readonly settleMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: BudgetTrackerOptions) {
    this.refreshMs = options.refreshMs ?? 5000;
    this.settleMs = options.settleMs ?? 5000;
    this.clock = options.clock ?? Date.now;
  }

  /** Reads the budgets once, then every `refreshMs`. Resolves after the first read, failed or not. */
  start(): Promise<void> {
    const first = this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
    return first;
  }

  /** Stops refreshing and waits for a read in progress. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.lastRead;
  }

  /**
   * Reads budgets and their spend; never throws. One read at a time: asked during a read, it reads again once
   * that one is done (so a budget just written is seen), sharing that next read with others who ask meanwhile.
   */
  refresh(): Promise<void> {
    if (this.nextRead !== undefined) return this.nextRead;
    const previous = this.lastRead;
    const read = (async () => {
      await previous;
      this.nextRead = undefined;
      await this.read().catch((error: unknown) => this.options.onRefreshError?.(error));
    })();
    this.nextRead = read;
    this.lastRead = read;
    return read;
  }

  refuse(attributes: Attributes): BudgetExceededError | undefined {
    if (this.exhausted.length === 0) return undefined;
    const now = this.clock();
    const call = this.scopeOf(attributes);
    for (const budget of this.exhausted) {
      if (now < budget.bounds.end.getTime() && scopeMatches(budget.scope, call)) {
        return new BudgetExceededError({
          id: budget.id,
          scope: budget.scopeText,
          period: budget.period,
          limitUsd: budget.limitText,
          spentUsd: budget.storedUsd + budget.localUsd,
          periodEnd: budget.bounds.end,
        });
      }
    }
    return undefined;
  }

  /**
   * Adds the call to each budget in its scope. A budget created since the last read misses the calls of the
   * last `settleMs` that have not reached the database yet, until its first read after them.
   */
  spent(attributes: Attributes, costUsd: number): void {
    if (this.stopped || !(costUsd > 0) || this.budgets.length === 0) return;
    const at = this.clock();
    const scope = this.scopeOf(attributes);
    if (scope.source !== undefined) this.add(this.bySource.get(scope.source), scope, costUsd, at);
    if (scope.feature !== undefined) this.add(this.byFeature.get(scope.feature), scope, costUsd, at);
    if (scope.model !== undefined && this.byModel.size > 0) {
      const family = modelFamilyOf(scope.model);
      this.add(this.byModel.get(family), scope, costUsd, at);
      if (family !== scope.model) this.add(this.byModel.get(scope.model), scope, costUsd, at);
    }
    this.add(this.unindexed, scope, costUsd, at);
  }

  /** Each budget's spend as this process knows it (the database's figure plus its own calls since). */
  spends(): TrackedSpend[] {
    return this.budgets.map((b) => ({
      id: b.id,
      spentUsd: b.storedUsd + b.localUsd,
      exhausted: this.exhausted.includes(b),
    }));
  }

  private async read(): Promise<void> {
    if (this.stopped) return;
    const startedAt = this.clock();
    const { prisma } = this.options;
    const [rows, spends] = await Promise.all([
      prisma.budget.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      budgetSpends(prisma, new Date(startedAt)),
    ]);
    const stored = new Map(spends.map((s) => [s.budgetId, Number(s.spentUsd)]));
    // Calls priced before settleMs ahead of this read are in the database's figures; later ones may not be yet.
    const settled = Math.floor((startedAt - this.settleMs) / 1000);
    const previous = new Map(this.budgets.map((b) => [b.id, b]));
    const budgets = rows.map((row): TrackedBudget => {
      const scope = scopeOfRow(row);
      const bounds = periodBounds(row.period, new Date(startedAt));
      const periodStart = bounds.start.getTime() / 1000;
      const recent = (previous.get(row.id)?.recent ?? []).filter((b) => b.second >= settled && b.second >= periodStart);
      const localUsd = recent.reduce((sum, b) => sum + b.usd, 0);
      return {
        id: row.id,
        scope,
        scopeText: describeScope(scope),
        period: row.period,
        limitText: row.limitUsd.toString(),
        limitUsd: Number(row.limitUsd),
        enforce: row.enforce,
        bounds,
        // A budget created after the spend query started has no figure yet: nothing stored, for now.
        storedUsd: stored.get(row.id) ?? 0,
        localUsd,
        recent,
      };
    });
    this.budgets = budgets;
    this.exhausted = budgets.filter((b) => b.enforce && isSpent(b));
    this.bySource = new Map();
    this.byFeature = new Map();
    this.byModel = new Map();
    this.unindexed = [];
    for (const budget of budgets) {
      const { source, feature, model } = budget.scope;
      if (source !== undefined) pushTo(this.bySource, source, budget);
      else if (feature !== undefined) pushTo(this.byFeature, feature, budget);
      else if (model !== undefined) pushTo(this.byModel, model, budget);
      else this.unindexed.push(budget);
    }
  }

  private add(budgets: TrackedBudget[] | undefined, scope: CallScope, costUsd: number, at: number): void {
    if (budgets === undefined) return;
    for (const budget of budgets) {
      if (at >= budget.bounds.end.getTime()) this.rollOver(budget, at);
      if (!scopeMatches(budget.scope, scope)) continue;
      budget.localUsd += costUsd;
      const second = Math.floor(at / 1000);
      const last = budget.recent[budget.recent.length - 1];
      if (last?.second === second) last.usd += costUsd;
      else budget.recent.push({ second, usd: costUsd });
      // While reads fail nothing is settled: keep the last 10 minutes, which the database has by then.
      if (budget.recent.length > 600) budget.recent.shift();
      if (budget.enforce && !this.exhausted.includes(budget) && isSpent(budget)) this.exhausted.push(budget);
    }
  }

  private scopeOf(attributes: Attributes): CallScope {
    return callScopeOf(attributes, (source) => {
      let normalized = this.normalized.get(source);
      if (normalized === undefined) {
        if (this.normalized.size >= MAX_NORMALIZED_SOURCES) this.normalized.clear();
        normalized = normalizeSource(source);
        this.normalized.set(source, normalized);
      }
      return normalized;
    });
  }

  /** A budget whose period ended starts the next one with nothing spent, until the next read. */
  private rollOver(budget: TrackedBudget, at: number): void {
    budget.bounds = periodBounds(budget.period, new Date(at));
    budget.storedUsd = 0;
    budget.localUsd = 0;
    budget.recent = [];
    this.exhausted = this.exhausted.filter((b) => b !== budget);
  }
}

function pushTo<K>(map: Map<K, TrackedBudget[]>, key: K, budget: TrackedBudget): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [budget]);
  else list.push(budget);
}

function isSpent(budget: TrackedBudget): boolean {
  return budget.storedUsd + budget.localUsd >= budget.limitUsd;
}
