// Links between the dashboard's pages: the spend and the budgets on it.
import './dashboard-nav.css';
import Link from 'next/link';

const PAGES = [
  { href: '/dashboard', label: 'Spend' },
  { href: '/dashboard/budgets', label: 'Budgets' },
] as const;

export function DashboardNav({ current }: { current: (typeof PAGES)[number]['href'] }) {
  return (
    <nav className="dashboard-nav" aria-label="Dashboard" data-testid="dashboard-nav">
      {PAGES.map((page) =>
        page.href === current ? (
          <span key={page.href} aria-current="page">
            {page.label}
          </span>
        ) : (
          <Link key={page.href} href={page.href}>
            {page.label}
          </Link>
        ),
      )}
    </nav>
  );
}
