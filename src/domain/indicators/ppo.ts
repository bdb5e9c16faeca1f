import { fastSlowSignalParams, Macd } from './macd.ts';
import { defineIndicator } from '../define.ts';

/**
 * Percentage price oscillator, as StockCharts' ChartSchool defines it: line =
 * 100 · (EMA(fast) - EMA(slow)) / EMA(slow), signal = EMA(signal) of the line,
 * histogram = line - signal. Every EMA is SMA-seeded (this catalogue's EMA), so the line
 * exists from bar slow - 1 and the signal from slow + signal - 2; all three outputs wait
 * for the signal, as MACD's do. The line is 0 when EMA(slow) is 0. O(1).
 *
 * TA-Lib's PPO is the line alone, with a simple moving average unless told otherwise.
 */
export class Ppo extends Macd {
  protected override lineOf(fast: number, slow: number): number {
    return slow === 0 ? 0 : (100 * (fast - slow)) / slow;
  }
}

/**
 * `ppo(fast=12, slow=26, signal=9)`: outputs line, signal, histogram (percent);
 * warm-up slow + signal - 1 bars.
 */
export const ppo = defineIndicator({
  name: 'ppo',
  description:
    'Percentage price oscillator: 100 · (EMA(fast) - EMA(slow)) / EMA(slow), its EMA(signal), and their difference.',
  params: fastSlowSignalParams,
  outputs: ['line', 'signal', 'histogram'],
  reads: 'price',
  warmup: (p) => p.slow + p.signal - 1,
  create: (p, input) => new Ppo(p.fast, p.slow, p.signal, input),
});
