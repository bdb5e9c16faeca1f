import type { ClassificationEvent, FeaturesEvent, SluiceEvent } from '../events/index.ts';
import {
  createLogic,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyLogic,
} from '../domain/strategies/strategy.ts';
import { EntryGate } from '../domain/strategies/entry-gate.ts';
import type { ResolvedFilter } from '../config/resolved.ts';

/** A filter with the hub slot of each feature it calls. */
export interface PlacedFilter extends ResolvedFilter {
  readonly slots: readonly number[];
}
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

interface SymbolState {
  readonly logic: StrategyLogic;
  readonly inputs: Float64Array;
  /** The direction signalled on this symbol, behind the filter (its own evaluator when stateful). */
  readonly gate: EntryGate<FeaturesEvent>;
  /** The current regime of every classifier for this symbol; passed to the logic. */
  readonly context: StrategyContext & { readonly regimes: Record<string, string> };
}

/**
 * One strategy instance (one parameter combination). Reads its features from the hub's
 * FEATURES event by slot, asks the strategy logic for a target direction, and emits a
 * SIGNAL only when that direction changes: signals are sparse by construction.
 *
 * It also keeps the current regime of every classifier per symbol, from CLASSIFICATION
 * events (which arrive before the FEATURES of the same bar), and hands them to the logic
 * as its context and to the filter as names (classifier id → label, '' until the first).
 */
export class StrategyContainer extends BaseContainer {
  private readonly bySymbol = new Map<string, SymbolState>();
  private ids: IdAllocator | undefined;
  private signals = 0;

  constructor(
    id: string,
    key: string,
    private readonly definition: StrategyDefinition,
    private readonly params: Record<string, unknown>,
    /** Hub slot of each feature, in the order the definition lists them. */
    private readonly slots: readonly number[],
    private readonly filter: PlacedFilter | undefined = undefined,
    /** Ids of the run's classifiers: their regimes start as '' (no label yet). */
    private readonly classifierIds: readonly string[] = [],
  ) {
    super(id, 'strategy', key);
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'FEATURES') {
      if (ev.type === 'CLASSIFICATION') this.onClassification(ev);
      return;
    }
    const st = this.bySymbol.get(ev.symbol) ?? this.addSymbol(ev.symbol);
    const { inputs } = st;
    const slots = this.slots;
    const values = ev.values;
    for (let i = 0; i < slots.length; i++) inputs[i] = values[slots[i]!]!;
    const decision = st.logic(inputs, ev.bar, st.context);
    const direction = st.gate.next(decision, ev.bar, ev);
    if (direction === null || decision === null) return;
    // An entry the filter refused signals flat with no strength.
    const strength = direction === decision.direction ? decision.strength : 0;
    this.signals++;
    this.emit({
      type: 'SIGNAL',
      seq: ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      source: this.id,
      key: this.key!,
      strategyId: this.key!,
      signalId: this.ids!.nextSignalId(),
      direction,
      strength,
      price: ev.bar.close,
    });
  }

  private onClassification(ev: ClassificationEvent): void {
    const st = this.bySymbol.get(ev.symbol) ?? this.addSymbol(ev.symbol);
    st.context.regimes[ev.classifier] = ev.regime;
  }

  private addSymbol(symbol: string): SymbolState {
    const regimes: Record<string, string> = {};
    for (const id of this.classifierIds) regimes[id] = '';
    const f = this.filter;
    const gate = new EntryGate<FeaturesEvent>(
      f === undefined
        ? undefined
        : {
            test: f.create?.() ?? f.test,
            stateful: f.stateful === true,
            writeInputs: (scope, ev) => {
              for (let i = 0; i < f.slots.length; i++) scope[f.features[i]!.name] = ev.values[f.slots[i]!]!;
              for (const id of this.classifierIds) scope[id] = regimes[id]!;
            },
          },
    );
    const st: SymbolState = {
      logic: createLogic(this.definition, this.params),
      inputs: new Float64Array(this.slots.length),
      gate,
      context: { regimes },
    };
    this.bySymbol.set(symbol, st);
    return st;
  }

  /** Bars on which the filter turned an entry into flat, over every symbol. */
  private filtered(): number {
    let n = 0;
    for (const st of this.bySymbol.values()) n += st.gate.filtered;
    return n;
  }

  results(): Record<string, unknown> {
    return {
      strategy: this.definition.name,
      params: this.params,
      signals: this.signals,
      ...(this.filter !== undefined ? { filter: this.filter.text, bars_filtered_to_flat: this.filtered() } : {}),
    };
  }
}
