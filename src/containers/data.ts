import type { BarChunk } from '../data/bar-source.ts';
import { BaseContainer } from './base-container.ts';

/**
 * The data container: turns the columnar chunks the sequencer pulls from a source into
 * one BAR event per row. `seq` numbers bars across the whole run (all symbols) and is
 * the correlation id of everything a bar causes; `index` counts each symbol's bars.
 */
export class DataContainer extends BaseContainer<BarChunk> {
  private seq = 0;
  private readonly indexBySymbol = new Map<string, number>();
  private halted = false;

  constructor(id: string) {
    super(id, 'data');
  }

  /** Bars emitted so far. */
  get bars(): number {
    return this.seq;
  }

  /** Stops emitting at once (a downstream container failed or the run was cancelled). */
  halt(): void {
    this.halted = true;
  }

  protected onEvent(chunk: BarChunk): void {
    const symbols = chunk.symbols;
    const counters = symbols.map((s) => this.indexBySymbol.get(s) ?? 0);
    const { symbol, ts, open, high, low, close, volume } = chunk;
    try {
      for (let i = 0; i < chunk.length; i++) {
        if (this.halted) return;
        const s = symbol[i]!;
        const index = counters[s]!;
        counters[s] = index + 1;
        this.emit({
          type: 'BAR',
          seq: this.seq++,
          ts: ts[i]!,
          symbol: symbols[s]!,
          source: this.id,
          index,
          open: open[i]!,
          high: high[i]!,
          low: low[i]!,
          close: close[i]!,
          volume: volume[i]!,
        });
      }
    } finally {
      symbols.forEach((s, i) => this.indexBySymbol.set(s, counters[i]!));
    }
  }

  results(): Record<string, unknown> {
    return { bars: this.seq, bars_per_symbol: Object.fromEntries(this.indexBySymbol) };
  }
}
