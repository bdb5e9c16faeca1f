import { describe, expect, it } from 'vitest';
import type { BarEvent, TradeEvent } from '../../src/events/index.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { sma_crossover } from '../../src/domain/strategies/sma-crossover.ts';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { runConfig } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const SLIP = 2 / 1e4; // slippage_bps: 2 in the fixture

/** sma_crossover, recording the bar index of every direction change it reports. */
function recording(changes: { index: number; direction: number }[]): StrategyDefinition {
  const base = sma_crossover as unknown as StrategyDefinition;
  return {
    ...base,
    name: 'recorded_sma',
    create: (params) => {
      const logic = base.create!(params);
      let last = 0;
      return (features, bar) => {
        const d = logic(features, bar);
        if (d !== null && d.direction !== last) {
          last = d.direction;
          changes.push({ index: bar.index, direction: d.direction });
        }
        return d;
      };
    },
  };
}

function columns(bars: readonly BarEvent[]) {
  return {
    ts: bars.map((b) => b.ts),
    open: bars.map((b) => b.open),
    high: bars.map((b) => b.high),
    low: bars.map((b) => b.low),
    close: bars.map((b) => b.close),
    volume: bars.map((b) => b.volume),
  };
}

async function backtest(bars: readonly BarEvent[], fill: 'next_open' | 'close') {
  const changes: { index: number; direction: number }[] = [];
  const outcome = await runConfig(CONFIG, {
    sets: ['strategies[0].type=recorded_sma', `execution.fill=${fill}`],
    strategies: new Map([['recorded_sma', recording(changes)]]),
    source: () => new MemoryBarSource('SPY', columns(bars), 500),
  });
  expect(outcome.status).toBe('completed');
  return { trades: outcome.books[0]!.trades as readonly TradeEvent[], changes };
}

describe('no order fills on information from a bar that has not happened yet', () => {
  const bars = loadSpyBars(4000);
  const indexOfTs = new Map(bars.map((b, i) => [b.ts, i]));

  it('next_open: a signal on bar t fills at bar t+1 open, never earlier', async () => {
    const { trades, changes } = await backtest(bars, 'next_open');
    // Long only with fixed 100 shares: +1 opens, -1 closes. Pair each trade with its signals.
    const entries = changes.filter((c) => c.direction === 1);
    expect(trades.length).toBeGreaterThan(30);
    trades.forEach((t, k) => {
      const signal = entries[k]!.index;
      const entryBar = indexOfTs.get(t.entryTs)!;
      expect(entryBar).toBe(signal + 1);
      expect(t.entryPrice).toBeCloseTo(bars[signal + 1]!.open * (1 + SLIP), 9);
      if (t.exitReason === 'signal') {
        const exitSignal = changes.find((c) => c.index > signal && c.direction !== 1)!.index;
        expect(indexOfTs.get(t.exitTs)).toBe(exitSignal + 1);
        expect(t.exitPrice).toBeCloseTo(bars[exitSignal + 1]!.open * (1 - SLIP), 9);
      }
    });
  });

  it('close: only when the config says so, a signal on bar t fills at bar t close', async () => {
    const { trades, changes } = await backtest(bars, 'close');
    const entries = changes.filter((c) => c.direction === 1);
    trades.forEach((t, k) => {
      const signal = entries[k]!.index;
      expect(indexOfTs.get(t.entryTs)).toBe(signal);
      expect(t.entryPrice).toBeCloseTo(bars[signal]!.close * (1 + SLIP), 9);
    });
  });

  it('rewriting every bar after t changes no fill up to t', async () => {
    const cut = 2500;
    const future = bars.map((b, i) =>
      i <= cut
        ? b
        : {
            ...b,
            open: b.open * 1.5,
            high: b.high * 1.5,
            low: b.low * 0.5,
            close: i % 2 === 0 ? b.close * 1.4 : b.close * 0.6,
          },
    );
    const a = await backtest(bars, 'next_open');
    const b = await backtest(future, 'next_open');
    const cutTs = bars[cut]!.ts;
    const upTo = (ts: readonly TradeEvent[]) =>
      ts.filter((t) => t.exitTs <= cutTs).map((t) => [t.entryTs, t.entryPrice, t.exitTs, t.exitPrice, t.pnl]);
    expect(upTo(a.trades).length).toBeGreaterThan(20);
    expect(upTo(b.trades)).toEqual(upTo(a.trades));
    expect(b.changes.filter((c) => c.index <= cut)).toEqual(a.changes.filter((c) => c.index <= cut));
  });
});
