import { adx } from './adx.ts';
import { adxr } from './adxr.ts';
import { aroon } from './aroon.ts';
import { atr } from './atr.ts';
import { bbands } from './bbands.ts';
import { cci } from './cci.ts';
import { dema } from './dema.ts';
import { donchian } from './donchian.ts';
import { ema } from './ema.ts';
import { highest } from './highest.ts';
import { hma } from './hma.ts';
import type { IndicatorDefinition } from './indicator.ts';
import { kama } from './kama.ts';
import { keltner } from './keltner.ts';
import { lowest } from './lowest.ts';
import { macd } from './macd.ts';
import { mfi } from './mfi.ts';
import { momentum } from './momentum.ts';
import { obv } from './obv.ts';
import { ppo } from './ppo.ts';
import { psar } from './psar.ts';
import { roc } from './roc.ts';
import { rsi } from './rsi.ts';
import { sma } from './sma.ts';
import { rma, smma } from './smma.ts';
import { stddev } from './stddev.ts';
import { stoch } from './stoch.ts';
import { stoch_rsi } from './stoch-rsi.ts';
import { supertrend } from './supertrend.ts';
import { tema } from './tema.ts';
import { trix } from './trix.ts';
import { true_range } from './true-range.ts';
import { tsi } from './tsi.ts';
import { ultimate_oscillator } from './ultimate-oscillator.ts';
import { volatility } from './volatility.ts';
import { vortex } from './vortex.ts';
import { vwap } from './vwap.ts';
import { williams_r } from './williams-r.ts';
import { wma } from './wma.ts';
import { zlema } from './zlema.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type. That is sound because every caller parses params through `definition.params`
// before calling `warmup` or `create`.
// Listing order: moving averages, then oscillators, bands and channels, volatility, trend,
// volume, windows.
/** The built-in indicators, in listing order; src/domain/registry.ts registers them. */
export const BUILT_IN_INDICATORS: readonly IndicatorDefinition[] = [
  sma,
  ema,
  wma,
  smma,
  rma,
  dema,
  tema,
  kama,
  hma,
  zlema,
  vwap,
  rsi,
  stoch,
  stoch_rsi,
  williams_r,
  cci,
  macd,
  ppo,
  momentum,
  roc,
  trix,
  ultimate_oscillator,
  tsi,
  bbands,
  keltner,
  donchian,
  atr,
  true_range,
  stddev,
  volatility,
  adx,
  adxr,
  aroon,
  vortex,
  psar,
  supertrend,
  obv,
  mfi,
  highest,
  lowest,
];
