// How the dashboard shows numbers. Money arrives as exact decimal strings (Postgres numeric) and is rounded
// on its digits with BigInt, never through a float, so the page shows exactly what the database holds.

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** `units / 10^scale`, with the sign apart. */
interface Decimal {
  negative: boolean;
  units: bigint;
  scale: number;
}

function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new TypeError(`Not a decimal number: '${text}'.`);
  const fraction = match[3] ?? '';
  return { negative: match[1] === '-', units: BigInt(`${match[2] ?? '0'}${fraction}`), scale: fraction.length };
}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** The magnitude rounded half-up to `places` decimals, as a count of `10^-places`. */
function roundTo(d: Decimal, places: number): bigint {
  if (places >= d.scale) return d.units * pow10(places - d.scale);
  const divisor = pow10(d.scale - places);
  const quotient = d.units / divisor;
  return (d.units % divisor) * 2n >= divisor ? quotient + 1n : quotient;
}

/** `numerator / denominator` (denominator > 0) rounded half away from zero. */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** Two exact decimals as integers of one scale. */
function alignDecimals(a: string, b: string): [bigint, bigint] {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return [
    (x.negative ? -1n : 1n) * x.units * pow10(scale - x.scale),
    (y.negative ? -1n : 1n) * y.units * pow10(scale - y.scale),
  ];
}

/** `units / 10^places` written out, optionally with thousands separators, optionally without trailing zeros. */
function writeDecimal(units: bigint, places: number, options: { group?: boolean; trim?: boolean } = {}): string {
  const text = units.toString().padStart(places + 1, '0');
  const whole = text.slice(0, text.length - places);
  let fraction = text.slice(text.length - places);
  if (options.trim) fraction = fraction.replace(/0+$/, '');
  const grouped = options.group ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  return fraction === '' ? grouped : `${grouped}.${fraction}`;
}

/**
 * US dollars from an exact decimal string, rounded (half-up) to what matters: from $1 two decimals with
 * separators ("$12.35", "$1,234.57"); under $1 four decimals without trailing zeros beyond the cents
 * ("$0.0076", "$0.50"); a positive amount under $0.0001 is "<$0.0001"; zero is "$0". A value that rounds up
 * into the next range is shown as that range shows it ("0.99996" is "$1.00"). `formatUsdExact` is the
 * amount to the last digit, for a hover.
 */
export function formatUsd(amount: string): string {
  const d = parseDecimal(amount);
  if (d.units === 0n) return '$0';
  const sign = d.negative ? '-' : '';
  // Under $0.0001 four decimals would read "$0.0000" or round up: say it is less.
  if (d.units * 10_000n < pow10(d.scale)) return d.negative ? '>-$0.0001' : '<$0.0001';
  const cents = roundTo(d, 2);
  if (d.units >= pow10(d.scale)) return `${sign}$${writeDecimal(cents, 2, { group: true })}`;
  const units = roundTo(d, 4);
  if (units >= 10_000n) return `${sign}$${writeDecimal(cents, 2, { group: true })}`;
  // Keep the cents ("$0.50"), drop zeros after them ("$0.0120" is "$0.012").
  const text = writeDecimal(units, 4).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `${sign}$${text}`;
}

/** US dollars to the last digit the database holds, trailing zeros dropped: "0.000000180000" is "$0.00000018". */
export function formatUsdExact(amount: string): string {
  const d = parseDecimal(amount);
  const sign = d.negative && d.units !== 0n ? '-' : '';
  return `${sign}$${writeDecimal(d.units, d.scale, { group: true, trim: true })}`;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (exact decimal strings). */
export function compareDecimal(a: string, b: string): number {
  const [x, y] = alignDecimals(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `a + b` exactly (decimal strings), at the larger of their scales: "0.10" + "0.005" is "0.105". */
export function addDecimal(a: string, b: string): string {
  const [x, y] = alignDecimals(a, b);
  const scale = Math.max(parseDecimal(a).scale, parseDecimal(b).scale);
  const sum = x + y;
  return `${sum < 0n ? '-' : ''}${writeDecimal(sum < 0n ? -sum : sum, scale)}`;
}

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A whole count with thousands separators: "1,234". */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** A share of 1 as a percentage with one decimal: 0.0333 is "3.3%"; null is "—". */
export function formatPercent(share: number | null): string {
  if (share === null) return '—';
  if (share === 0) return '0%';
  return `${(share * 100).toFixed(1)}%`;
}

/** The change `(current - previous) / |previous|` rounded to `10^-digits` percent; null when previous is 0. */
function percentChange(current: number | string, previous: number | string, digits: number): number | null {
  if (typeof current === 'string' && typeof previous === 'string') {
    const [c, p] = alignDecimals(current, previous);
    if (p === 0n) return null;
    return Number(divideRounded((c - p) * 100n * pow10(digits), p < 0n ? -p : p));
  }
  const c = Number(current);
  const p = Number(previous);
  if (p === 0) return null;
  const scaled = ((c - p) / Math.abs(p)) * 100 * 10 ** digits;
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

/**
 * The change from the previous period: "+12%", "−4.5%" (one decimal under 10%), "0%", "new" when there
 * was nothing before, "—" when there is nothing either time or a value is unknown or unbounded. Decimal strings are
 * compared exactly.
 */
export function formatPercentChange(
  current: number | string | null | undefined,
  previous: number | string | null | undefined,
): string {
  if (current === null || current === undefined || previous === null || previous === undefined) return '—';
  // An open-ended value (the last latency bucket has no upper bound) has no meaningful change.
  if (
    (typeof current === 'number' && !Number.isFinite(current)) ||
    (typeof previous === 'number' && !Number.isFinite(previous))
  ) {
    return '—';
  }
  const tenths = percentChange(current, previous, 1);
  if (tenths === null) {
    const isZero = typeof current === 'string' ? compareDecimal(current, '0') === 0 : current === 0;
    return isZero ? '—' : 'new';
  }
  if (tenths === 0) return '0%';
  const sign = tenths > 0 ? '+' : '\u2212';
  if (Math.abs(tenths) < 100) return `${sign}${(Math.abs(tenths) / 10).toFixed(1)}%`;
  const whole = percentChange(current, previous, 0) ?? 0;
  return `${sign}${formatCount(Math.abs(whole))}%`;
}

/** A duration: "0.8 ms", "113 ms", "1.19 s", "13.5 s", "2.1 min"; null is "—". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 9.95) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9_995) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** "2026-11-26 14:03:22" (UTC). */
export function formatUtcDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** "2026-11-26 14:03:22 UTC": a moment as the dashboard shows it, ISO and saying its zone. */
export function formatUtcTimestamp(date: Date): string {
  return `${formatUtcDateTime(date)} UTC`;
}

/** The Jaeger UI page of a trace, or undefined when no Jaeger URL is configured. */
export function jaegerTraceUrl(base: string | undefined, traceId: string): string | undefined {
  if (base === undefined || base.trim() === '') return undefined;
  return `${base.trim().replace(/\/+$/, '')}/trace/${encodeURIComponent(traceId)}`;
}
