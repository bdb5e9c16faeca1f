import { z } from 'zod';

/**
 * How a true range treats the first bar, which has no previous close.
 *
 * - `skip` (default): the first bar has no true range; it only supplies the previous close.
 *   TA-Lib (TRANGE, ATR, NATR) and backtrader (TrueRange, ATR) both do this, and so does
 *   Sluice's ADX.
 * - `high_low`: the first bar's true range is its high - low (Wilder's worksheet started
 *   this way; TradingView's `ta.atr` / `ta.tr(true)` do too), so every ATR value comes one
 *   bar earlier.
 */
export type FirstBar = 'skip' | 'high_low';

/** The `first_bar` parameter of the true-range family: `skip` (default) or `high_low`. */
export const firstBarParam = z
  .enum(['skip', 'high_low'])
  .default('skip')
  .describe("First bar without a previous close: 'skip' it (TA-Lib, backtrader) or use its high - low");
