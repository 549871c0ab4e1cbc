// CSV for the dashboard's downloads (RFC 4180, CRLF). Sources, features and models are strings an app
// chose, so text cells that a spreadsheet would run as a formula are neutralised with a leading apostrophe.
import { featureName } from '../ai/prompt-registry';
import { addDays, isoDay, type DashboardFilters } from './filters';
import type { BreakdownRow, Dimension } from './queries';

export type CsvValue = string | number | null | undefined;

// What Excel, LibreOffice and Google Sheets treat as the start of a formula (OWASP's list).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text neutralised against formulas and quoted when it must be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text, each line ended by CRLF. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

/** A breakdown as CSV: the key column named after the dimension, cost as the exact decimal string. */
export function breakdownCsv(dimension: Dimension, rows: readonly BreakdownRow[]): string {
  const header = [
    dimension,
    ...(dimension === 'source' ? ['kind'] : []),
    ...(dimension === 'feature' ? ['feature_name'] : []),
    'calls',
    'cost_usd',
    'input_tokens',
    'output_tokens',
    'errors',
    'unpriced_calls',
  ];
  const lines = rows.map((r) => [
    r.key,
    ...(dimension === 'source' ? [r.sourceKind ?? ''] : []),
    ...(dimension === 'feature' ? [r.key === '' ? '' : featureName(r.key)] : []),
    r.calls,
    r.costUsd,
    r.inputTokens,
    r.outputTokens,
    r.errors,
    r.unpricedCalls,
  ]);
  return toCsv([header, ...lines]);
}

/** `spendtrace-source-2026-11-01-2026-11-30.csv`: the dimension and the period's first and last day. */
export function breakdownCsvFilename(dimension: Dimension, filters: Pick<DashboardFilters, 'from' | 'to'>): string {
  return `spendtrace-${dimension}-${isoDay(filters.from)}-${isoDay(addDays(filters.to, -1))}.csv`;
}
