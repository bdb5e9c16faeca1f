import type { BarColumnsInput, Indicator, OutputColumns } from './indicator.ts';

/**
 * The columnar form of any indicator through its `update`: one bar object for the chunk
 * (indicators read its fields during `update` only; it carries `ts` as BAR events do),
 * each output read after every bar.
 */
export function updateEach(ind: Indicator, bars: BarColumnsInput, length: number, outputs: OutputColumns): void {
  const bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const { ts, open, high, low, close, volume } = bars;
  const count = outputs.length;
  for (let b = 0; b < length; b++) {
    bar.ts = ts[b]!;
    bar.open = open[b]!;
    bar.high = high[b]!;
    bar.low = low[b]!;
    bar.close = close[b]!;
    bar.volume = volume[b]!;
    ind.update(bar);
    for (let o = 0; o < count; o++) {
      const out = outputs[o];
      if (out !== undefined) out[b] = ind.value(o);
    }
  }
}
