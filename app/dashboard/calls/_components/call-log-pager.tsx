// "Newer" and "Older" between the call log's pages. A page is named by its cursor; the cursors of the pages
// before it ride along in `back` (the newest page as NEWEST), a few at most, so that "Newer" needs no script.
import {
  callLogQueryString,
  decodeCursor,
  DEFAULT_CALL_LOG_LIMIT,
  type CallLogFilters,
} from '@/lib/dashboard/call-log-filters';

/** How many earlier pages "Newer" can step back through; beyond that, "Newest" still works. */
const MAX_BACK = 10;
const NEWEST = '0';

/** The cursors of the earlier pages, oldest last; an unreadable list is dropped, not an error. */
export function parseBack(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return [];
  const entries = text.split('.');
  const valid = entries.every((e) => e === NEWEST || decodeCursor(e) !== undefined);
  return valid ? entries.slice(-MAX_BACK) : [];
}

interface PagerProps {
  filters: CallLogFilters;
  limit: number;
  /** This page's cursor; undefined on the newest page. */
  cursor: string | undefined;
  nextCursor: string | null;
  back: string[];
}

export function CallLogPager({ filters, limit, cursor, nextCursor, back }: PagerProps) {
  const href = (pageCursor: string | undefined, pageBack: string[]) =>
    `/dashboard/calls${callLogQueryString(filters, {
      limit: limit === DEFAULT_CALL_LOG_LIMIT ? undefined : String(limit),
      cursor: pageCursor,
      back: pageBack.length === 0 ? undefined : pageBack.join('.'),
    })}`;
  const previous = back.at(-1);
  const newer =
    cursor === undefined
      ? undefined
      : previous === undefined || previous === NEWEST
        ? href(undefined, [])
        : href(previous, back.slice(0, -1));
  const older = nextCursor === null ? undefined : href(nextCursor, [...back, cursor ?? NEWEST].slice(-MAX_BACK));
  return (
    <nav className="pager" aria-label="Pages of calls" data-testid="call-log-pager">
      {cursor !== undefined && (
        <a href={href(undefined, [])} data-testid="page-newest">
          « Newest
        </a>
      )}
      {newer !== undefined && (
        <a href={newer} rel="prev" data-testid="page-newer">
          ‹ Newer
        </a>
      )}
      {older !== undefined && (
        <a href={older} rel="next" data-testid="page-older">
          Older ›
        </a>
      )}
    </nav>
  );
}
