/**
 * Your strategy. Change it, then `npm test` (its marble spec) and `npm run backtest`.
 *
 * Long once the close rises more than `band_pct` percent above its simple moving average
 * over `period` bars; flat once it falls below the average; in between it holds (the band
 * keeps it from flipping on every small cross). The SMA is a feature of the shared hub:
 * computed once per bar for every strategy that reads it, whatever the sweep's size.
 */
import { defineStrategy, z } from 'sluice';

export const myStrategy = defineStrategy({
  name: 'my_strategy',
  description: 'Long above SMA(period) + band_pct %, flat below the SMA, holding in between.',
  params: z.strictObject({
    period: z.number().int().min(2).default(50),
    band_pct: z.number().min(0).default(0.1),
  }),
  // `--set 'strategies[0].grid=default'` sweeps this grid (npm run sweep).
  defaultGrid: { period: [20, 50, 100, 200], band_pct: [0, 0.1, 0.25] },
  features: (p) => [{ indicator: 'sma', params: { period: p.period } }],
  create: (p) => {
    let direction: 0 | 1 = 0;
    return (features, bar) => {
      const sma = features[0]!;
      if (Number.isNaN(sma)) return null; // warming up
      if (bar.close > sma * (1 + p.band_pct / 100)) direction = 1;
      else if (bar.close < sma) direction = 0;
      return { direction, strength: direction };
    };
  },
});
