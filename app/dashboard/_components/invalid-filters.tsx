// A dashboard page whose URL filters cannot be used: each error, and a link back to the default view.
import Link from 'next/link';

export function InvalidFilters({
  title,
  className,
  resetHref,
  errors,
}: {
  title: string;
  className: string;
  resetHref: string;
  errors: readonly string[];
}) {
  return (
    <main className={className}>
      <h1>{title}</h1>
      <div className="invalid-filters" role="alert" data-testid="invalid-filters">
        <p>These filters cannot be used:</p>
        <ul>
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
        <p>
          Fix them in the address bar, or <Link href={resetHref}>reset the filters</Link> to see the last 30 days.
        </p>
      </div>
    </main>
  );
}
