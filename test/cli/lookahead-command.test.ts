import { describe, expect, it } from 'vitest';
import { reportJson, reportText, SHOWN_VIOLATIONS } from '../../src/cli/lookahead-command.ts';
import type { LookaheadReport, LookaheadViolation } from '../../src/analysis/lookahead.ts';

const base: LookaheadReport = {
  symbol: 'SPY',
  bars: 1000,
  checkedBars: [10, 500, 999],
  warmup: 30,
  strategies: ['leaky', 'sma_crossover'],
  features: ['sma(period=10;close)', 'momentum(period=10;close)'],
  violations: [],
  warnings: [],
  fullRunMs: 12,
  elapsedMs: 50,
};

const leak = (bar: number): LookaheadViolation => ({
  bar,
  symbol: 'SPY',
  ts: Date.parse('2024-03-26T13:30:00Z') + bar * 300_000,
  kind: 'signal',
  name: 'leaky',
  full: { direction: 1, strength: 1, since: bar - 2 },
  truncated: { direction: -1, strength: -1, since: bar },
});

describe('sluice lookahead output', () => {
  it('sums up a clean check in one line', () => {
    expect(reportText('demo', base)).toBe(
      'demo: checked 3 bars × 2 features × 2 strategies: no look-ahead found (SPY, 1000 bars, warm-up 30, 0.1 s)',
    );
  });

  it('adds a line per optimistic setting the check cannot see (fill: close)', () => {
    const text = reportText('demo', { ...base, warnings: ['execution.fill: close fills … optimistic'] });
    expect(text.split('\n')).toEqual([
      'demo: checked 3 bars × 2 features × 2 strategies: no look-ahead found (SPY, 1000 bars, warm-up 30, 0.1 s)',
      'warning: execution.fill: close fills … optimistic',
    ]);
  });

  it('tables the first violations and counts the rest', () => {
    const violations = [
      {
        bar: 10,
        symbol: 'SPY',
        ts: Date.parse('2024-03-26T14:20:00Z'),
        kind: 'feature' as const,
        name: 'sma(period=10;close)',
        full: NaN,
        truncated: 521.5,
      },
      ...Array.from({ length: 24 }, (_, i) => leak(100 + i)),
    ];
    const text = reportText('demo', { ...base, violations });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'demo: checked 3 bars × 2 features × 2 strategies: LOOK-AHEAD FOUND — 25 values at 25 bars changed when later bars were removed (SPY, 1000 bars, warm-up 30, 0.1 s)',
    );
    expect(lines[2]).toMatch(/^bar +time \(UTC\) +kind +name +full run +cut run$/);
    expect(lines[3]).toMatch(/^10 +2024-03-26 14:20 +feature +sma\(period=10;close\) +NaN +521\.5$/);
    expect(lines[4]).toMatch(/^100 +2024-03-26 21:50 +signal +leaky +long 1 since bar 98 +short -1 since bar 100$/);
    expect(lines).toHaveLength(3 + SHOWN_VIOLATIONS + 1);
    expect(lines.at(-1)).toBe('… and 5 more (--json lists all)');
  });

  it('writes NaN as a string in JSON', () => {
    const v = { bar: 1, symbol: 'SPY', ts: 0, kind: 'feature' as const, name: 'x', full: NaN, truncated: 1 };
    const json = JSON.parse(reportJson({ ...base, violations: [v] })) as { violations: Record<string, unknown>[] };
    expect(json.violations[0]).toEqual({ ...v, full: 'NaN', time: '1970-01-01T00:00:00.000Z' });
  });
});
