import { bollinger_reversion } from './bollinger-reversion.ts';
import { donchian_breakout } from './donchian-breakout.ts';
import { ema_crossover } from './ema-crossover.ts';
import { macd_crossover } from './macd-crossover.ts';
import { rsi_threshold } from './rsi-threshold.ts';
import { sma_crossover } from './sma-crossover.ts';
import type { StrategyDefinition } from './strategy.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type. That is sound because every caller parses params through `definition.params`
// before calling `features` or `create`.
const ALL: readonly StrategyDefinition[] = [
  sma_crossover,
  ema_crossover,
  rsi_threshold,
  bollinger_reversion,
  donchian_breakout,
  macd_crossover,
];

/** Every built-in strategy, by name. */
export const STRATEGIES: ReadonlyMap<string, StrategyDefinition> = new Map(ALL.map((d) => [d.name, d]));

/**
 * The strategy called `name`.
 * @throws Error naming the known strategies when there is none by that name.
 */
export function getStrategy(name: string): StrategyDefinition {
  const def = STRATEGIES.get(name);
  if (def === undefined) {
    throw new Error(`unknown strategy '${name}' (known: ${[...STRATEGIES.keys()].sort().join(', ')})`);
  }
  return def;
}
