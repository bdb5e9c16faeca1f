import type { SluiceEvent } from '../events/index.ts';
import type { ClassifierDefinition, ClassifierLogic } from '../domain/classifiers/classifier.ts';
import { classifierResults } from '../domain/classifiers/regime-column.ts';
import { BaseContainer } from './base-container.ts';

interface SymbolState {
  readonly logic: ClassifierLogic;
  readonly inputs: Float64Array;
  /** The last label emitted, null before the first. */
  regime: string | null;
}

/**
 * One classifier instance (one `classifiers:` entry). Reads its features from the hub's
 * FEATURES event by slot, asks the classifier logic for the bar's regime label, and emits
 * a CLASSIFICATION only when the label changes: regimes are sparse like signals.
 *
 * Topologies list the classifier before the strategies among the consumers of FEATURES,
 * so the regime of bar t reaches every strategy (synchronously, over its own route)
 * before that strategy's FEATURES of bar t. The fused columnar path runs the same logic
 * over a chunk's columns (src/domain/classifiers/regime-column.ts).
 */
export class ClassifierContainer extends BaseContainer {
  private readonly bySymbol = new Map<string, SymbolState>();
  private changes = 0;
  /** Bars seen per label (after warm-up), all symbols together. */
  private readonly bars: Record<string, number> = Object.create(null) as Record<string, number>;

  /**
   * @param key the classifier's id: the `classifier` of its events, the name strategies read it by.
   * @param slots hub slot of each feature, in the order the definition lists them.
   */
  constructor(
    id: string,
    key: string,
    private readonly definition: ClassifierDefinition,
    private readonly params: Record<string, unknown>,
    private readonly slots: readonly number[],
  ) {
    super(id, 'classifier', key);
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'FEATURES') return;
    const st = this.bySymbol.get(ev.symbol) ?? this.addSymbol(ev.symbol);
    const { inputs } = st;
    const slots = this.slots;
    const values = ev.values;
    for (let i = 0; i < slots.length; i++) inputs[i] = values[slots[i]!]!;
    const label = st.logic(inputs, ev.bar);
    if (label === null) return;
    this.bars[label] = (this.bars[label] ?? 0) + 1;
    if (label === st.regime) return;
    st.regime = label;
    this.changes++;
    this.emit({
      type: 'CLASSIFICATION',
      seq: ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      source: this.id,
      classifier: this.key!,
      regime: label,
    });
  }

  private addSymbol(symbol: string): SymbolState {
    const st: SymbolState = {
      logic: this.definition.create(this.params),
      inputs: new Float64Array(this.slots.length),
      regime: null,
    };
    this.bySymbol.set(symbol, st);
    return st;
  }

  results(): Record<string, unknown> {
    return classifierResults(this.definition, this.params, this.changes, this.bars);
  }
}
