import type { Direction } from '../../events/index.ts';
import { DecisionBuffer } from './decision.ts';
import type { StrategyLogic } from './strategy.ts';

/**
 * The logic shared by moving-average crossovers. Reads features [fast, slow]:
 * direction 1 while fast > slow, -1 while fast < slow, unchanged when equal (0 before
 * any difference). Strength: clamp((fast - slow) / slow * 100, -1, 1), i.e. the gap in
 * percent of the slow average, at least MIN_STRENGTH in magnitude when not flat.
 * Null while either average warms up.
 *
 * The returned decision object is reused: valid until the next call.
 */
export function crossoverLogic(): StrategyLogic {
  let direction: Direction = 0;
  const out = new DecisionBuffer();
  return (features) => {
    const fast = features[0] ?? NaN;
    const slow = features[1] ?? NaN;
    if (Number.isNaN(fast) || Number.isNaN(slow)) return null;
    if (fast > slow) direction = 1;
    else if (fast < slow) direction = -1;
    return out.set(direction, ((fast - slow) / slow) * 100);
  };
}
