/**
 * Optimal-string-alignment distance (Damerau-Levenshtein restricted so that no
 * substring is edited twice): insertions, deletions, substitutions and transpositions
 * of two adjacent characters each cost 1. Transpositions matter because they are the
 * commonest typo (`slow_preiod`). O(|a|·|b|) time, O(|b|) memory with three rows.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** Case and separator style do not count as typos: `fastPeriod`, `Fast-Period`, `fast_period`. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/** A crude singular (strategies → strategy, routes → route), enough to pair plural mix-ups. */
function singular(s: string): string {
  if (s.endsWith('ies')) return `${s.slice(0, -3)}y`;
  return s.endsWith('s') ? s.slice(0, -1) : s;
}

/** Compares ignoring case and treating `-` like `_`, so kebab/snake mix-ups cost nothing. */
function fold(s: string): string {
  return s.toLowerCase().replace(/-/g, '_');
}

/**
 * The candidate the user most likely meant by `word`, or undefined when none is close.
 *
 * A candidate qualifies when it differs only in case or word separators (`fastPeriod`
 * for `fast_period`), or when its edit distance (ignoring case, `-` ≡ `_`) is at most
 * `max(1, floor(word.length / 3))` and smaller than both lengths — so short words
 * need a near-exact match and `ab` never "means" `xy`. The closest wins; ties go to a
 * candidate with the same first letter, then to the earlier candidate, so the answer
 * is deterministic.
 *
 * @example didYouMean('sma_crosover', ['sma_crossover', 'rsi']) // 'sma_crossover'
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(word);
  const squashed = squash(word);
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const cand of candidates) {
    let score: number;
    if (cand === word) score = 0;
    else if (squash(cand) === squashed) score = 0.5;
    else if (singular(squash(cand)) === singular(squashed))
      score = 0.75; // strategy ↔ strategies
    else {
      const d = editDistance(folded, fold(cand));
      if (d > limit || d >= word.length || d >= cand.length) continue;
      // Same first letter breaks ties: people rarely mistype the start of a word.
      score = d + (cand[0]?.toLowerCase() === word[0]?.toLowerCase() ? 0 : 0.25);
    }
    if (score < bestScore) {
      bestScore = score;
      best = cand;
    }
  }
  return best;
}

/**
 * A ready-made hint: `did you mean 'x'?` when a close candidate exists, else undefined.
 */
export function didYouMeanHint(word: string, candidates: Iterable<string>): string | undefined {
  const match = didYouMean(word, candidates);
  return match === undefined ? undefined : `did you mean '${match}'?`;
}
