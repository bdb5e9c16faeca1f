import type { Direction } from '../../events/index.ts';
import type { StrategyDecision } from './strategy.ts';

/**
 * Decision objects shared by the strategies. Logic runs once per bar per strategy, so it
 * returns preallocated objects instead of allocating one per call: frozen constants when
 * the strength is fixed, or one mutable object per logic instance when it varies
 * (see `DecisionBuffer`). Callers must read (or copy) a decision before the next call.
 */

/** Flat, strength 0. */
export const FLAT: StrategyDecision = Object.freeze({ direction: 0, strength: 0 });
/** Long with full conviction. */
export const LONG: StrategyDecision = Object.freeze({ direction: 1, strength: 1 });
/** Short with full conviction. */
export const SHORT: StrategyDecision = Object.freeze({ direction: -1, strength: -1 });

/** The frozen full-conviction decision for a direction. */
export function fixedDecision(direction: Direction): StrategyDecision {
  return direction === 1 ? LONG : direction === -1 ? SHORT : FLAT;
}

/**
 * Smallest |strength| of a non-flat decision: a held position on a tie (fast == slow)
 * still has a direction, and a strength of 0 would contradict it.
 */
export const MIN_STRENGTH = 0.001;

/**
 * One reusable decision per logic instance, for strategies whose strength varies.
 * `set` overwrites and returns the same object each time: the result is valid until the
 * next call on the same instance.
 */
export class DecisionBuffer implements StrategyDecision {
  /** The target direction. */
  direction: Direction = 0;
  /** Conviction in [-1, 1], sign matching direction. */
  strength = 0;

  /**
   * Sets the direction and a strength of `direction * clamp(|magnitude|, MIN_STRENGTH, 1)`
   * (0 when flat); a NaN magnitude counts as MIN_STRENGTH. Flat returns the shared FLAT.
   */
  set(direction: Direction, magnitude: number): StrategyDecision {
    if (direction === 0) return FLAT;
    const m = Math.abs(magnitude);
    this.direction = direction;
    // `!(m >= MIN)` also catches NaN.
    this.strength = direction * (!(m >= MIN_STRENGTH) ? MIN_STRENGTH : m > 1 ? 1 : m);
    return this;
  }
}
