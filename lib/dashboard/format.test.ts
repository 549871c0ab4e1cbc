// Table tests for the dashboard's formatting: money rounded half-up on its digits (and written exactly for a
// hover), changes, counts, durations, times.
import { describe, expect, it } from 'vitest';

import {
  addDecimal,
  compareDecimal,
  formatCount,
  formatMs,
  formatPercent,
  formatPercentChange,
  formatUsd,
  formatUsdExact,
  formatUtcDateTime,
  formatUtcTimestamp,
  jaegerTraceUrl,
} from './format';

describe('formatUsd', () => {
  it.each([
    ['0', '$0'],
    ['0.000000000000', '$0'],
    ['0.000000180000', '<$0.0001'],
    ['0.000000000001', '<$0.0001'],
    ['0.000099999999', '<$0.0001'],
    ['0.000100000000', '$0.0001'],
    ['0.000149999999', '$0.0001'],
    ['0.000150000000', '$0.0002'],
    ['0.007600000000', '$0.0076'],
    ['0.007649999999', '$0.0076'],
    ['0.007650000000', '$0.0077'],
    ['0.012000000000', '$0.012'],
    ['0.010000000000', '$0.01'],
    ['0.5', '$0.50'],
    ['0.99994', '$0.9999'],
    ['0.99995', '$1.00'],
    ['1', '$1.00'],
    ['1.005', '$1.01'],
    ['12', '$12.00'],
    ['12.345', '$12.35'],
    ['12.344999999999', '$12.34'],
    ['1234.565', '$1,234.57'],
    ['1234.564999999999', '$1,234.56'],
    ['1234567.891000000000', '$1,234,567.89'],
    ['999999.995', '$1,000,000.00'],
    ['-1.005', '-$1.01'],
    ['-0.5', '-$0.50'],
    ['-0.00000018', '>-$0.0001'],
    [' 2.5 ', '$2.50'],
  ])('formats %j as %j', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });

  it.each(['', 'abc', '1e-5', '1.2.3', 'NaN'])('refuses %j', (amount) => {
    expect(() => formatUsd(amount)).toThrow(TypeError);
  });
});

describe('formatUsdExact', () => {
  it.each([
    ['0', '$0'],
    ['0.000000000000', '$0'],
    ['0.000000180000', '$0.00000018'],
    ['0.007600000000', '$0.0076'],
    ['12.345000000000', '$12.345'],
    ['1234.567891234567', '$1,234.567891234567'],
    ['1234567', '$1,234,567'],
    ['-0.000000000001', '-$0.000000000001'],
    ['-0.000', '$0'],
  ])('writes %j as %j', (amount, expected) => {
    expect(formatUsdExact(amount)).toBe(expected);
  });

  it('refuses what is not a decimal number', () => {
    expect(() => formatUsdExact('1e-5')).toThrow(TypeError);
  });
});

describe('compareDecimal', () => {
  it.each([
    ['1.50', '1.5', 0],
    ['0.000000000001', '0', 1],
    ['2', '10.000', -1],
    ['-1', '0', -1],
  ])('compares %j with %j as %i', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
  });
});

describe('addDecimal', () => {
  it.each([
    ['0.001000000000', '0.002500000000', '0.003500000000'],
    ['0.10', '0.005', '0.105'],
    ['0', '0.000000000000', '0.000000000000'],
    ['12', '3', '15'],
    ['999999999999.999999999999', '0.000000000001', '1000000000000.000000000000'],
    ['-1.5', '0.25', '-1.25'],
    ['0.25', '-1.5', '-1.25'],
  ])('adds %j and %j exactly: %j', (a, b, expected) => {
    expect(addDecimal(a, b)).toBe(expected);
  });
});

describe('formatPercentChange', () => {
  it.each<[number | string | null, number | string | null, string]>([
    [110, 100, '+10%'],
    [90, 100, '\u221210%'],
    [105, 100, '+5.0%'],
    [100.04, 100, '0%'],
    [100, 100, '0%'],
    [1300, 100, '+1,200%'],
    [0, 100, '\u2212100%'],
    [5, 0, 'new'],
    [0, 0, '—'],
    [null, 100, '—'],
    [100, null, '—'],
    [Number.POSITIVE_INFINITY, 100, '—'],
    [100, Number.POSITIVE_INFINITY, '—'],
    ['1.234500000000', '1.000000000000', '+23%'],
    ['1.000500000000', '1.000000000000', '+0.1%'],
    ['1.000499999999', '1.000000000000', '0%'],
    ['0.95', '1', '\u22125.0%'],
    ['0.000001000000', '0.000000000000', 'new'],
    ['0.000000000000', '0.000000000000', '—'],
  ])('from %j to %j is %j', (current, previous, expected) => {
    expect(formatPercentChange(current, previous)).toBe(expected);
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1234, '1,234'],
    [1234567, '1,234,567'],
  ])('formats %i as %j', (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });
});

describe('formatPercent', () => {
  it.each([
    [null, '—'],
    [0, '0%'],
    [1 / 30, '3.3%'],
    [1, '100.0%'],
  ])('formats %j as %j', (share, expected) => {
    expect(formatPercent(share)).toBe(expected);
  });
});

describe('formatMs', () => {
  it.each([
    [null, '—'],
    [0.84, '0.8 ms'],
    [1, '1.0 ms'],
    [9.96, '10 ms'],
    [113.14, '113 ms'],
    [999.6, '1.00 s'],
    [1189.2, '1.19 s'],
    [13_454, '13.5 s'],
    [59_990, '1.0 min'],
    [126_000, '2.1 min'],
  ])('formats %j as %j', (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });
});

describe('formatUtcDateTime', () => {
  it('shows the UTC date and time to the second', () => {
    expect(formatUtcDateTime(new Date('2026-11-26T14:03:22.517Z'))).toBe('2026-11-26 14:03:22');
  });
});

describe('formatUtcTimestamp', () => {
  it('shows the UTC date and time to the second, saying the zone', () => {
    expect(formatUtcTimestamp(new Date('2026-11-26T14:03:22.517Z'))).toBe('2026-11-26 14:03:22 UTC');
  });
});

describe('jaegerTraceUrl', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['http://localhost:16686', 'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736'],
    ['http://localhost:16686/', 'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736'],
    ['https://ops.example.com/jaeger//', 'https://ops.example.com/jaeger/trace/4bf92f3577b34da6a3ce929d0e0e4736'],
  ])('with base %j links to %j', (base, expected) => {
    expect(jaegerTraceUrl(base, '4bf92f3577b34da6a3ce929d0e0e4736')).toBe(expected);
  });
});
