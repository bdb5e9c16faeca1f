import { adx_trend } from './adx-trend.ts';
import { aroon_trend } from './aroon-trend.ts';
import { atr_channel_breakout } from './atr-channel-breakout.ts';
import { bollinger_reversion } from './bollinger-reversion.ts';
import { cci_reversion } from './cci-reversion.ts';
import { donchian_breakout } from './donchian-breakout.ts';
import { ema_crossover } from './ema-crossover.ts';
import { keltner_breakout } from './keltner-breakout.ts';
import { macd_crossover } from './macd-crossover.ts';
import { momentum_sign } from './momentum-sign.ts';
import { psar_trend } from './psar-trend.ts';
import { roc_momentum } from './roc-momentum.ts';
import { rotation } from './rotation.ts';
import { rsi_bands } from './rsi-bands.ts';
import { rsi_threshold } from './rsi-threshold.ts';
import { sma_crossover } from './sma-crossover.ts';
import { stochastic_reversion } from './stochastic-reversion.ts';
import { supertrend_trend } from './supertrend-trend.ts';
import { trix_momentum } from './trix-momentum.ts';
import { vwap_deviation } from './vwap-deviation.ts';
import { williams_r_reversion } from './williams-r-reversion.ts';
import { zscore_reversion } from './zscore-reversion.ts';
import type { StrategyDefinition } from './strategy.ts';

// Each definition is typed with its own params; the catalogue holds them at the common
// type. That is sound because every caller parses params through `definition.params`
// before calling `features` or `create`.
// Listing order: trend, mean reversion, momentum, volatility, then cross-sectional.
/** The built-in strategies, in listing order; src/domain/registry.ts registers them. */
export const BUILT_IN_STRATEGIES: readonly StrategyDefinition[] = [
  sma_crossover,
  ema_crossover,
  macd_crossover,
  adx_trend,
  supertrend_trend,
  psar_trend,
  aroon_trend,
  donchian_breakout,
  keltner_breakout,
  rsi_threshold,
  rsi_bands,
  bollinger_reversion,
  stochastic_reversion,
  williams_r_reversion,
  cci_reversion,
  vwap_deviation,
  zscore_reversion,
  roc_momentum,
  momentum_sign,
  trix_momentum,
  atr_channel_breakout,
  rotation,
];
