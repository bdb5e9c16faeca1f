import { describe, expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { compileGraph } from '../../src/topology/compile.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { naiveTr, naiveWilder } from '../domain/indicators/naive.ts';

// The bundled SPY bars the spy-small config reads.
const bars = loadSpyBars();
const indexOfTs = new Map(bars.map((b, i) => [b.ts, i]));

describe('portfolio sizing that reads features', () => {
  it.each([
    ['skip', ''],
    ['high_low', ', atr_first_bar: high_low'],
  ] as const)(
    'atr_risk, ATR first bar %s: each entry risks 1 percent of equity over 2 ATRs, with ATR computed independently',
    async (firstBar, extra) => {
      const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
        sets: [
          `portfolio.sizing={type: atr_risk, risk_percent: 1, atr_period: 14, atr_multiple: 2, max_percent: 100${extra}}`,
        ],
      });
      expect(outcome.status).toBe('completed');
      const trades = outcome.books[0]!.trades!;
      expect(trades.length).toBeGreaterThan(100);
      const atr = naiveWilder(naiveTr(bars, firstBar), 14);
      let equity = 100_000;
      const quantities = new Set<number>();
      for (const t of trades) {
        // Long only: flat between trades, so equity at the signal is the cash after the last exit.
        const signalBar = indexOfTs.get(t.entryTs)! - 1;
        const a = atr[signalBar]!;
        const close = bars[signalBar]!.close;
        const expected = Math.floor(Math.min((equity * 0.01) / (2 * a), equity / close));
        expect(t.quantity, `trade entered at bar ${signalBar + 1}`).toBe(expected);
        quantities.add(t.quantity);
        equity += t.pnl;
      }
      // The size really varies with volatility.
      expect(quantities.size).toBeGreaterThan(20);
    },
  );

  it('volatility_target: notional = equity × target / annualized σ of log returns', async () => {
    const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
      sets: ['portfolio.sizing={type: volatility_target, target_volatility: 10, lookback: 20, max_leverage: 1}'],
    });
    expect(outcome.status).toBe('completed');
    const trades = outcome.books[0]!.trades!;
    expect(trades.length).toBeGreaterThan(100);
    const r = bars.map((b, i) => (i === 0 ? NaN : Math.log(b.close / bars[i - 1]!.close)));
    const sigma = (t: number): number => {
      const w = r.slice(t - 19, t + 1);
      const m = w.reduce((a, b) => a + b, 0) / 20;
      return Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 19);
    };
    // 5-minute bars on the US equity calendar: 78 bars a session × 252 sessions.
    const annual = Math.sqrt(78 * 252);
    let equity = 100_000;
    let capped = 0;
    for (const t of trades) {
      const signalBar = indexOfTs.get(t.entryTs)! - 1;
      const leverage = Math.min(0.1 / (sigma(signalBar) * annual), 1);
      if (leverage === 1) capped++;
      const raw = (equity * leverage) / bars[signalBar]!.close;
      // Integer part, allowing the last-ulp rounding the engine absorbs (wholeShares).
      expect(Math.abs(t.quantity - raw), `trade entered at bar ${signalBar + 1}`).toBeLessThan(1 + 1e-9);
      expect(t.quantity).toBeLessThanOrEqual(Math.floor(raw + 1e-6));
      equity += t.pnl;
    }
    expect(capped).toBeLessThan(trades.length);
  });

  it('only books whose sizing reads a feature are on the sizing_features route', async () => {
    const targets = async (sets: string[]): Promise<number> => {
      const { wf, plan } = await loadWorkflow('test/fixtures/configs/spy-small.yaml', { sets });
      const graph = compileGraph(plan, wf);
      return graph.routes.find((r) => r.name === 'sizing_features')!.targets.length;
    };
    expect(await targets([])).toBe(0);
    expect(await targets(['portfolio.sizing={type: atr_risk}'])).toBe(1);
  });
});
