import { Decimal } from '@prisma/client/runtime/client';
import { describe, expect, it } from 'vitest';
import { cellText, formatRows } from './format-rows';

describe('cellText', () => {
  it.each([
    { value: null, text: '' },
    { value: undefined, text: '' },
    { value: 'route', text: 'route' },
    { value: 42, text: '42' },
    { value: 12345678901234567890n, text: '12345678901234567890' },
    { value: true, text: 'true' },
    { value: new Date('2026-12-03T10:00:00.000Z'), text: '2026-12-03T10:00:00.000Z' },
    { value: new Decimal('0.000150000000'), text: '0.00015' },
    { value: { customer_tier: 'pro' }, text: '{"customer_tier":"pro"}' },
  ])('prints $value as $text', ({ value, text }) => {
    expect(cellText(value)).toBe(text);
  });
});

describe('formatRows', () => {
  it('aligns the columns under their names and counts the rows', () => {
    expect(
      formatRows([
        { source: '/api/webhooks/email', calls: 12n, cost: null },
        { source: 'job:weekly_digest', calls: 1n, cost: 'a\nb' },
      ]),
    ).toBe(
      'source              | calls | cost\n' +
        '--------------------+-------+-----\n' +
        '/api/webhooks/email | 12    |\n' +
        'job:weekly_digest   | 1     | a b\n' +
        '(2 rows)\n',
    );
  });

  it('says so when there are no rows', () => {
    expect(formatRows([])).toBe('(0 rows)\n');
  });
});
