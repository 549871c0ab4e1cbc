// Links between the dashboard's pages, and signing out: in every dashboard page's header.
import './dashboard-nav.css';
import Link from 'next/link';

const PAGES = [
  { href: '/dashboard', label: 'Spend' },
  { href: '/dashboard/calls', label: 'Calls' },
  { href: '/dashboard/requests', label: 'Requests' },
  { href: '/dashboard/customers', label: 'Customers' },
  { href: '/dashboard/releases', label: 'Releases' },
  { href: '/dashboard/budgets', label: 'Budgets' },
] as const;

export type DashboardPage = (typeof PAGES)[number]['href'];

export function DashboardNav({ current }: { current: DashboardPage }) {
  return (
    <div className="dashboard-nav-bar">
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
      {/* A form, not a link: signing out changes state, so it is a POST (and no prefetch can trigger it). */}
      <form className="sign-out" method="post" action="/api/auth/sign-out">
        <button type="submit" data-testid="sign-out">
          Sign out
        </button>
      </form>
    </div>
  );
}
