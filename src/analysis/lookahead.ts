import { systemClock, type Clock } from '../runtime/clock.ts';
import pino, { type Logger } from 'pino';
import type { LoadedWorkflow } from '../load/load-workflow.ts';
import type { GraphPlan } from '../topology/graph-plan.ts';
import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { BarSource } from '../data/bar-source.ts';
import { featureKey } from '../domain/indicators/feature-key.ts';
import type { SluiceEvent } from '../events/index.ts';
import type { Route } from '../routes/index.ts';
import { runPhase } from '../sequencer/run-phase.ts';
import { recordSources, truncatedSource } from './recorded-bars.ts';
import { sampleBars } from './sample-bars.ts';
import { strategyGraph } from './strategy-graph.ts';
import { LookaheadError } from './lookahead-error.ts';
import { isUserError } from '../errors/exit.ts';
import { optimismWarnings } from '../config/optimism.ts';

export { LookaheadError };

/** Options of {@link checkLookahead}. */
export interface LookaheadOptions {
  /** Where the check's own duration is read (default: the system's clock). */
  readonly clock?: Clock;
  /** Bars to cut at when `bars` is not given (default 50, the last bar included). */
  readonly samples?: number;
  /** Seed of the sample (default 1): the same seed checks the same bars. */
  readonly seed?: number;
  /** Explicit bar indexes (of `symbol`'s series) to cut at, instead of a sample. */
  readonly bars?: readonly number[];
  /** The symbol whose bar indexes `bars` and the sample refer to (default: the first source's). */
  readonly symbol?: string;
  /** Logger handed to the runs (default: silent). */
  readonly logger?: Logger;
  /** Called after each cut run (`done` of `total`). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a strategy holds at a bar: the last signal it emitted up to that bar. */
export interface SignalState {
  /** Direction after the filter: 1 long, -1 short, 0 flat (also before any signal). */
  readonly direction: number;
  readonly strength: number;
  /** Bar index (in its symbol's series) of the signal that set this state; null before any signal. */
  readonly since: number | null;
}

/** A feature or signal at a bar that differs once the bars after it are removed. */
export interface LookaheadViolation {
  /** Index of the bar in its symbol's series. */
  readonly bar: number;
  readonly symbol: string;
  /** The bar's timestamp, epoch ms. */
  readonly ts: number;
  readonly kind: 'feature' | 'signal';
  /** The feature key (e.g. `sma(period=10;close)`) or the strategy id. */
  readonly name: string;
  /** The value in the run over all bars. */
  readonly full: number | SignalState;
  /** The value in the run over the bars up to this one. */
  readonly truncated: number | SignalState;
}

/** The outcome of {@link checkLookahead}. */
export interface LookaheadReport {
  /** The symbol whose bars were cut at. */
  readonly symbol: string;
  /** Bars of that symbol. */
  readonly bars: number;
  /** Bar indexes checked, ascending (each a run over the bars up to it). */
  readonly checkedBars: readonly number[];
  /** First bar index at which every strategy had warmed up (see docs/lookahead.md). */
  readonly warmup: number;
  /** Strategy ids compared. */
  readonly strategies: readonly string[];
  /** Feature keys compared (every slot of the feature hub). */
  readonly features: readonly string[];
  readonly violations: readonly LookaheadViolation[];
  /**
   * Optimistic settings the comparison cannot see (a fill at the signal bar's own close):
   * see `optimismWarnings`. Not violations: the exit code does not depend on them.
   */
  readonly warnings: readonly string[];
  /** Wall time of reading the data plus the run over all bars, and of the whole check, ms. */
  readonly fullRunMs: number;
  readonly elapsedMs: number;
}

const NO_SIGNAL: SignalState = Object.freeze({ direction: 0, strength: 0, since: null });

/**
 * Checks that nothing a workflow's strategies compute at a bar depends on later bars.
 *
 * The config's own topology up to its strategies (see `strategyGraph`: data, features,
 * classifiers, strategies, and a signal sink in place of the books), run by the sequencer
 * as `sluice run` runs a phase but writing nothing, runs once over all the bars,
 * recording at every bar each feature of the hub and each strategy's signal state
 * (direction after the filter, strength, and the bar of the signal that set it). The
 * bars are read once with the engine's sources and replayed from memory. Then, for each
 * checked bar t, the same graph runs
 * over the bars up to t only (multi-symbol: every symbol's bars with a timestamp up to
 * t's) and the values at t are compared with the full run's. The engine is incremental,
 * so the same code over the same prefix performs the same floating-point operations in
 * the same order: values must be bit-identical (`Object.is`, so NaN equals NaN), with no
 * tolerance. Any difference is a dependence on a removed bar — a look-ahead.
 *
 * Cost: one run over all bars plus one over t bars per checked bar, O(samples × bars).
 *
 * @throws DataError or ConfigError for an unreadable data file; LookaheadError for an
 *   unknown symbol, a bar index out of range, or a run that failed.
 */
export async function checkLookahead(loaded: LoadedWorkflow, opts: LookaheadOptions = {}): Promise<LookaheadReport> {
  const clock = opts.clock ?? systemClock;
  const started = clock.monotonic();
  const logger = opts.logger ?? pino({ level: 'silent' });
  const wf = quiet(loaded.wf);
  const plan = strategyGraph(loaded);
  const series = await recordSources(wf);
  const symbols = [...new Set(series.map((s) => s.symbol))];
  const symbol = opts.symbol ?? symbols[0];
  if (symbol === undefined || !symbols.includes(symbol)) {
    throw new LookaheadError(`unknown symbol '${String(opts.symbol)}': the config's data has ${symbols.join(', ')}`);
  }
  const chunkSize = wf.config.data.chunkSize;

  // The run over every bar.
  const full = new FullRecord();
  const fullRun = await runCut(
    plan,
    wf,
    truncatedSource(series, Infinity, chunkSize),
    logger,
    'the run over all bars',
    (ev) => full.add(ev),
  );
  const fullRunMs = clock.monotonic() - started;
  const features = fullRun.features;
  const timeline = full.barsOf(symbol);
  const n = timeline.length;
  if (n === 0) throw new LookaheadError(`no bars of ${symbol} to check (see data.start and data.end)`);

  const warmup = warmupBar(wf, full, symbol, timeline, features);
  let checked: number[];
  if (opts.bars !== undefined) {
    for (const b of opts.bars) {
      if (!Number.isInteger(b) || b < 0 || b >= n)
        throw new LookaheadError(`bar ${b} is out of range: ${symbol} has bars 0 to ${n - 1}`);
    }
    checked = [...new Set(opts.bars)].sort((a, b) => a - b);
  } else {
    checked = sampleBars(n, opts.samples ?? 50, warmup, opts.seed ?? 1);
  }

  const strategies = [...new Set([...wf.strategies.map((s) => s.key), ...full.strategyIds()])];
  const violations: LookaheadViolation[] = [];
  for (let i = 0; i < checked.length; i++) {
    const t = checked[i]!;
    const cutTs = full.ts[timeline[t]!]!;
    const cut = new CutRecord(cutTs);
    const run = await runCut(
      plan,
      wf,
      truncatedSource(series, cutTs, chunkSize),
      logger,
      `the run up to bar ${t}`,
      (ev) => cut.add(ev),
    );
    if (run.features.join('\n') !== features.join('\n'))
      throw new Error(`the run up to bar ${t} has other features than the full run`);
    compareAt(full, cut, features, strategies, violations);
    opts.onProgress?.(i + 1, checked.length);
  }

  return {
    symbol,
    bars: n,
    checkedBars: checked,
    warmup,
    strategies,
    features,
    violations,
    warnings: optimismWarnings(wf.config),
    fullRunMs,
    elapsedMs: clock.monotonic() - started,
  };
}

/** The workflow with nothing kept in memory that the check does not read (it writes nothing either way). */
function quiet(wf: ResolvedWorkflow): ResolvedWorkflow {
  return { ...wf, config: { ...wf.config, results: { ...wf.config.results, storage: 'disk' } } };
}

/**
 * Runs the workflow's graph over `source` with the sequencer, writing nothing, and shows
 * `onEvent` every event on every route while bars are pushed (not what containers emit at
 * end of data: that is no bar's value). Returns the hub's feature keys.
 */
async function runCut(
  plan: GraphPlan,
  wf: ResolvedWorkflow,
  source: BarSource,
  logger: Logger,
  what: string,
  onEvent: (ev: SluiceEvent) => void,
): Promise<{ features: string[] }> {
  let features: string[] = [];
  let executing = true;
  const observe = (ev: SluiceEvent): void => {
    if (executing) onEvent(ev);
  };
  const outcome = await runPhase({
    wf,
    plan,
    source,
    phaseDir: null,
    logger,
    onCompiled: (graph) => {
      features = graph.hub.keys();
      for (const route of graph.routes) tapRoute(route, observe);
    },
    onLifecycle: (action) => {
      if (action === 'finish') executing = false;
    },
  });
  if (outcome.status !== 'completed') {
    const err = outcome.failure?.error;
    if (isUserError(err)) throw err;
    const where = outcome.failure?.container !== undefined ? ` in container '${outcome.failure.container}'` : '';
    throw new LookaheadError(
      `${what} failed during ${outcome.failure?.step ?? 'execute'}${where}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return { features };
}

/** Adds `fn` to the route's tap, after any tap already there (tracing). */
function tapRoute(route: Route, fn: (ev: SluiceEvent) => void): void {
  const prev = route.tap;
  route.tap = prev === undefined ? (_r, ev) => fn(ev) : (r, ev) => (prev(r, ev), fn(ev));
}

interface SignalSeries {
  readonly seqs: number[];
  readonly states: SignalState[];
}

/** Everything the run over all bars showed, by bar `seq` (the run-wide bar number). */
class FullRecord {
  readonly ts: number[] = [];
  readonly symbol: string[] = [];
  readonly index: number[] = [];
  readonly features: (Float64Array | undefined)[] = [];
  /** strategy id → symbol → its signals in bar order. */
  readonly signals = new Map<string, Map<string, SignalSeries>>();
  private readonly bySymbol = new Map<string, number[]>();

  add(ev: SluiceEvent): void {
    switch (ev.type) {
      case 'BAR': {
        if (this.ts[ev.seq] !== undefined) return; // seen on another route
        this.ts[ev.seq] = ev.ts;
        this.symbol[ev.seq] = ev.symbol;
        this.index[ev.seq] = ev.index;
        let seqs = this.bySymbol.get(ev.symbol);
        if (seqs === undefined) this.bySymbol.set(ev.symbol, (seqs = []));
        seqs[ev.index] = ev.seq;
        return;
      }
      case 'FEATURES':
        // Events are immutable once emitted: keeping the array is keeping the values.
        this.features[ev.seq] = ev.values;
        return;
      case 'SIGNAL': {
        let bySymbol = this.signals.get(ev.strategyId);
        if (bySymbol === undefined) this.signals.set(ev.strategyId, (bySymbol = new Map()));
        let s = bySymbol.get(ev.symbol);
        if (s === undefined) bySymbol.set(ev.symbol, (s = { seqs: [], states: [] }));
        const state: SignalState = {
          direction: ev.direction,
          strength: ev.strength,
          since: this.index[ev.seq] ?? null,
        };
        // The same signal seen on a second route, or a later signal of the same bar: the last one holds.
        if (s.seqs[s.seqs.length - 1] === ev.seq) s.states[s.states.length - 1] = state;
        else {
          s.seqs.push(ev.seq);
          s.states.push(state);
        }
        return;
      }
      default:
        return;
    }
  }

  /** The seq of each bar of `symbol`, by bar index. */
  barsOf(symbol: string): readonly number[] {
    return this.bySymbol.get(symbol) ?? [];
  }

  strategyIds(): string[] {
    return [...this.signals.keys()];
  }

  /** The signal state of `strategy` on `symbol` after bar `seq`. */
  stateAt(strategy: string, symbol: string, seq: number): SignalState {
    const s = this.signals.get(strategy)?.get(symbol);
    if (s === undefined) return NO_SIGNAL;
    // Last signal with seq <= `seq`.
    let lo = 0;
    let hi = s.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? NO_SIGNAL : s.states[lo - 1]!;
  }
}

/** What a run over the bars up to `cutTs` showed at its last timestamp. */
class CutRecord {
  /** seq → the bar at the cut (several with several symbols). */
  readonly bars = new Map<number, { readonly symbol: string; readonly index: number }>();
  readonly features = new Map<number, Float64Array>();
  /** strategy id → symbol → state at the end of the run. */
  readonly signals = new Map<string, Map<string, SignalState>>();
  private readonly index: number[] = [];

  constructor(readonly cutTs: number) {}

  add(ev: SluiceEvent): void {
    switch (ev.type) {
      case 'BAR':
        this.index[ev.seq] = ev.index;
        if (ev.ts === this.cutTs) this.bars.set(ev.seq, { symbol: ev.symbol, index: ev.index });
        return;
      case 'FEATURES':
        if (ev.ts === this.cutTs) this.features.set(ev.seq, ev.values);
        return;
      case 'SIGNAL': {
        let bySymbol = this.signals.get(ev.strategyId);
        if (bySymbol === undefined) this.signals.set(ev.strategyId, (bySymbol = new Map()));
        bySymbol.set(ev.symbol, { direction: ev.direction, strength: ev.strength, since: this.index[ev.seq] ?? null });
        return;
      }
      default:
        return;
    }
  }
}

function sameState(a: SignalState, b: SignalState): boolean {
  return a.direction === b.direction && Object.is(a.strength, b.strength) && a.since === b.since;
}

/** Compares every bar at the cut's timestamp (one per symbol that has one) with the full run. */
function compareAt(
  full: FullRecord,
  cut: CutRecord,
  features: readonly string[],
  strategies: readonly string[],
  out: LookaheadViolation[],
): void {
  for (const [seq, bar] of cut.bars) {
    if (full.symbol[seq] !== bar.symbol || full.index[seq] !== bar.index || full.ts[seq] !== cut.cutTs) {
      throw new Error(`bar seq ${seq} of the cut run is not the full run's: the cut source is not a prefix`);
    }
    const at = { bar: bar.index, symbol: bar.symbol, ts: cut.cutTs };
    const a = full.features[seq];
    const b = cut.features.get(seq);
    for (let s = 0; s < features.length; s++) {
      const x = a?.[s] ?? NaN;
      const y = b?.[s] ?? NaN;
      if (!Object.is(x, y)) out.push({ ...at, kind: 'feature', name: features[s]!, full: x, truncated: y });
    }
    for (const id of strategies) {
      const x = full.stateAt(id, bar.symbol, seq);
      const y = cut.signals.get(id)?.get(bar.symbol) ?? NO_SIGNAL;
      if (!sameState(x, y)) out.push({ ...at, kind: 'signal', name: id, full: x, truncated: y });
    }
  }
}

/**
 * The first bar of `symbol` at which every strategy has warmed up: for each strategy, the
 * first bar at which all the features it reads (its own and its filter's) are numbers, or
 * its first signal if that comes earlier; the latest of those. 0 when none can be told.
 */
function warmupBar(
  wf: ResolvedWorkflow,
  full: FullRecord,
  symbol: string,
  timeline: readonly number[],
  features: readonly string[],
): number {
  const slotOf = new Map(features.map((k, i) => [k, i]));
  let warmup = 0;
  for (const s of wf.strategies) {
    const requests = [...s.definition.features(s.params), ...(s.filter?.features.map((f) => f.request) ?? [])];
    const slots = requests.map((r) => slotOf.get(featureKey(r))).filter((x): x is number => x !== undefined);
    let ready: number | undefined;
    for (let i = 0; i < timeline.length; i++) {
      const row = full.features[timeline[i]!];
      if (row !== undefined && slots.every((slot) => !Number.isNaN(row[slot]!))) {
        ready = i;
        break;
      }
    }
    const first = full.signals.get(s.key)?.get(symbol);
    const signalled = first !== undefined && first.seqs.length > 0 ? full.index[first.seqs[0]!] : undefined;
    const at = ready === undefined ? signalled : signalled === undefined ? ready : Math.min(ready, signalled);
    if (at !== undefined) warmup = Math.max(warmup, at);
  }
  return warmup;
}
