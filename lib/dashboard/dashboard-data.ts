// The dashboard's queries on the process's database: what the app's pages and routes call, so that none of
// them holds Prisma itself. Each query is in queries.ts (the stacked series in series-queries.ts), taking the database as its first argument (tests
// and benchmarks pass their own).
import { getDatabase } from '../db/get-database';
import type { CallLogItem } from './call-log';
import type { ObservedSource } from './coverage';
import type { DashboardFilters } from './filters';
import {
  getBreakdown,
  getCalls,
  getCompleteness,
  getDailySeries,
  getObservedSources,
  getTokenCounting,
  getTotals,
  type BreakdownRow,
  type Completeness,
  type DailyPoint,
  type Dimension,
  type TokenCounting,
  type Totals,
} from './queries';
import { getStackedSpend, type StackBy, type StackedSpend } from './series-queries';

export interface DashboardData {
  totals(filters: DashboardFilters): Promise<Totals>;
  completeness(filters: DashboardFilters): Promise<Completeness>;
  tokenCounting(filters: DashboardFilters): Promise<TokenCounting>;
  breakdown(filters: DashboardFilters, dimension: Dimension): Promise<BreakdownRow[]>;
  observedSources(period: Pick<DashboardFilters, 'from' | 'to'>): Promise<ObservedSource[]>;
  dailySeries(filters: DashboardFilters): Promise<DailyPoint[]>;
  stackedSpend(filters: DashboardFilters, stack: StackBy): Promise<StackedSpend>;
  calls(filters: DashboardFilters, limit?: number): Promise<CallLogItem[]>;
}

/** The queries, bound to the process's database (opened on first use). */
export async function dashboardData(): Promise<DashboardData> {
  const db = (await getDatabase()).prisma;
  return {
    totals: (filters) => getTotals(db, filters),
    completeness: (filters) => getCompleteness(db, filters),
    tokenCounting: (filters) => getTokenCounting(db, filters),
    breakdown: (filters, dimension) => getBreakdown(db, filters, dimension),
    observedSources: (period) => getObservedSources(db, period),
    dailySeries: (filters) => getDailySeries(db, filters),
    stackedSpend: (filters, stack) => getStackedSpend(db, filters, stack),
    calls: (filters, limit) => getCalls(db, filters, limit),
  };
}
