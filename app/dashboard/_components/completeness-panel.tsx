// Whether the spend total is the whole story: calls to models without a known price add nothing to it,
// and unattributed calls cannot be traced to a cause. Token-count requests are listed apart (not billed).
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount, formatUsd } from '@/lib/dashboard/format';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { PanelError } from './panel-error';

const calls = (n: number) => `${formatCount(n)} ${n === 1 ? 'call' : 'calls'}`;

export async function CompletenessPanel({ filters }: { filters: DashboardFilters }) {
  const loaded = await loadPanel('completeness', async () => {
    const data = await dashboardData();
    return Promise.all([data.completeness(filters), data.tokenCounting(filters)]);
  });
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const [completeness, tokenCounting] = loaded.data;
  const { unpricedModels, unattributed } = completeness;
  return (
    <>
      {completeness.complete ? (
        <p className="complete" data-testid="complete">
          Complete: every call was priced and attributed.
        </p>
      ) : (
        <div className="incomplete" data-testid="incomplete" role="status">
          <p className="incomplete-title">Total incomplete</p>
          <ul>
            {unpricedModels.map((m) => (
              <li key={m.model} data-testid="unpriced-model">
                <strong>{m.model === '' ? '(unknown model)' : m.model}</strong>: {calls(m.calls)} with no known price,
                not included in spend.{' '}
                {m.model !== '' && <a href={`${dashboardHref(filters, { model: m.model })}#calls`}>See the calls</a>}
              </li>
            ))}
            {unattributed.calls > 0 && (
              <li data-testid="unattributed-calls">
                {formatCount(unattributed.calls)} unattributed {unattributed.calls === 1 ? 'call' : 'calls'} (
                {formatUsd(unattributed.costUsd)}): no route, action or job recorded.{' '}
                <a href={`${dashboardHref(filters, { kind: 'unattributed' })}#calls`}>See the calls</a>
              </li>
            )}
          </ul>
          {unpricedModels.length > 0 && (
            <p className="small">
              Spend is a lower bound until these models have a price: add one in{' '}
              <code>lib/ledger/price-overrides.ts</code>.
            </p>
          )}
        </div>
      )}
      <p className="muted" data-testid="token-count-requests">
        {formatCount(tokenCounting.requests)} token-count {tokenCounting.requests === 1 ? 'request' : 'requests'} (not
        billed)
        {tokenCounting.requests > 0 && <>, counting {formatCount(tokenCounting.countedTokens)} input tokens</>}.
      </p>
    </>
  );
}
