import { CsvBarSource } from '../src/data/csv-source.ts';
import type { BarColumns } from '../src/data/memory-source.ts';

/** The bundled SPY 5m bars as columns, the base the benchmarks repeat into long series. */
export async function loadSpyColumns(file = 'examples/data/SPY_5m.csv'): Promise<BarColumns> {
  const src = new CsvBarSource({ file, symbol: 'SPY' });
  const cols = {
    ts: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  for await (const c of src.chunks()) {
    for (let i = 0; i < c.length; i++) {
      cols.ts.push(c.ts[i]!);
      cols.open.push(c.open[i]!);
      cols.high.push(c.high[i]!);
      cols.low.push(c.low[i]!);
      cols.close.push(c.close[i]!);
      cols.volume.push(c.volume[i]!);
    }
  }
  await src.close();
  return cols;
}
