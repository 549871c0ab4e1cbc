// What a fresh install shows instead of empty tables: how calls get here.
import Link from 'next/link';
import { addDays, isoDay, type DashboardFilters } from '@/lib/dashboard/filters';
import { dashboardHref } from './dashboard-href';

export function EmptyState({ filters }: { filters: DashboardFilters }) {
  return (
    <section className="panel empty-state" data-testid="empty-state">
      <h2>No AI calls yet</h2>
      <p>
        Nothing was recorded from {isoDay(filters.from)} to {isoDay(addDays(filters.to, -1))} (UTC). Spendtrace records
        a row for every OpenAI call your app makes, with the route, server action or job that caused it, its tokens and
        its cost. The dashboard fills in as soon as the first call is made.
      </p>
      <p>To see it work:</p>
      <ul>
        <li>
          ask a question in the insights chat on the <Link href="/">home page</Link> (a server action);
        </li>
        <li>
          post an email to <code>POST /api/webhooks/email</code> (a route);
        </li>
        <li>
          run the follow-up job with <code>GET /api/cron/followups</code> and your <code>CRON_SECRET</code>.
        </li>
      </ul>
      <p className="muted">
        Without <code>OPENAI_API_KEY</code> the calls go to a simulated provider and cost nothing, but are priced as if
        they were real.
        {filters.period !== '90d' && (
          <>
            {' '}
            Older calls?{' '}
            <a href={dashboardHref(filters, { period: '90d', from: undefined, to: undefined })}>
              Look at the last 90 days
            </a>
            .
          </>
        )}
      </p>
    </section>
  );
}
