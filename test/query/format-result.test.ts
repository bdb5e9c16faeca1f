import { describe, expect, it } from 'vitest';
import { formatCsv, formatJsonLines, formatTable } from '../../src/query/format-result.ts';
import type { QueryResult } from '../../src/query/run-query.ts';

const result: QueryResult = {
  columns: [
    { name: 'strategy_id', type: 'VARCHAR', kind: 'text' },
    { name: 'trades', type: 'BIGINT', kind: 'number' },
    { name: 'pnl', type: 'DOUBLE', kind: 'number' },
    { name: 'params', type: 'JSON', kind: 'json' },
  ],
  rows: [
    ['sma, "fast"', '12', -3.5, '{"fast_period":10}'],
    ['b\nc', '9007199254740993', 120.25, null],
  ],
};

describe('formatTable', () => {
  it('pads columns, right-aligns numbers and their headers, spells out NULL, escapes line breaks and counts rows', () => {
    expect(formatTable(result).split('\n')).toEqual([
      'strategy_id            trades     pnl  params',
      '───────────  ────────────────  ──────  ──────────────────',
      'sma, "fast"                12    -3.5  {"fast_period":10}',
      'b\\nc         9007199254740993  120.25  NULL',
      '(2 rows)',
    ]);
  });
});

describe('formatCsv', () => {
  it('quotes fields with a comma, quote or line break (quotes doubled), CRLF line ends, NULL empty', () => {
    expect(formatCsv(result)).toBe(
      'strategy_id,trades,pnl,params\r\n"sma, ""fast""",12,-3.5,"{""fast_period"":10}"\r\n"b\nc",9007199254740993,120.25,\r\n',
    );
  });
});

describe('formatJsonLines', () => {
  it('numbers as numbers unless an integer beyond 2^53, JSON columns nested', () => {
    const [a, b] = formatJsonLines(result)
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toEqual({ strategy_id: 'sma, "fast"', trades: 12, pnl: -3.5, params: { fast_period: 10 } });
    expect(b).toEqual({ strategy_id: 'b\nc', trades: '9007199254740993', pnl: 120.25, params: null });
  });
});
