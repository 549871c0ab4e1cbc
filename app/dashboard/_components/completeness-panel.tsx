// Whether the spend total is the whole story: calls to models without a known price add nothing to it,
// unattributed calls cannot be traced to a cause, a cost that is a bound or an estimate is not exact, and a
// successful call without usage adds $0. Token-count requests are listed apart (not billed).
import type { DashboardFilters } from '@/lib/dashboard/filters';
import { formatCount } from '@/lib/dashboard/format';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import type { InexactCost } from '@/lib/dashboard/queries';
import { dashboardHref } from './dashboard-href';
import { loadPanel } from './load-panel';
import { Money } from './money';
import { PanelError } from './panel-error';

/** What each kind of inexact cost means for the total, said once per kind. */
const INEXACT_TEXT: Record<InexactCost['status'], string> = {
  upper_bound: 'priced without their cache reads (the instrumentation does not report them): an upper bound',
  estimated: 'priced from token counts the instrumentation estimated, not the provider’s usage',
  no_usage: 'succeeded without reporting usage: their cost is unknown and not included in spend',
};

const calls = (n: number) => `${formatCount(n)} ${n === 1 ? 'call' : 'calls'}`;

export async function CompletenessPanel({ filters }: { filters: DashboardFilters }) {
  const loaded = await loadPanel('completeness', async () => {
    const data = await dashboardData();
    return Promise.all([data.completeness(filters), data.tokenCounting(filters)]);
  });
  if (!loaded.ok) return <PanelError message={loaded.message} />;
  const [completeness, tokenCounting] = loaded.data;
  const { unpricedModels, unattributed, inexact } = completeness;
  return (
    <>
      {completeness.complete ? (
        <p className="complete" data-testid="complete">
          Complete: every call was priced exactly and attributed.
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
            {inexact.map((i) => (
              <li key={i.status} data-testid={`inexact-${i.status}`}>
                {calls(i.calls)}
                {i.status !== 'no_usage' && (
                  <>
                    {' '}
                    (<Money usd={i.costUsd} />)
                  </>
                )}{' '}
                {INEXACT_TEXT[i.status]}.{' '}
                <a
                  href={`${dashboardHref(filters, { cost: i.status, ...(i.status === 'no_usage' && { status: 'ok' }) })}#calls`}
                >
                  See the calls
                </a>
              </li>
            ))}
            {unattributed.calls > 0 && (
              <li data-testid="unattributed-calls">
                {formatCount(unattributed.calls)} unattributed {unattributed.calls === 1 ? 'call' : 'calls'} (
                <Money usd={unattributed.costUsd} />
                ): no route, action or job recorded.{' '}
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
