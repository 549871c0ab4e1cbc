// The budgets page: each budget with where it stands in its current period, its burn, the alerts that did
// not go out, and forms to create, change and delete budgets (through the JSON API).
import type { Metadata } from 'next';
import '../dashboard.css';
import '../_components/panels.css';
import './budgets.css';
import { budgetOverview } from '@/lib/budgets/budget-overview';
import { getConfig } from '@/lib/config/config';
import { getDatabase } from '@/lib/db/get-database';
import { formatUtcDateTime } from '@/lib/dashboard/format';
import { DashboardNav } from '../_components/dashboard-nav';
import { loadPanel } from '../_components/load-panel';
import { PanelError } from '../_components/panel-error';
import { AlertsStatus } from './_components/alerts-status';
import { BudgetForm } from './_components/budget-form';
import { BudgetsEmptyState } from './_components/budgets-empty-state';
import { BudgetsTable } from './_components/budgets-table';

// Per request: the spend changes with every AI call, and the period with the clock.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Budgets · Spendtrace' };

export default async function BudgetsPage() {
  const now = new Date();
  const loaded = await loadPanel('budgets', async () => budgetOverview((await getDatabase()).prisma, now));
  return (
    <main className="dashboard budgets">
      <header className="dashboard-header">
        <h1>Budgets</h1>
        <DashboardNav current="/dashboard/budgets" />
        <p className="period">
          As of{' '}
          <time dateTime={now.toISOString()} data-testid="budgets-as-of">
            {formatUtcDateTime(now)}
          </time>{' '}
          <span className="muted">(UTC)</span>
        </p>
      </header>
      <AlertsStatus on={getConfig().alertWebhookUrl !== undefined} />
      {!loaded.ok ? (
        <PanelError message={loaded.message} />
      ) : loaded.data.length === 0 ? (
        <BudgetsEmptyState />
      ) : (
        <section className="panel" aria-labelledby="budgets-heading" data-testid="panel-budgets">
          <header className="panel-header">
            <h2 id="budgets-heading">Current periods</h2>
          </header>
          <BudgetsTable items={loaded.data} now={now} />
        </section>
      )}
      <section className="panel" aria-labelledby="new-budget-heading" data-testid="panel-new-budget">
        <header className="panel-header">
          <h2 id="new-budget-heading">New budget</h2>
        </header>
        <BudgetForm />
      </section>
    </main>
  );
}
