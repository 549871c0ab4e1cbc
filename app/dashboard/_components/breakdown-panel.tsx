// Spend by source (grouped by kind), feature or model. Each row drills down: the same page with that
// source, feature or model as a filter.
import type { ReactNode } from 'react';
import { isFeatureId, featureName } from '@/lib/ai/prompt-registry';
import { SOURCE_KINDS, type DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount } from '@/lib/dashboard/format';
import type { BreakdownRow, Dimension } from '@/lib/dashboard/queries';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { Money } from './money';
import { PanelError } from './panel-error';

/** Rows shown per breakdown; the CSV has them all. */
const MAX_ROWS = 25;

const KIND_HEADINGS: Record<string, string> = {
  route: 'Routes',
  action: 'Server actions',
  job: 'Jobs',
  unattributed: 'Unattributed',
};

const KEY_HEADINGS: Record<Dimension, string> = { source: 'Source', feature: 'Feature', model: 'Model' };

/** The drill-down link for a row, or undefined when its key cannot be put in a filter (an empty one). */
function drillHref(filters: DashboardFilters, dimension: Dimension, row: BreakdownRow): string | undefined {
  if (dimension === 'source') {
    // Unattributed calls without a source are reached through their kind.
    return dashboardHref(filters, { source: row.key === '' ? undefined : row.key, kind: row.sourceKind });
  }
  if (row.key === '') return undefined;
  return dashboardHref(filters, { [dimension]: row.key });
}

function RowLabel({ dimension, row }: { dimension: Dimension; row: BreakdownRow }) {
  if (dimension === 'source') return <>{row.key === '' ? '(unattributed)' : row.key}</>;
  if (dimension === 'model') return <>{row.key === '' ? '(unknown model)' : row.key}</>;
  if (row.key === '') return <>(no feature)</>;
  if (!isFeatureId(row.key)) {
    return (
      <>
        {row.key} <span className="badge badge-warn">not in registry</span>
      </>
    );
  }
  return (
    <>
      {featureName(row.key)} <span className="muted small">{row.key}</span>
    </>
  );
}

function Cost({ row }: { row: BreakdownRow }) {
  if (row.unpricedCalls === 0) return <Money usd={row.costUsd} />;
  return (
    <span title={`${formatCount(row.unpricedCalls)} calls have no known price; their cost is not included`}>
      ≥ <Money usd={row.costUsd} />
      <br />
      <span className="small warn-text">{formatCount(row.unpricedCalls)} unpriced</span>
    </span>
  );
}

function Row({ filters, dimension, row }: { filters: DashboardFilters; dimension: Dimension; row: BreakdownRow }) {
  const href = drillHref(filters, dimension, row);
  const label = <RowLabel dimension={dimension} row={row} />;
  return (
    <tr data-testid={`${dimension}-row`}>
      <td className="key">{href === undefined ? label : <a href={href}>{label}</a>}</td>
      <td className="num">{formatCount(row.calls)}</td>
      <td className="num">
        <Cost row={row} />
      </td>
      <td className="num">
        {formatCount(row.inputTokens)} / {formatCount(row.outputTokens)}
      </td>
      <td className="num">{row.errors === 0 ? '0' : <span className="error">{formatCount(row.errors)}</span>}</td>
    </tr>
  );
}

export async function BreakdownPanel({ filters, dimension }: { filters: DashboardFilters; dimension: Dimension }) {
  const loaded = await loadPanel(`by-${dimension}`, async () => (await dashboardData()).breakdown(filters, dimension));
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const all = loaded.data;
  if (all.length === 0) return <p className="muted">No calls match.</p>;
  const rows = all.slice(0, MAX_ROWS);
  let body: ReactNode;
  if (dimension === 'source') {
    body = SOURCE_KINDS.map((kind) => {
      const group = rows.filter((r) => r.sourceKind === kind);
      if (group.length === 0) return null;
      return (
        <tbody key={kind}>
          <tr className="group-row">
            <th colSpan={5} scope="colgroup">
              {KIND_HEADINGS[kind]}
            </th>
          </tr>
          {group.map((row) => (
            <Row key={`${kind}:${row.key}`} filters={filters} dimension={dimension} row={row} />
          ))}
        </tbody>
      );
    });
  } else {
    body = (
      <tbody>
        {rows.map((row) => (
          <Row key={row.key} filters={filters} dimension={dimension} row={row} />
        ))}
      </tbody>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{KEY_HEADINGS[dimension]}</th>
              <th scope="col" className="num">
                Calls
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col" className="num">
                Tokens in / out
              </th>
              <th scope="col" className="num">
                Errors
              </th>
            </tr>
          </thead>
          {body}
        </table>
      </div>
      {all.length > MAX_ROWS && (
        <p className="muted small">
          The {MAX_ROWS} most expensive of {formatCount(all.length)}; the CSV has them all.
        </p>
      )}
      {rows.some((r) => r.unpricedCalls > 0) && (
        <p className="muted small">≥: some calls in the row have no known price, so its cost is a lower bound.</p>
      )}
    </>
  );
}
