import type { BarEvent, SluiceEvent } from '../events/index.ts';
import type { FeatureHub, FeatureState } from '../domain/indicators/feature-hub.ts';
import { BaseContainer } from './base-container.ts';

interface SymbolFeatures {
  readonly state: FeatureState;
  readonly out: Float64Array;
}

/**
 * The feature hub container: one per graph. For each BAR it updates every distinct
 * (indicator, parameters, input) once and emits one FEATURES event carrying all values,
 * so a strategy reading several features sees them for the same bar together (a join
 * that cannot glitch) and a thousand strategies reading SMA(10) cost one SMA update.
 */
export class FeaturesContainer extends BaseContainer {
  private readonly bySymbol = new Map<string, SymbolFeatures>();

  constructor(
    id: string,
    private readonly hub: FeatureHub,
  ) {
    super(id, 'features');
  }

  protected onEvent(ev: SluiceEvent): void {
    if (ev.type !== 'BAR') return;
    const f = this.bySymbol.get(ev.symbol) ?? this.addSymbol(ev.symbol);
    this.hub.update(f.state, ev, f.out);
    this.emit({
      type: 'FEATURES',
      seq: ev.seq,
      ts: ev.ts,
      symbol: ev.symbol,
      source: this.id,
      bar: ev as BarEvent,
      // A copy: events are immutable once emitted (traces and tests keep them).
      values: f.out.slice(),
    });
  }

  private addSymbol(symbol: string): SymbolFeatures {
    const f = { state: this.hub.createState(), out: new Float64Array(this.hub.size).fill(Number.NaN) };
    this.bySymbol.set(symbol, f);
    return f;
  }

  results(): Record<string, unknown> {
    return {
      features: this.hub.keys(),
      symbols: [...this.bySymbol.keys()],
      indicator_updates: this.hub.indicatorUpdates,
    };
  }
}
