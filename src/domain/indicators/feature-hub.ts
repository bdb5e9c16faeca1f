import type { BarChunk } from '../../events/bar-chunk.ts';
import type { FeatureRequest } from './feature-request.ts';
import { resolveFeature, type ResolvedFeature } from './feature-key.ts';
import type { BarInput, Indicator } from './indicator.ts';
import { ResampledIndicator } from './resampled-indicator.ts';
import { updateEach } from './update-each.ts';
import { higherTimeframeProblem, TimeframeBuckets, type BarTimeframe } from './timeframe-buckets.ts';

/**
 * The indicator instances of one symbol. Opaque to callers: obtain it from
 * `FeatureHub.createState` and pass it back to `FeatureHub.update`.
 */
export class FeatureState {
  /** One instance per distinct indicator of the hub, in registration order. */
  readonly indicators: Indicator[] = [];

  /** Resets every indicator, as if no bar had been seen. */
  reset(): void {
    for (const ind of this.indicators) ind.reset();
  }
}

/**
 * Computes many features over a bar stream, each distinct (indicator, params, input) once.
 *
 * At graph build time every reader registers the features it needs and gets a slot
 * index; requests with the same canonical key (see `featureKey`) share a slot, and slots
 * reading different outputs of the same indicator share one indicator instance. Per bar,
 * `update` advances each instance once and writes every slot into a caller-owned
 * Float64Array, so the hot path neither allocates nor looks anything up by name.
 *
 * A feature on a higher timeframe (`timeframe: '1h'`) is an indicator of its own (its key
 * carries `@1h`) that cuts the hub's bars into higher bars as it goes (see
 * `ResampledIndicator`); the hub must then know the data's timeframe and calendar.
 *
 * Pure: no RxJS, no I/O. One hub serves many symbols; each symbol has its own FeatureState.
 */
export class FeatureHub {
  // Distinct indicators, in registration order.
  private readonly specs: ResolvedFeature[] = [];
  // The interval arithmetic of each higher timeframe, shared by its indicators (by spec index).
  private readonly buckets: (TimeframeBuckets | undefined)[] = [];
  private readonly bucketsByTimeframe = new Map<string, TimeframeBuckets>();
  private readonly specByKey = new Map<string, number>();
  // Slots: which indicator and which of its outputs each one reads.
  private readonly slotKeys: string[] = [];
  private readonly slotByKey = new Map<string, number>();
  private slotIndicator: Int32Array = new Int32Array(0);
  private slotOutput: Int32Array = new Int32Array(0);
  private updates = 0;

  /**
   * @param data the timeframe and calendar of the bars `update` is fed; needed only by
   *   features on a higher timeframe.
   */
  constructor(private readonly data?: BarTimeframe) {}

  /** Number of slots (distinct features); `update` writes this many values. */
  get size(): number {
    return this.slotKeys.length;
  }

  /** Number of distinct indicator instances per symbol. */
  get indicatorCount(): number {
    return this.specs.length;
  }

  /**
   * Total `Indicator.update` calls made by `update` over all states: with deduplication
   * this grows by `indicatorCount` per bar, whatever the number of readers.
   */
  get indicatorUpdates(): number {
    return this.updates;
  }

  /**
   * Registers a feature and returns its slot index; a request equal to an earlier one
   * (same canonical key) returns the earlier slot.
   * @throws Error for an unknown indicator, invalid params, an unknown input or output, or
   *   a timeframe that is not a higher timeframe of the hub's data (or a hub without one).
   */
  register(req: FeatureRequest): number {
    const f = resolveFeature(req);
    const existing = this.slotByKey.get(f.featureKey);
    if (existing !== undefined) return existing;
    let ind = this.specByKey.get(f.indicatorKey);
    if (ind === undefined) {
      const buckets = f.timeframe === undefined ? undefined : this.bucketsOf(f.timeframe, f.indicatorKey);
      ind = this.specs.length;
      this.specs.push(f);
      this.buckets.push(buckets);
      this.specByKey.set(f.indicatorKey, ind);
    }
    const slot = this.slotKeys.length;
    this.slotKeys.push(f.featureKey);
    this.slotByKey.set(f.featureKey, slot);
    // Typed arrays for the per-bar loop; registration is rare, so regrowing is fine.
    this.slotIndicator = grow(this.slotIndicator, slot, ind);
    this.slotOutput = grow(this.slotOutput, slot, f.outputIndex);
    return slot;
  }

  /** The canonical key of every slot, in slot order. */
  keys(): string[] {
    return [...this.slotKeys];
  }

  /** A fresh set of indicator instances for one symbol. */
  createState(): FeatureState {
    const state = new FeatureState();
    this.complete(state);
    return state;
  }

  /**
   * Feeds one bar to every distinct indicator of `state` once and writes every slot's
   * current value into `out` (NaN while that feature warms up). `out` must have at least
   * `size` entries; it is not checked, as this runs once per bar.
   */
  update(state: FeatureState, bar: BarInput, out: Float64Array): void {
    const inds = state.indicators;
    // A state created before later registrations gets their instances now (they start
    // warming up from this bar).
    if (inds.length < this.specs.length) this.complete(state);
    const n = inds.length;
    for (let i = 0; i < n; i++) inds[i]!.update(bar);
    this.updates += n;
    const si = this.slotIndicator;
    const so = this.slotOutput;
    const slots = this.slotKeys.length;
    for (let s = 0; s < slots; s++) out[s] = inds[si[s]!]!.value(so[s]!);
  }

  /**
   * The columnar form of `update`: feeds rows `0..chunk.length-1` of a chunk of one
   * symbol's bars to `state` and writes slot s of row b into `columns[s][b]`, the values
   * `update` would give bar by bar. Each indicator takes the whole chunk at once, through
   * its columnar form (`Indicator.updateColumns`) when it has one, else bar by bar through
   * `update`: indicators of a state share nothing, so one after the other over the chunk
   * computes what bar after bar does. Each column needs at least `chunk.length` entries.
   */
  updateColumns(state: FeatureState, chunk: BarChunk, columns: readonly Float64Array[]): void {
    const inds = state.indicators;
    if (inds.length < this.specs.length) this.complete(state);
    const n = inds.length;
    const length = chunk.length;
    const outputs = this.outputColumns(columns);
    for (let i = 0; i < n; i++) {
      const ind = inds[i]!;
      if (ind.updateColumns !== undefined) ind.updateColumns(chunk, length, outputs[i]!);
      else updateEach(ind, chunk, length, outputs[i]!);
    }
    this.updates += n * length;
  }

  /** Per indicator, the column of each of its outputs a slot reads (undefined: none does). */
  private outputColumns(columns: readonly Float64Array[]): (Float64Array | undefined)[][] {
    const outputs = this.specs.map((f) =>
      new Array<Float64Array | undefined>(f.definition.outputs.length).fill(undefined),
    );
    const slots = Math.min(columns.length, this.slotKeys.length);
    for (let s = 0; s < slots; s++) outputs[this.slotIndicator[s]!]![this.slotOutput[s]!] = columns[s]!;
    return outputs;
  }

  private complete(state: FeatureState): void {
    for (let i = state.indicators.length; i < this.specs.length; i++) {
      const f = this.specs[i]!;
      const indicator = f.definition.create(f.params, f.input);
      const buckets = this.buckets[i];
      state.indicators.push(buckets === undefined ? indicator : new ResampledIndicator(indicator, buckets));
    }
  }

  private bucketsOf(timeframe: string, key: string): TimeframeBuckets {
    const data = this.data;
    if (data === undefined)
      throw new Error(
        `${key}: a feature on a higher timeframe needs the data's timeframe, and this feature hub was given none`,
      );
    let b = this.bucketsByTimeframe.get(timeframe);
    if (b === undefined) {
      const problem = higherTimeframeProblem(timeframe, data.timeframe);
      if (problem !== undefined) throw new Error(`${key}: ${problem}`);
      b = new TimeframeBuckets(timeframe, data);
      this.bucketsByTimeframe.set(timeframe, b);
    }
    return b;
  }
}

// Copy of `arr` with `value` at index `at` (== arr.length).
function grow(arr: Int32Array, at: number, value: number): Int32Array {
  const next = new Int32Array(at + 1);
  next.set(arr);
  next[at] = value;
  return next;
}
