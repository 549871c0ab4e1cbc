// CSV escaping (quotes, separators, line breaks), formula neutralisation, and the breakdown files.
import { describe, expect, it } from 'vitest';

import { breakdownCsv, breakdownCsvFilename, csvCell, toCsv, type CsvValue } from './csv';
import type { BreakdownRow } from './queries';

describe('csvCell', () => {
  it.each<[CsvValue, string]>([
    ['/api/webhooks/email', '/api/webhooks/email'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-3, '-3'],
    ['0.001215000000', '0.001215000000'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rlf', '"cr\rlf"'],
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', '"\'\r=1"'],
    ['a=1', 'a=1'],
    // A source or feature any app (or client of the sink) chose: SQL and HTML are text, kept as they are.
    ["'); DROP TABLE ai_interaction; --", "'); DROP TABLE ai_interaction; --"],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ["-- '); DROP TABLE ai_interaction", "'-- '); DROP TABLE ai_interaction"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['<img src=x onerror="alert(1)">, x', '"<img src=x onerror=""alert(1)"">, x"'],
    ["it's", "it's"],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('toCsv', () => {
  it('joins cells with commas and ends every line with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        [1, 'x,y'],
      ]),
    ).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

const ROW: BreakdownRow = {
  key: '/api/webhooks/email',
  sourceKind: 'route',
  calls: 12,
  costUsd: '0.004321000000',
  inputTokens: 5400,
  outputTokens: 820,
  errors: 1,
  unpricedCalls: 0,
};

describe('breakdownCsv', () => {
  it('writes sources with their kind', () => {
    expect(
      breakdownCsv('source', [ROW, { ...ROW, key: '', sourceKind: 'unattributed', calls: 2, unpricedCalls: 2 }]),
    ).toBe(
      'source,kind,calls,cost_usd,input_tokens,output_tokens,errors,unpriced_calls\r\n' +
        '/api/webhooks/email,route,12,0.004321000000,5400,820,1,0\r\n' +
        ',unattributed,2,0.004321000000,5400,820,1,2\r\n',
    );
  });

  it('writes features with their registry name, or the id when it is not registered', () => {
    const rows = [
      { ...ROW, key: 'email.sentiment', sourceKind: undefined },
      { ...ROW, key: '=cmd', sourceKind: undefined },
    ];
    expect(breakdownCsv('feature', rows)).toBe(
      'feature,feature_name,calls,cost_usd,input_tokens,output_tokens,errors,unpriced_calls\r\n' +
        'email.sentiment,Inbound email sentiment,12,0.004321000000,5400,820,1,0\r\n' +
        "'=cmd,'=cmd,12,0.004321000000,5400,820,1,0\r\n",
    );
  });

  it('writes models', () => {
    expect(breakdownCsv('model', [{ ...ROW, key: 'gpt-4o-mini', sourceKind: undefined }])).toBe(
      'model,calls,cost_usd,input_tokens,output_tokens,errors,unpriced_calls\r\n' +
        'gpt-4o-mini,12,0.004321000000,5400,820,1,0\r\n',
    );
  });

  it('writes only the header when there are no rows', () => {
    expect(breakdownCsv('model', [])).toBe('model,calls,cost_usd,input_tokens,output_tokens,errors,unpriced_calls\r\n');
  });
});

describe('breakdownCsvFilename', () => {
  it('names the dimension and the first and last day of the period', () => {
    const filters = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
    expect(breakdownCsvFilename('feature', filters)).toBe('spendtrace-feature-2026-11-01-2026-11-30.csv');
  });
});
