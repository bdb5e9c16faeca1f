/**
 * Seeded random search over a parameter grid: a uniform sample of distinct combinations
 * drawn from the full discrete grid, written in the same syntax as a sweep's grid (see
 * grid.ts: a value, a list of values or `range(start, stop, step)` per key).
 *
 * Why: a full sweep grows as the product of the axes (6 parameters × 20 values = 6.4·10^7
 * backtests), while random search finds a near-best combination in far fewer runs when
 * only a few parameters matter (Bergstra & Bengio, "Random Search for Hyper-Parameter
 * Optimization", JMLR 13, 2012). The grid is never expanded, so its size is limited
 * neither by `MAX_GRID_COMBINATIONS` nor by 2^53: combinations are addressed by their
 * index in the grid, a BigInt, and decoded on demand.
 */

import { ConfigError } from './config-error.ts';
import type { ConfigIssue } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';
import { parseParamSpec, type GridContext } from './grid.ts';
import { createRng, randomBigInt } from '../domain/random.ts';

/** Options of {@link sampleGrid}; snake_case like the workflow config they come from. */
export interface RandomSearchOptions {
  /** How many combinations to return at most: a whole number ≥ 1. */
  readonly samples: number;
  /** Seed of the generator (see `createRng`): the same seed and spec give the same combinations in the same order. */
  readonly seed: number;
  /**
   * Most combinations to draw (accepted or rejected) before giving up, so that a
   * constraint that rules out (almost) everything in a huge grid cannot loop for ever.
   * Default max(100 × samples, 100,000).
   */
  readonly max_draws?: number;
}

/** Why {@link sampleGrid} stopped. */
export type RandomSearchStop = 'samples' | 'exhausted' | 'max_draws';

/** What {@link sampleGrid} returns. */
export interface RandomSearchResult {
  /** The accepted combinations, in draw order; keys in the spec's order. */
  readonly combos: Record<string, unknown>[];
  /**
   * Each combination's index in the full grid (the position `expandGrid` would give it),
   * parallel to `combos`: a stable id of the combination within this spec. BigInt,
   * because a grid may exceed 2^53 combinations; `String()` it for JSON.
   */
  readonly indices: bigint[];
  /** Number of combinations in the full grid (product of the axis lengths). */
  readonly space: bigint;
  /** Combinations drawn, accepted or not. */
  readonly drawn: number;
  /** Combinations the `accept` predicate rejected. */
  readonly rejected: number;
  /**
   * `samples`: enough were accepted. `exhausted`: every combination of the grid was drawn
   * (fewer than `samples` pass). `max_draws`: gave up after `max_draws` draws.
   */
  readonly stopped: RandomSearchStop;
}

/** One grid axis: a key and its values in order. */
export interface GridAxis {
  readonly key: string;
  readonly values: readonly unknown[];
}

/**
 * The axes of a parameter spec, parsed and validated as `expandGrid` does (a nested
 * mapping is kept whole as one value), but not multiplied out and not held to
 * `MAX_GRID_COMBINATIONS`.
 *
 * @throws ConfigError `GRID` listing every bad parameter at once.
 */
export function gridAxes(spec: Record<string, unknown>, ctx: GridContext = { path: [] }): GridAxis[] {
  const issues: ConfigIssue[] = [];
  const axes: GridAxis[] = [];
  for (const key of Object.keys(spec)) {
    const value = spec[key];
    try {
      axes.push({
        key,
        values: isPlainObject(value) ? [value] : parseParamSpec(value, [...ctx.path, key], ctx.source),
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return axes;
}

/** Number of combinations of `axes`: the product of their lengths (1 for no axes). */
export function axesSize(axes: readonly GridAxis[]): bigint {
  return axes.reduce((n, a) => n * BigInt(a.values.length), 1n);
}

/**
 * The combination at `index` of the grid, by mixed-radix decoding: the index is a number
 * whose digits, last axis least significant, are the positions in each axis's values,
 * i.e. index = Σ_k d_k · Π_{j>k} len_j. This is exactly the order of `expandGrid` (last
 * key varying fastest), so `combinationAt(axes, i)` equals `expandGrid(spec)[i]`.
 *
 * @throws RangeError when index is outside [0, size).
 */
export function combinationAt(axes: readonly GridAxis[], index: bigint): Record<string, unknown> {
  const size = axesSize(axes);
  if (index < 0n || index >= size) throw new RangeError(`combination index ${index} is outside the grid of ${size}`);
  return decode(axes, index);
}

/** {@link combinationAt} without the range check, for indices known to be inside the grid. */
function decode(axes: readonly GridAxis[], index: bigint): Record<string, unknown> {
  const digits = new Array<number>(axes.length);
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const len = BigInt(axes[k]!.values.length);
    digits[k] = Number(rest % len);
    rest /= len;
  }
  const combo: Record<string, unknown> = {};
  for (let k = 0; k < axes.length; k++) combo[axes[k]!.key] = axes[k]!.values[digits[k]!];
  return combo;
}

/**
 * Draws up to `samples` distinct combinations of the grid `spec`, uniformly at random,
 * keeping those `accept` approves (the sweep's constraint; all when absent).
 *
 * Method: a lazy Fisher–Yates shuffle of the indices [0, N). Draw i swaps a uniformly
 * chosen position j ∈ [i, N) with position i of a virtual array that starts as the
 * identity, and takes the index found at j; only the displaced positions are stored (a
 * Map), so memory is O(draws) however large N is. Every draw is uniform over the indices
 * not yet drawn, no index is drawn twice, and after N draws the grid is exhausted, with
 * no rejection loop on duplicates.
 *
 * Determinism: the order of the combinations depends only on the seed and the spec (its
 * keys, their order, their values), not on `samples`: a run with more samples returns the
 * same combinations first (with the same `accept`), so a search can be extended later.
 *
 * @param accept the constraint; called once per drawn combination, in draw order.
 * @param ctx where the spec sits in the config, for error positions.
 * @throws ConfigError for a bad grid value (see `parseParamSpec`); RangeError for a bad
 *   option.
 */
export function sampleGrid(
  spec: Record<string, unknown>,
  options: RandomSearchOptions,
  accept?: (combo: Record<string, unknown>) => boolean,
  ctx: GridContext = { path: [] },
): RandomSearchResult {
  const { samples, seed } = options;
  if (!Number.isSafeInteger(samples) || samples < 1) {
    throw new RangeError(`random search samples must be a whole number >= 1, received ${String(samples)}`);
  }
  const maxDraws = options.max_draws ?? Math.max(100 * samples, 100_000);
  if (!Number.isSafeInteger(maxDraws) || maxDraws < 1) {
    throw new RangeError(`random search max_draws must be a whole number >= 1, received ${String(maxDraws)}`);
  }
  const rng = createRng(seed); // validates the seed
  const axes = gridAxes(spec, ctx);
  const space = axesSize(axes);

  const combos: Record<string, unknown>[] = [];
  const indices: bigint[] = [];
  /** The virtual shuffled array: position → index, only where it differs from identity. */
  const moved = new Map<bigint, bigint>();
  let drawn = 0;
  let rejected = 0;
  let i = 0n;
  let stopped: RandomSearchStop = 'samples';
  while (combos.length < samples) {
    if (i >= space) {
      stopped = 'exhausted';
      break;
    }
    if (drawn >= maxDraws) {
      stopped = 'max_draws';
      break;
    }
    const j = i + randomBigInt(rng, space - i);
    const index = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
    moved.delete(i); // position i is never looked at again
    i++;
    drawn++;
    const combo = decode(axes, index);
    if (accept !== undefined && !accept(combo)) {
      rejected++;
      continue;
    }
    combos.push(combo);
    indices.push(index);
  }
  return { combos, indices, space, drawn, rejected, stopped };
}
