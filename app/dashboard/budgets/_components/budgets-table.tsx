// The budgets with where each stands in its current period: spent so far, its share of the limit, the forecast
// to the period's end and a burn chart. Amounts arrive as exact decimal strings and are formatted here only.
import { describeScope } from '@/lib/ledger/budget-rules';
import type { BudgetOverviewItem } from '@/lib/budgets/budget-overview';
import type { BudgetView } from '@/lib/budgets/budget-store';
import { compareDecimal, formatPercent, formatUsd, formatUsdExact } from '@/lib/dashboard/format';
import { AlertTroubles } from './alert-troubles';
import { BudgetRow } from './budget-row';
import { BurnChart } from './burn-chart';

const COLUMNS = ['Scope', 'Period', 'Limit', 'Spent so far', '% of limit', 'Forecast', 'Enforced', 'Burn', ''];

/** The period's days in words: "2026-11-25", "2026-11-23 to 2026-11-29" or "2026-11". */
function periodRange(item: BudgetOverviewItem): string {
  const first = item.spend.periodStart.slice(0, 10);
  const last = new Date(Date.parse(item.spend.periodEnd) - 86_400_000).toISOString().slice(0, 10);
  if (item.period === 'day') return first;
  if (item.period === 'month') return first.slice(0, 7);
  return `${first} to ${last}`;
}

/** The budget alone, as the edit form starts from it: what the client is sent, and no more. */
function viewOf(item: BudgetOverviewItem): BudgetView {
  const { id, scope, period, limitUsd, alertAt, enforce, createdAt, updatedAt } = item;
  return { id, scope, period, limitUsd, alertAt, enforce, createdAt, updatedAt };
}

function Cells({ item, now }: { item: BudgetOverviewItem; now: Date }) {
  const over = (amount: string) => compareDecimal(amount, item.limitUsd) >= 0;
  return (
    <>
      <td className="key" data-testid="budget-scope">
        {describeScope(item.scope)}
      </td>
      <td data-testid="budget-period">
        {item.period} <span className="muted small nowrap">{periodRange(item)}</span>
      </td>
      <td className="num" data-testid="budget-limit" title={formatUsdExact(item.limitUsd)}>
        {formatUsd(item.limitUsd)}
      </td>
      <td
        className={over(item.spend.spentUsd) ? 'num over' : 'num'}
        data-testid="budget-spent"
        title={formatUsdExact(item.spend.spentUsd)}
      >
        {formatUsd(item.spend.spentUsd)}
      </td>
      <td className="num" data-testid="budget-fraction">
        {formatPercent(item.spend.fraction)}
      </td>
      <td
        className={over(item.spend.forecastUsd) ? 'num over' : 'num'}
        data-testid="budget-forecast"
        title={formatUsdExact(item.spend.forecastUsd)}
      >
        {formatUsd(item.spend.forecastUsd)}
      </td>
      <td data-testid="budget-enforce">{item.enforce ? 'yes' : 'no'}</td>
      <td>
        <BurnChart
          id={item.id}
          periodStart={item.spend.periodStart}
          periodEnd={item.spend.periodEnd}
          now={now}
          daily={item.daily}
          limitUsd={item.limitUsd}
          spentUsd={item.spend.spentUsd}
          forecastUsd={item.spend.forecastUsd}
        />
      </td>
    </>
  );
}

export function BudgetsTable({ items, now }: { items: BudgetOverviewItem[]; now: Date }) {
  return (
    <div className="table-scroll">
      <table className="data budgets-table" data-testid="budgets-table">
        <thead>
          <tr>
            {COLUMNS.map((column, i) => (
              <th key={i} scope="col" className={i >= 2 && i <= 5 ? 'num' : undefined}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        {items.map((item) => {
          const { alertTroubles } = item;
          return (
            <BudgetRow
              key={item.id}
              budget={viewOf(item)}
              columns={COLUMNS.length}
              cells={<Cells item={item} now={now} />}
              notes={alertTroubles.length > 0 ? <AlertTroubles troubles={alertTroubles} /> : undefined}
            />
          );
        })}
      </table>
      <p className="muted small burn-legend">
        Burn: the spend so far by UTC day (<span className="legend-spent">solid</span>), the forecast to the period’s
        end (<span className="legend-forecast">dotted</span>), the limit (<span className="legend-limit">dashed</span>).
        Calls without a known price add nothing to the spend.
      </p>
    </div>
  );
}
