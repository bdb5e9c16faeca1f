/**
 * `monte_carlo`: one pass over the data, then a seeded bootstrap of the best book's trade
 * sequence (docs/metrics.md, "Monte Carlo"): confidence intervals on total return and
 * maximum drawdown, and the probability of a loss.
 */
import { MonteCarloSchema } from '../../config/schema/sequence.ts';
import { bootstrapTrades, returnsOnEquity } from '../../domain/metrics/monte-carlo.ts';
import { bootstrapPaths } from '../../domain/metrics/monte-carlo-paths.ts';
import { defineSequence } from '../define-sequence.ts';
import { checkSinglePassSize, runSinglePass, windowed } from '../passes.ts';

export const monteCarlo = defineSequence({
  type: 'monte_carlo',
  description:
    "One pass, then a seeded bootstrap of the best book's trades: confidence intervals on return and drawdown.",
  settings: MonteCarloSchema,
  run: async (req, seq) => {
    checkSinglePassSize(req);
    const { wf } = await windowed(req.loaded, seq);
    // The bootstrap needs the trades: keep them in memory whatever the configured storage.
    const withTrades = {
      ...wf,
      config: { ...wf.config, results: { ...wf.config.results, storage: 'memory' as const } },
    };
    return runSinglePass(req, withTrades, undefined, (ranking) => {
      const best = ranking[0];
      const trades = best?.trades ?? [];
      if (trades.length === 0)
        return { monte_carlo: { strategy_id: best?.key ?? null, trades: 0, note: 'no trades to resample' } };
      const returns = returnsOnEquity(
        trades.map((t) => t.pnl),
        wf.config.portfolio.initialCash,
      );
      const options = { draws: seq.draws, seed: seq.seed, confidence: seq.confidence, block_size: seq.block_size };
      const mc = bootstrapTrades(returns, options);
      // Percentile bands of the same histories (not the paths themselves: draws × trades
      // numbers would swamp the summary), for the report's fan chart and drawdown histogram.
      const paths = bootstrapPaths(returns, options);
      return { monte_carlo: { strategy_id: best?.key ?? null, ...mc, paths } };
    });
  },
});
