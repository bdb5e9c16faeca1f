/** A seeded generator of floats in [0, 1) (mulberry32): the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` indexes spread over [from, to): the range is cut into `count` equal strata and
 * one index is drawn from each, so the sample covers the whole range (no clumps, no long
 * gaps) yet is not a fixed grid. All of them when the range holds no more than `count`.
 */
export function stratified(from: number, to: number, count: number, random: () => number): number[] {
  const len = to - from;
  if (len <= 0 || count <= 0) return [];
  if (len <= count) return Array.from({ length: len }, (_, i) => from + i);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const lo = from + Math.floor((i * len) / count);
    const hi = from + Math.floor(((i + 1) * len) / count);
    out.push(lo + Math.floor(random() * (hi - lo)));
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
  const random = seededRandom(seed);
  const rest = samples - 1;
  const before = Math.min(w, Math.floor(rest / 5));
  const after = rest - before;
  const picked = new Set<number>([last, ...stratified(0, w, before, random), ...stratified(w, last, after, random)]);
  return [...picked].sort((a, b) => a - b);
}
