import { describe, expect, it } from 'vitest';
import { FeatureHub } from '../../../src/domain/indicators/feature-hub.ts';
import { loadSpyBars } from '../../helpers/spy.ts';
import { runStrategy } from './run-strategy.ts';
import { STRATEGIES, getStrategy } from '../../../src/domain/registry.ts';

describe('strategy catalogue', () => {
  it('lists the built-in strategies by name', () => {
    expect([...STRATEGIES.keys()].sort()).toEqual([
      'adx_trend',
      'aroon_trend',
      'atr_channel_breakout',
      'bollinger_reversion',
      'cci_reversion',
      'donchian_breakout',
      'ema_crossover',
      'keltner_breakout',
      'macd_crossover',
      'momentum_sign',
      'psar_trend',
      'roc_momentum',
      'rotation',
      'rsi_bands',
      'rsi_threshold',
      'sma_crossover',
      'stochastic_reversion',
      'supertrend_trend',
      'trix_momentum',
      'vwap_deviation',
      'williams_r_reversion',
      'zscore_reversion',
    ]);
    for (const [name, def] of STRATEGIES) expect(def.name).toBe(name);
  });

  it('getStrategy throws, naming the known ones, for an unknown name', () => {
    expect(getStrategy('sma_crossover').name).toBe('sma_crossover');
    expect(() => getStrategy('sma_crosover')).toThrow(/unknown strategy 'sma_crosover' \(known: .*sma_crossover/);
  });

  // Per-symbol strategies; rotation decides across symbols (test/containers/cross-section.test.ts).
  for (const [name, def] of [...STRATEGIES].filter(([, d]) => d.create !== undefined)) {
    it(`${name}: default features register in a hub; on SPY it warms up silently, then always decides`, () => {
      const p = def.params.parse({});
      const hub = new FeatureHub();
      for (const f of def.features(p)) hub.register(f);
      const ds = runStrategy(name, {}, loadSpyBars(1000));
      const first = ds.findIndex((d) => d !== null);
      // Only vwap_deviation reads a feature that is ready on the first bar.
      if (name === 'vwap_deviation') expect(first).toBe(0);
      else expect(first).toBeGreaterThan(0);
      expect(ds.slice(first).every((d) => d !== null)).toBe(true);
      for (const d of ds) {
        if (d === null) continue;
        expect([-1, 0, 1]).toContain(d.direction);
        expect(Math.abs(d.strength)).toBeLessThanOrEqual(1);
        expect(Math.sign(d.strength)).toBe(d.direction);
      }
    });
  }
});
