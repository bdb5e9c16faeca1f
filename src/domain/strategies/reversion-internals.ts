import type { Direction } from '../../events/index.ts';

/**
 * The band rule shared by the mean-reversion strategies: with `x` the value watched (an
 * oscillator, a z-score, a deviation) and lower < middle < upper its levels, the first
 * matching rule sets the target:
 *
 * 1. x < lower → long (1);
 * 2. x > upper → short (-1);
 * 3. long and x >= middle → flat (0);
 * 4. short and x <= middle → flat (0);
 * 5. otherwise hold `direction`.
 *
 * Entries take precedence over exits. Pure: the caller keeps the direction.
 */
export function bandReversion(
  direction: Direction,
  x: number,
  lower: number,
  middle: number,
  upper: number,
): Direction {
  if (x < lower) return 1;
  if (x > upper) return -1;
  if (direction === 1 && x >= middle) return 0;
  if (direction === -1 && x <= middle) return 0;
  return direction;
}
