// Rows of a query as an aligned text table, the way psql prints them, for `npm run db:query`.
import { Decimal } from '@prisma/client/runtime/client';

/** One value as text: decimals and big integers exactly, times in ISO 8601 (UTC), null as an empty cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  // Prisma's Decimal prints its exact digits; JSON columns print as JSON.
  if (Decimal.isDecimal(value)) return value.toFixed();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The rows under a header of their column names, columns padded to their widest cell, and a row count. */
export function formatRows(rows: readonly Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '(0 rows)\n';
  const columns = Object.keys(first);
  const cells = rows.map((row) => columns.map((column) => cellText(row[column]).replace(/\s+/g, ' ')));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
  return [line(columns), rule, ...cells.map(line), count].join('\n') + '\n';
}
