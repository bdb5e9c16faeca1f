import type { Direction, SluiceEvent } from '../events/index.ts';
import type { StrategyDefinition, StrategyLogic } from '../domain/strategies/strategy.ts';
import { BaseContainer } from './base-container.ts';
import type { ContainerContext, IdAllocator } from './container.ts';

interface SymbolState {
  readonly logic: StrategyLogic;
  readonly inputs: Float64Array;
  direction: Direction;
}

/**
 * One strategy instance (one parameter combination). Reads its features from the hub's
 * FEATURES event by slot, asks the strategy logic for a target direction, and emits a
 * SIGNAL only when that direction changes: signals are sparse by construction.
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
  ) {
    super(id, 'strategy', key);
  }

  initialize(ctx: ContainerContext): void {
    this.ids = ctx.ids;
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'FEATURES') return;
    const st = this.bySymbol.get(ev.symbol) ?? this.addSymbol(ev.symbol);
    const { inputs } = st;
    const slots = this.slots;
    const values = ev.values;
    for (let i = 0; i < slots.length; i++) inputs[i] = values[slots[i]!]!;
    const decision = st.logic(inputs, ev.bar);
    if (decision === null || decision.direction === st.direction) return;
    st.direction = decision.direction;
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
      direction: decision.direction,
      strength: decision.strength,
      price: ev.bar.close,
    });
  }

  private addSymbol(symbol: string): SymbolState {
    const st: SymbolState = {
      logic: this.definition.create(this.params),
      inputs: new Float64Array(this.slots.length),
      direction: 0,
    };
    this.bySymbol.set(symbol, st);
    return st;
  }

  results(): Record<string, unknown> {
    return { strategy: this.definition.name, params: this.params, signals: this.signals };
  }
}
