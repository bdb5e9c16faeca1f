import type { ChunkBars } from '../strategies/strategy.ts';
import { ChunkBarView } from '../strategies/per-bar-columns.ts';
import type { ClassifierDefinition, ClassifierLogic } from './classifier.ts';

/**
 * One classifier instance on the fused columnar path: its own per-bar logic (`create`'s)
 * run over a chunk's feature columns, bar after bar, as the classifier container runs it
 * on each FEATURES event (src/containers/classifier.ts), writing the classifier's current
 * regime after each bar into a column: the label of the bar, or the last label before it
 * while the logic returns null, '' before the first label. That is what the strategy
 * container's context holds when it reads the bar's features (the CLASSIFICATION of bar t
 * reaches it before its FEATURES of bar t), so the strategies' column logic reads the
 * column where the per-event strategy reads its context. It counts regime changes and
 * bars per label as the container does, for the same results file.
 *
 * One symbol (the fused path's), so one logic instance.
 */
export class RegimeColumn {
  private readonly logic: ClassifierLogic;
  private readonly view = new ChunkBarView();
  private inputs: Float64Array;
  /** The last label, null before the first (as the container keeps it). */
  private regime: string | null = null;
  private changes = 0;
  /** Bars seen per label (after warm-up). */
  private readonly bars: Record<string, number> = Object.create(null) as Record<string, number>;

  constructor(
    private readonly definition: ClassifierDefinition,
    private readonly params: Record<string, unknown>,
  ) {
    this.logic = definition.create(params);
    this.inputs = new Float64Array(0);
  }

  /** Labels for bars 0 … `length` − 1 of a chunk into `out`; `features` in the definition's order. */
  run(features: readonly Float64Array[], length: number, bars: ChunkBars, out: string[]): void {
    const m = features.length;
    if (this.inputs.length !== m) this.inputs = new Float64Array(m);
    const inputs = this.inputs;
    for (let b = 0; b < length; b++) {
      for (let i = 0; i < m; i++) inputs[i] = features[i]![b]!;
      const label = this.logic(inputs, this.view.at(bars, b));
      if (label !== null) {
        this.bars[label] = (this.bars[label] ?? 0) + 1;
        if (label !== this.regime) {
          this.regime = label;
          this.changes++;
        }
      }
      out[b] = this.regime ?? '';
    }
  }

  /** The classifier container's results (its `results()`), for the same file. */
  results(): Record<string, unknown> {
    return classifierResults(this.definition, this.params, this.changes, this.bars);
  }
}

/** A classifier instance's results: its kind, params, regime changes and bars per label (every label of its list). */
export function classifierResults(
  definition: ClassifierDefinition,
  params: Record<string, unknown>,
  changes: number,
  bars: Readonly<Record<string, number>>,
): Record<string, unknown> {
  return {
    classifier: definition.name,
    params,
    regime_changes: changes,
    bars_by_regime: Object.fromEntries(definition.labels.map((l) => [l, bars[l] ?? 0])),
  };
}
