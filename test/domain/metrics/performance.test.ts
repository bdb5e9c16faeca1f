import { describe, expect, it } from 'vitest';
import { EquityStats } from '../../../src/domain/metrics/equity-stats.ts';
import {
  METRIC_DIRECTION,
  METRIC_NAMES,
  RANKABLE_METRIC_NAMES,
  isMetricName,
  isRankableMetricName,
} from '../../../src/domain/metrics/performance.ts';
import type { PerformanceMetrics } from '../../../src/domain/metrics/performance.ts';
import { TradeStats } from '../../../src/domain/metrics/trade-stats.ts';

describe('performance metric names', () => {
  it('lists exactly the keys the folds produce, equity metrics first', () => {
    const metrics: PerformanceMetrics = {
      ...new EquityStats({ initialEquity: 1, barsPerYear: 252 }).result(),
      ...new TradeStats().result(),
    };
    expect([...METRIC_NAMES]).toEqual(Object.keys(metrics));
    expect(METRIC_NAMES).toHaveLength(28);
  });

  it('knows metric names and rejects others', () => {
    expect(isMetricName('sharpe_ratio')).toBe(true);
    expect(isMetricName('max_drawdown')).toBe(true);
    expect(isMetricName('trade_count')).toBe(true);
    expect(isMetricName('sharpe')).toBe(false);
    expect(isMetricName('toString')).toBe(false);
    expect(isMetricName('__proto__')).toBe(false);
  });

  it('says which way each metric improves', () => {
    expect(METRIC_DIRECTION.sharpe_ratio).toBe('higher');
    expect(METRIC_DIRECTION.total_return).toBe('higher');
    expect(METRIC_DIRECTION.profit_factor).toBe('higher');
    expect(METRIC_DIRECTION.max_drawdown).toBe('lower');
    expect(METRIC_DIRECTION.max_drawdown_duration_days).toBe('lower');
    expect(METRIC_DIRECTION.annual_volatility).toBe('lower');
    expect(METRIC_DIRECTION.gross_loss).toBe('lower');
    expect(METRIC_DIRECTION.bars).toBe('neutral');
  });

  it('ranks only by metrics with a direction', () => {
    expect(isRankableMetricName('calmar_ratio')).toBe(true);
    expect(isRankableMetricName('exposure')).toBe(false);
    expect(isRankableMetricName('start_ts')).toBe(false);
    expect(isRankableMetricName('nope')).toBe(false);
    expect(RANKABLE_METRIC_NAMES).not.toContain('trade_count');
    expect(RANKABLE_METRIC_NAMES).toContain('sortino_ratio');
    expect(RANKABLE_METRIC_NAMES.length).toBe(METRIC_NAMES.filter((n) => METRIC_DIRECTION[n] !== 'neutral').length);
  });
});
