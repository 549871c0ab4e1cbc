// Whether the dashboard sees every place that spends: the entry points of the AI inventory this build carries
// that recorded nothing in the period, recorded sources the inventory does not know, and calls with no source.
// Only the period applies; the narrowing filters would hide exactly what this panel is for.
import { addDays, isoDay, type DashboardFilters } from '@/lib/dashboard/filters';
import { appInventory } from '@/lib/dashboard/app-inventory';
import { computeCoverage, type InventoryEntry, type ObservedSource } from '@/lib/dashboard/coverage';
import { formatCount } from '@/lib/dashboard/format';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { Money } from './money';
import { PanelError } from './panel-error';

const count = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** This page for the period alone with some filters set: what the panel's figures were computed on. */
function periodHref(filters: DashboardFilters, changes: Partial<Record<string, string>>) {
  return dashboardHref(filters, {
    kind: undefined,
    source: undefined,
    feature: undefined,
    model: undefined,
    status: undefined,
    attr: undefined,
    ...changes,
  });
}

function UncalledRow({ entry }: { entry: InventoryEntry }) {
  return (
    <tr data-testid="coverage-uncalled-row">
      <td>{entry.kind}</td>
      <td className="key">
        {entry.source === null ? (
          <span className="muted">(none: its calls are unattributed)</span>
        ) : (
          <code>{entry.source}</code>
        )}
      </td>
      <td className="key">
        <code>{entry.file}</code>
      </td>
      <td>{entry.export}</td>
      <td>{entry.features.length === 0 ? <span className="muted">—</span> : entry.features.join(', ')}</td>
    </tr>
  );
}

function Calls({ calls, tokenCountRequests }: { calls: number; tokenCountRequests: number }) {
  return (
    <>
      {formatCount(calls)}
      {tokenCountRequests > 0 && (
        <span className="muted small"> + {count(tokenCountRequests, 'token count', 'token counts')}</span>
      )}
    </>
  );
}

function Cost({ costUsd, unpricedCalls }: { costUsd: string; unpricedCalls: number }) {
  if (unpricedCalls === 0) return <Money usd={costUsd} />;
  return (
    <span title={`${formatCount(unpricedCalls)} calls have no known price; their cost is not included`}>
      ≥ <Money usd={costUsd} />
    </span>
  );
}

function UnknownRow({ filters, row }: { filters: DashboardFilters; row: ObservedSource }) {
  return (
    <tr data-testid="coverage-unknown-row">
      <td className="key">
        <a href={periodHref(filters, { source: row.source, kind: row.sourceKind })}>{row.source}</a>
      </td>
      <td>{row.sourceKind}</td>
      <td className="num">
        <Calls calls={row.calls} tokenCountRequests={row.tokenCountRequests} />
      </td>
      <td className="num">
        <Cost costUsd={row.costUsd} unpricedCalls={row.unpricedCalls} />
      </td>
    </tr>
  );
}

export async function CoveragePanel({ filters }: { filters: DashboardFilters }) {
  const loaded = await loadPanel('coverage', async () => {
    const { entries } = appInventory();
    return computeCoverage(entries, await (await dashboardData()).observedSources(filters));
  });
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const { entryPoints, calledEntryPoints, uncalled, unknownSources, unattributed } = loaded.data;
  return (
    <>
      <p className="coverage-summary" data-testid="coverage-summary">
        {formatCount(calledEntryPoints)} of {count(entryPoints, 'entry point', 'entry points')} recorded calls;{' '}
        {count(unknownSources.length, 'unknown source', 'unknown sources')};{' '}
        {count(unattributed.calls, 'unattributed call', 'unattributed calls')}.
      </p>
      <p className="muted small" data-testid="coverage-scope">
        Every call from {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} (UTC): the kind, source, feature,
        model, status and attribute filters do not apply here. Entry points are those of{' '}
        <code>docs/ai-inventory.json</code> as this build carries it; one counts as called when its source recorded any
        request, token counts included.
      </p>

      <h3 id="coverage-uncalled-heading">Never called in this period</h3>
      {uncalled.length === 0 ? (
        <p data-testid="coverage-uncalled-none">None: every entry point recorded calls.</p>
      ) : (
        <div className="table-scroll">
          <table className="data" aria-labelledby="coverage-uncalled-heading" data-testid="coverage-uncalled">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Source</th>
                <th scope="col">File</th>
                <th scope="col">Export</th>
                <th scope="col">Features</th>
              </tr>
            </thead>
            <tbody>
              {uncalled.map((entry) => (
                <UncalledRow key={`${entry.file}#${entry.export}`} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 id="coverage-unknown-heading">Sources not in the inventory</h3>
      {unknownSources.length === 0 ? (
        <p data-testid="coverage-unknown-none">None: every recorded source is in the inventory.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data" aria-labelledby="coverage-unknown-heading" data-testid="coverage-unknown">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">
                    Calls
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {unknownSources.map((row) => (
                  <UnknownRow key={`${row.sourceKind}:${row.source}`} filters={filters} row={row} />
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">
            Another service&apos;s calls arriving through the collector sink, or code changed since the inventory was
            last written: run <code>npm run inventory</code> and rebuild.
            {unknownSources.some((r) => r.unpricedCalls > 0) && ' ≥: some calls have no known price.'}
          </p>
        </>
      )}

      <h3 id="coverage-unattributed-heading">Unattributed</h3>
      <p data-testid="coverage-unattributed">
        {unattributed.calls === 0 && unattributed.tokenCountRequests === 0 ? (
          <>
            0 calls without a source (<Money usd={unattributed.costUsd} />
            ).
          </>
        ) : (
          <>
            {count(unattributed.calls, 'call', 'calls')} without a source (
            <Cost costUsd={unattributed.costUsd} unpricedCalls={unattributed.unpricedCalls} />)
            {unattributed.tokenCountRequests > 0 && (
              <>, and {count(unattributed.tokenCountRequests, 'token-count request', 'token-count requests')}</>
            )}
            : no route, action or job recorded.{' '}
            <a href={`${periodHref(filters, { kind: 'unattributed' })}#calls`}>See the calls</a>
          </>
        )}
      </p>
    </>
  );
}
