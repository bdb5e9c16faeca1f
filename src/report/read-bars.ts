/**
 * The bars a phase ran on, read back for the price chart and for equity recomputed from
 * trades. The phase summary records each source file (absolute path) and the range; the
 * files are read with the engine's own readers, so a report sees the bars the run saw.
 */

import { existsSync } from 'node:fs';
import { openBarSource } from '../data/open-source.ts';
import type { PhaseSummary } from '../results/schema/phase-summary.ts';

/** Bars of one symbol in time order, epoch milliseconds. */
export interface SymbolBars {
  readonly symbol: string;
  readonly ts: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
}

/** The bars of a phase, per symbol in the summary's source order, or why they are not there. */
export type PhaseBars =
  { readonly ok: true; readonly symbols: readonly SymbolBars[] } | { readonly ok: false; readonly reason: string };

/**
 * Reads the bars of `summary.data` between its first bar (or `trade_from`, where trading
 * began after a warm-up) and its last bar, inclusive.
 */
export async function readPhaseBars(summary: PhaseSummary, onBadRow: 'fail' | 'skip'): Promise<PhaseBars> {
  const data = summary.data;
  if (data === null || data === undefined) return { ok: false, reason: 'the phase summary names no data source' };
  const from = Date.parse(String(data.trade_from ?? data.first));
  const last = Date.parse(String(data.last));
  if (!Number.isFinite(from) || !Number.isFinite(last)) return { ok: false, reason: 'the phase read no bars' };
  const out: SymbolBars[] = [];
  for (const { file, symbol, format: written } of data.sources) {
    if (!existsSync(file)) return { ok: false, reason: `the data file ${file} is no longer there` };
    const format = written === 'parquet' ? 'parquet' : 'csv';
    const reader = openBarSource({ path: file, symbol, format, onBadRow, start: from, end: last + 1 }, '/');
    const bars: SymbolBars = { symbol, ts: [], open: [], high: [], low: [], close: [] };
    try {
      for await (const chunk of reader.chunks()) {
        for (let i = 0; i < chunk.length; i++) {
          bars.ts.push(chunk.ts[i]!);
          bars.open.push(chunk.open[i]!);
          bars.high.push(chunk.high[i]!);
          bars.low.push(chunk.low[i]!);
          bars.close.push(chunk.close[i]!);
        }
      }
    } finally {
      await reader.close();
    }
    out.push(bars);
  }
  return { ok: true, symbols: out };
}
