import { atr } from './atr.ts';
import { bbands } from './bbands.ts';
import { donchian } from './donchian.ts';
import { ema } from './ema.ts';
import { highest } from './highest.ts';
import type { IndicatorDefinition } from './indicator.ts';
import { lowest } from './lowest.ts';
import { macd } from './macd.ts';
import { roc } from './roc.ts';
import { rsi } from './rsi.ts';
import { sma } from './sma.ts';
import { stddev } from './stddev.ts';
import { true_range } from './true-range.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type. That is sound because every caller parses params through `definition.params`
// before calling `warmup` or `create`.
const ALL: readonly IndicatorDefinition[] = [
  sma,
  ema,
  rsi,
  bbands,
  atr,
  true_range,
  macd,
  donchian,
  highest,
  lowest,
  stddev,
  roc,
];

/** Every built-in indicator, by name. */
export const INDICATORS: ReadonlyMap<string, IndicatorDefinition> = new Map(ALL.map((d) => [d.name, d]));

/**
 * The indicator called `name`.
 * @throws Error naming the known indicators when there is none by that name.
 */
export function getIndicator(name: string): IndicatorDefinition {
  const def = INDICATORS.get(name);
  if (def === undefined) {
    throw new Error(`unknown indicator '${name}' (known: ${[...INDICATORS.keys()].sort().join(', ')})`);
  }
  return def;
}
