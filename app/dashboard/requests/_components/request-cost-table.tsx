// Cost per request by source: how many requests, what one costs (average, median, 95th percentile, the most
// expensive), the total, and how many are incomplete. Each source narrows the page to it.
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount } from '@/lib/dashboard/format';
import type { RequestCostRow } from '@/lib/dashboard/request-queries';
import { Money } from '../../_components/money';
import { CostBound } from './cost-bound';
import { requestsHref } from './requests-href';

function Row({ filters, row }: { filters: DashboardFilters; row: RequestCostRow }) {
  // Requests without a source are all unattributed: their kind names them.
  const href = requestsHref(filters, { source: row.source === '' ? undefined : row.source, kind: row.sourceKind });
  return (
    <tr data-testid="request-cost-row">
      <td className="key">
        <a href={href}>{row.source === '' ? '(unattributed)' : row.source}</a>{' '}
        <span className="muted small">{row.sourceKind}</span>
      </td>
      <td className="num">{formatCount(row.requests)}</td>
      <td className="num">
        <Money usd={row.avgCostUsd} />
      </td>
      <td className="num">
        <CostBound usd={row.p50CostUsd} />
      </td>
      <td className="num">
        <CostBound usd={row.p95CostUsd} />
      </td>
      <td className="num">
        <Money usd={row.maxCostUsd} />
      </td>
      <td className="num">
        <Money usd={row.costUsd} />
      </td>
      <td className="num">
        {row.incompleteRequests === 0 ? '0' : <span className="warn-text">{formatCount(row.incompleteRequests)}</span>}
      </td>
    </tr>
  );
}

export function RequestCostTable({ filters, rows }: { filters: DashboardFilters; rows: RequestCostRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data" data-testid="request-cost">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Avg
            </th>
            <th scope="col" className="num">
              p50
            </th>
            <th scope="col" className="num">
              p95
            </th>
            <th scope="col" className="num">
              Max
            </th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Incomplete
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Row key={`${row.sourceKind}:${row.source}`} filters={filters} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
