import type { ClassificationEvent, Direction, FeaturesEvent, SluiceEvent } from '../events/index.ts';
import {
  createLogic,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyLogic,
} from '../domain/strategies/strategy.ts';
import type { ResolvedFilter } from '../config/resolved.ts';
import type { CompiledExpression, ExpressionValue } from '../config/expression-language.ts';

/** A filter with the hub slot of each feature it calls. */
export interface PlacedFilter extends ResolvedFilter {
  readonly slots: readonly number[];
}
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

interface SymbolState {
  readonly logic: StrategyLogic;
  /** This symbol's filter evaluator (its own state when the filter is stateful). */
  readonly test: CompiledExpression | undefined;
  /** A stateful filter's value on the current bar (it is evaluated on every bar). */
  pass: boolean;
  readonly inputs: Float64Array;
  direction: Direction;
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
    this.stateful = filter?.stateful === true;
  }

  /** The filter's scope, reused every bar (one object per container, not per bar). */
  private readonly scope: Record<string, ExpressionValue> = {};
  private filtered = 0;
  /** The filter reads earlier bars: evaluated on every bar, one evaluator per symbol. */
  private readonly stateful: boolean;

  /** Whether the filter holds on this bar, for the strategy's direction and strength. */
  private passes(st: SymbolState, direction: number, strength: number, ev: FeaturesEvent): boolean {
    const f = this.filter!;
    const scope = this.scope;
    const bar = ev.bar;
    scope['signal'] = direction;
    scope['strength'] = strength;
    scope['open'] = bar.open;
    scope['high'] = bar.high;
    scope['low'] = bar.low;
    scope['close'] = bar.close;
    scope['volume'] = bar.volume;
    for (let i = 0; i < f.slots.length; i++) scope[f.features[i]!.name] = ev.values[f.slots[i]!]!;
    const regimes = st.context.regimes;
    for (const id of this.classifierIds) scope[id] = regimes[id]!;
    return st.test!(scope) === true;
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
    // A filter reading earlier bars (prev, crosses_above, …) sees every bar, also those
    // where the strategy is silent (signal and strength 0 then) or does not change its mind.
    if (this.stateful) st.pass = this.passes(st, decision?.direction ?? 0, decision?.strength ?? 0, ev);
    if (decision === null) return;
    let direction = decision.direction;
    let strength = decision.strength;
    if (direction === st.direction) return;
    // An entry filter: it gates entering (or reversing into) a position, never an exit,
    // and is asked again on every bar while the strategy wants in but is not, so an
    // entry waits for the filter instead of being lost. Once in, the position is held
    // until the strategy itself changes its mind.
    if (
      this.filter !== undefined &&
      direction !== 0 &&
      !(this.stateful ? st.pass : this.passes(st, direction, strength, ev))
    ) {
      this.filtered++;
      direction = 0;
      strength = 0;
      if (st.direction === 0) return;
    }
    st.direction = direction;
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
    const st: SymbolState = {
      logic: createLogic(this.definition, this.params),
      test: f === undefined ? undefined : (f.create?.() ?? f.test),
      pass: false,
      inputs: new Float64Array(this.slots.length),
      direction: 0,
      context: { regimes },
    };
    this.bySymbol.set(symbol, st);
    return st;
  }

  results(): Record<string, unknown> {
    return {
      strategy: this.definition.name,
      params: this.params,
      signals: this.signals,
      ...(this.filter !== undefined ? { filter: this.filter.text, bars_filtered_to_flat: this.filtered } : {}),
    };
  }
}
