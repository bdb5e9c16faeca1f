import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BarEvent } from '../../src/events/index.ts';

const SPY_CSV = fileURLToPath(new URL('../../examples/data/SPY_5m.csv', import.meta.url));

/**
 * The bundled SPY 5-minute bars as BAR events (symbol 'SPY', seq = index), read with
 * plain fs + split so indicator tests do not depend on the engine's CSV source.
 * @param limit keep only the first `limit` bars.
 */
export function loadSpyBars(limit?: number): BarEvent[] {
  const lines = readFileSync(SPY_CSV, 'utf8').trim().split('\n');
  const header = lines[0]?.trim();
  if (header !== 'timestamp,open,high,low,close,volume') throw new Error(`unexpected header: ${header}`);
  const rows = lines.slice(1, limit === undefined ? undefined : limit + 1);
  return rows.map((line, index) => {
    const [ts, open, high, low, close, volume] = line.trim().split(',');
    return {
      type: 'BAR',
      seq: index,
      ts: Date.parse((ts ?? '').replace(' ', 'T')),
      symbol: 'SPY',
      source: 'test',
      index,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    };
  });
}
