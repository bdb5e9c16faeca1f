/**
 * The part of the data a run reads: a window of the bars, preceded by warm-up bars that
 * only prime indicators and strategies (books trade from the window's first bar).
 */
import type { LoadedWorkflow } from '../topology/loaded-workflow.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { SequenceSettings } from '../config/schema/sequence.ts';
import { sizingFeature } from '../domain/portfolio/sizing.ts';
import { parseTimestamp } from '../data/parse-timestamp.ts';
import { lowerBound } from './windows.ts';
import { resolveFeature } from '../domain/indicators/feature-key.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import type { FeatureRequest, StrategyDefinition } from '../domain/strategies/strategy.ts';
import { compositeMembers, type EntryFilter } from '../domain/composition/member.ts';

/** Positions [from, to) in the distinct timestamps. */
export interface BarRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The positions a `window: { from, to }` selects: a fraction f of n bars is position
 * ⌊f × n⌋ (rounded to 12 significant digits first, so 0.7 × 100 is 70); a timestamp is the
 * first bar at or after it.
 *
 * @throws Error naming the window when it selects no bar.
 */
export function windowRange(ts: readonly number[], window: SequenceSettings['window']): BarRange {
  const n = ts.length;
  const at = (b: number | string | undefined, fallback: number): number => {
    if (b === undefined) return fallback;
    if (typeof b === 'number') return Math.floor(Number((b * n).toPrecision(12)));
    const t = parseTimestamp(b);
    if (Number.isNaN(t)) throw new Error(`window bound '${b}' is neither a fraction of the bars nor an ISO timestamp`);
    return lowerBound(ts, t);
  };
  const from = at(window?.from, 0);
  const to = at(window?.to, n);
  if (!(to > from)) {
    throw new Error(`window ${JSON.stringify(window ?? {})} selects no bar of the ${n} in the data`);
  }
  return { from, to };
}

/**
 * The warm-up in bars: a number as given; `auto` = twice the longest warm-up of any
 * feature the strategies, filters, classifiers and sizing read (an exponential average
 * keeps converging after its first value, hence the margin), a filter's lags and windows
 * added to its features' warm-up — the filters of a composite's members (ensemble,
 * regime_switch) included, and their own plugin warm-ups. A feature on a higher timeframe counts its warm-up in
 * data bars: (its warm-up + 1) × higher timeframe / data timeframe.
 */
export function warmupBars(loaded: LoadedWorkflow, setting: number | 'auto'): number {
  if (setting !== 'auto') return setting;
  const wf = loaded.wf;
  let longest = 0;
  const barMs = parseTimeframe(wf.config.data.timeframe);
  const warmupOf = (req: FeatureRequest): number => {
    const { definition, params } = resolveFeature(req);
    const own = definition.warmup(params);
    // On a higher timeframe: its bars in lower bars, one more for the partial higher bar
    // the first bars fall in (a higher bar holds at most tf / data-tf lower bars).
    return req.timeframe === undefined ? own : (own + 1) * Math.round(parseTimeframe(req.timeframe) / barMs);
  };
  const longestOf = (reqs: readonly FeatureRequest[]): number => reqs.reduce((m, r) => Math.max(m, warmupOf(r)), 0);
  const consider = (req: FeatureRequest): void => {
    longest = Math.max(longest, warmupOf(req));
  };
  const strategy = (
    definition: StrategyDefinition,
    params: Record<string, unknown>,
    filter: Pick<EntryFilter, 'features' | 'lookback'> | undefined,
  ): void => {
    for (const req of definition.features(params)) consider(req);
    for (const f of filter?.features ?? []) consider(f.request);
    // A filter's lags and windows (prev(x, n), highest(x, n), …) read bars before its features'.
    const lookback = filter?.lookback ?? 0;
    if (lookback > 0) longest = Math.max(longest, lookback + longestOf(filter!.features.map((f) => f.request)));
    // A strategy's own state (a plugin's declared warm-up) adds to its features'.
    if (definition.warmup !== undefined)
      longest = Math.max(longest, definition.warmup(params) + longestOf(definition.features(params)));
    // A composite's members (ensemble, regime_switch) each with their own filter and state,
    // which the composite's concatenated features do not show.
    for (const m of compositeMembers(definition)) strategy(m.definition, m.params, m.filter);
  };
  for (const s of wf.strategies) strategy(s.definition, s.params, s.filter);
  for (const c of wf.classifiers) {
    for (const req of c.definition.features(c.params)) consider(req);
    if (c.definition.warmup !== undefined)
      longest = Math.max(longest, c.definition.warmup(c.params) + longestOf(c.definition.features(c.params)));
  }
  const sizing = sizingFeature(wf.config.portfolio.sizing);
  if (sizing !== undefined) consider(sizing);
  return 2 * longest;
}

/**
 * The workflow restricted to bars [from, to) of `ts`, reading `warmup` bars before `from`
 * to prime indicators; books trade from `ts[from]`.
 */
export function restrictTo(
  wf: ResolvedWorkflow,
  ts: readonly number[],
  range: BarRange,
  warmup: number,
): ResolvedWorkflow {
  const first = Math.max(0, range.from - warmup);
  return {
    ...wf,
    start: ts[first],
    end: range.to < ts.length ? ts[range.to] : wf.end,
    tradeFrom: range.from > first ? ts[range.from] : undefined,
  };
}
