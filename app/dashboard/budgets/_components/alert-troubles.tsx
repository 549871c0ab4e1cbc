// A budget's alerts that did not reach the webhook, said plainly: given up, or still being retried.
import type { AlertTrouble } from '@/lib/budgets/budget-overview';
import { formatUtcDateTime } from '@/lib/dashboard/format';

function attempts(n: number): string {
  return `${n} ${n === 1 ? 'attempt' : 'attempts'}`;
}

export function AlertTroubles({ troubles }: { troubles: AlertTrouble[] }) {
  return (
    <div className="alert-troubles" role="status" data-testid="alert-troubles">
      <p>Alerts of this budget did not reach the webhook:</p>
      <ul>
        {troubles.map((t) => (
          <li key={`${t.createdAt}-${t.status}-${t.attempts}`} data-testid="alert-trouble">
            {t.status === 'failed'
              ? `Gave up after ${attempts(t.attempts)}`
              : `Still retrying after ${attempts(t.attempts)}`}{' '}
            (raised {formatUtcDateTime(new Date(t.createdAt))} UTC)
            {t.lastError !== null && <>: {t.lastError}</>}
          </li>
        ))}
      </ul>
    </div>
  );
}
