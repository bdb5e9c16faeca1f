import { z } from 'zod';
import type { Direction } from '../../events/index.ts';
import { DecisionBuffer } from './decision.ts';
import { NO_DECISION, type ColumnLogic, type StrategyLogic } from './strategy.ts';

/** How a crossover turns its two lines into a direction. */
export type CrossTrigger = 'state' | 'cross';

/**
 * The `trigger` param every crossover strategy shares. Optional rather than defaulted, so
 * a config without it keeps its params (and so its signal-store hash) unchanged.
 */
export const TRIGGER_PARAM = z
  .enum(['state', 'cross'])
  .optional()
  .describe(
    "state (the default, when absent): long while the fast line is above the slow one, short while below, so the first bar after warm-up already has a direction; cross: enter only on the bar where the lines cross (the fast line moves from below to above the slow one, or back), as backtrader's CrossOver and most textbooks define it: flat until the first cross, then held until the opposite cross. A tie keeps the last side.",
  );

/**
 * The direction of a crossover from the difference of its lines, one bar at a time.
 * `state`: the sign of the difference (a tie keeps the last direction). `cross`: changes
 * only when the sign of the difference flips against the last non-zero sign seen (the
 * way backtrader's CrossOver compares with the last non-zero difference), so the first
 * bar of the series never enters and a tie neither crosses nor resets.
 */
export class CrossDirection {
  private direction: Direction = 0;
  /** Sign of the last non-zero difference, 0 before any. */
  private lastSign: Direction = 0;

  constructor(private readonly trigger: CrossTrigger = 'state') {}

  /**
   * `update` over a chunk: for each bar b < `length`, the direction after fast[b] −
   * slow[b] into out[b], or NO_DECISION (and no update) where either is NaN. The state is
   * kept in locals for the loop and stored back, so the chunk costs one call.
   */
  updateColumns(fast: Float64Array, slow: Float64Array, length: number, out: Int8Array): void {
    let direction: number = this.direction;
    let lastSign: number = this.lastSign;
    const state = this.trigger === 'state';
    for (let b = 0; b < length; b++) {
      const f = fast[b]!;
      const s = slow[b]!;
      if (Number.isNaN(f) || Number.isNaN(s)) {
        out[b] = NO_DECISION;
        continue;
      }
      const diff = f - s;
      const sign = diff > 0 ? 1 : diff < 0 ? -1 : 0;
      if (state) {
        if (sign !== 0) direction = sign;
      } else if (sign !== 0) {
        if (lastSign !== 0 && sign !== lastSign) direction = sign;
        lastSign = sign;
      }
      out[b] = direction;
    }
    this.direction = direction as Direction;
    this.lastSign = lastSign as Direction;
  }

  /** The direction after this bar's difference (fast − slow). */
  update(diff: number): Direction {
    const sign: Direction = diff > 0 ? 1 : diff < 0 ? -1 : 0;
    if (this.trigger === 'state') {
      if (sign !== 0) this.direction = sign;
    } else if (sign !== 0) {
      if (this.lastSign !== 0 && sign !== this.lastSign) this.direction = sign;
      this.lastSign = sign;
    }
    return this.direction;
  }
}

/**
 * The logic shared by moving-average crossovers. Reads features [fast, slow]:
 * with trigger `state`, direction 1 while fast > slow, -1 while fast < slow, unchanged
 * when equal (0 before any difference); with trigger `cross`, flat until the lines first
 * cross, then the side of the last cross. Strength: clamp((fast - slow) / slow * 100,
 * -1, 1), i.e. the gap in percent of the slow average, at least MIN_STRENGTH in
 * magnitude when not flat. Null while either average warms up.
 *
 * The returned decision object is reused: valid until the next call.
 */
export function crossoverLogic(trigger: CrossTrigger | undefined = 'state'): StrategyLogic {
  const cross = new CrossDirection(trigger ?? 'state');
  const out = new DecisionBuffer();
  return (features) => {
    const fast = features[0] ?? NaN;
    const slow = features[1] ?? NaN;
    if (Number.isNaN(fast) || Number.isNaN(slow)) return null;
    return out.set(cross.update(fast - slow), ((fast - slow) / slow) * 100);
  };
}

/**
 * {@link crossoverLogic} over a chunk: the same direction per bar (`CrossDirection` fed
 * the same differences), NO_DECISION while either line warms up.
 */
export function crossoverColumns(trigger: CrossTrigger | undefined = 'state'): ColumnLogic {
  const cross = new CrossDirection(trigger ?? 'state');
  return (features, length, out) => cross.updateColumns(features[0]!, features[1]!, length, out);
}
