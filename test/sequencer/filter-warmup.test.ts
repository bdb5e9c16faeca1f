import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { warmupBars } from '../../src/sequencer/data-range.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

describe('warmup: auto with a filter reading earlier bars', () => {
  it("adds the filter's lags and windows to its features' warm-up", async () => {
    const plain = warmupBars(await loadWorkflow(CONFIG), 'auto');
    expect(plain).toBe(40); // twice SMA(20)'s warm-up
    const lagged = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=close > prev(close, 50)'] });
    expect(warmupBars(lagged, 'auto')).toBe(100);
    // prev(sma(30), 10): 10 bars before SMA(30) has a value.
    const nested = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=sma(30) > prev(sma(30), 10)'] });
    expect(warmupBars(nested, 'auto')).toBe(2 * (30 + 10));
  });

  it("counts the lags of an ensemble member's filter, and of a regime_switch member's", async () => {
    const ensemble = (filter: string) =>
      `strategies=[{type: ensemble, params: {rule: weighted_vote, threshold: 0.5}, members: [{type: sma_crossover, params: {fast_period: 5, slow_period: 20}, filter: '${filter}'}, {type: sma_crossover, params: {fast_period: 10, slow_period: 20}}]}]`;
    expect(warmupBars(await loadWorkflow(CONFIG, { sets: [ensemble('volume > 0')] }), 'auto')).toBe(40);
    expect(warmupBars(await loadWorkflow(CONFIG, { sets: [ensemble('close > prev(close, 50)')] }), 'auto')).toBe(100);
    // bars_since over a cross of SMA(30): 1 bar for the cross, after SMA(30)'s 30.
    expect(
      warmupBars(
        await loadWorkflow(CONFIG, { sets: [ensemble('bars_since(crosses_above(close, sma(30))) < 10')] }),
        'auto',
      ),
    ).toBe(2 * (30 + 1));
    const regimes = await loadWorkflow(CONFIG, {
      sets: [
        'classifiers=[{id: trend, type: trend_regime}]',
        "strategies=[{type: regime_switch, classifier: trend, regimes: {trending_up: {type: sma_crossover, filter: 'close > prev(close, 150)'}}}]",
      ],
    });
    expect(warmupBars(regimes, 'auto')).toBe(300);
  });
});
