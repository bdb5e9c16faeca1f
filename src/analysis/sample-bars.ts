import { createRng, randomInt, type Rng } from '../domain/random.ts';

/**
 * `count` indexes spread over [from, to): the range is cut into `count` equal strata and
 * one index is drawn from each, so the sample covers the whole range (no clumps, no long
 * gaps) yet is not a fixed grid. All of them when the range holds no more than `count`.
 */
export function stratified(from: number, to: number, count: number, rng: Rng): number[] {
  const len = to - from;
  if (len <= 0 || count <= 0) return [];
  if (len <= count) return Array.from({ length: len }, (_, i) => from + i);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const lo = from + Math.floor((i * len) / count);
    const hi = from + Math.floor(((i + 1) * len) / count);
    out.push(lo + randomInt(rng, hi - lo));
  }
  return out;
}

/**
 * The bar indexes a look-ahead check cuts at: `samples` indexes of a series of `bars`
 * bars, always the last bar, about a fifth of the rest before `warmup` (the first bar at
 * which every strategy has warmed up) and the rest after it, each part stratified, drawn
 * from `seed`. Sorted, without repeats; every bar when `samples >= bars`.
 */
export function sampleBars(bars: number, samples: number, warmup: number, seed: number): number[] {
  if (bars <= 0 || samples <= 0) return [];
  if (samples >= bars) return Array.from({ length: bars }, (_, i) => i);
  const last = bars - 1;
  const w = Math.min(Math.max(0, Math.floor(warmup)), last);
  // The engine's seeded generator (SFC32), as Monte Carlo and random search use.
  const rng = createRng(seed);
  const rest = samples - 1;
  const before = Math.min(w, Math.floor(rest / 5));
  const after = rest - before;
  const picked = new Set<number>([last, ...stratified(0, w, before, rng), ...stratified(w, last, after, rng)]);
  return [...picked].sort((a, b) => a - b);
}
