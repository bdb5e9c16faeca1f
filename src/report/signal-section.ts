/**
 * A signal-generation phase's section: what the sparse signal store holds (docs/signal-store.md).
 * A signal run trades nothing, so there is no equity; the section shows each strategy's
 * position over time (long, short, flat), how often it changed and how long it held,
 * each classifier's regimes, and where the store is, or says plainly why there is
 * nothing to show.
 */

import { relative, sep } from 'node:path';
import { readStoreBatches, readStoreMeta } from '../signals/read-store.ts';
import type { SignalStoreMeta } from '../signals/store-format.ts';
import type { Column, SignalSection, Table } from './report-data.ts';
import type { PhaseFiles } from './read-results.ts';

/** Display limits: strategy lanes drawn, periods per lane, rows of the strategies table. */
export const SIGNAL_LIMITS = { lanes: 40, periodsPerLane: 2000, tableRows: 5000 } as const;

const STRATEGY_COLUMNS: readonly Column[] = [
  { label: 'Strategy', format: 'text' },
  { label: 'Type', format: 'text' },
  { label: 'Parameters', format: 'text' },
  { label: 'Symbol', format: 'text' },
  { label: 'Signal changes', format: 'count' },
  { label: 'Long entries', format: 'count' },
  { label: 'Short entries', format: 'count' },
  { label: 'Time long', format: 'percent' },
  { label: 'Time short', format: 'percent' },
  { label: 'Mean hold (bars)', format: 'count' },
  { label: 'Median hold (bars)', format: 'count' },
  { label: 'Longest hold (bars)', format: 'count' },
];

/** A held position: from (epoch s), to (epoch s, the bar it changed on or the last bar), direction (1, −1). */
type Period = [from: number, to: number, direction: number];

interface Lane {
  readonly strategy: string;
  readonly symbol: string;
  changes: number;
  longEntries: number;
  shortEntries: number;
  /** Current position and where it started. */
  direction: number;
  fromBar: number;
  fromTs: number;
  barsLong: number;
  barsShort: number;
  /** Bars held per non-flat period (the last one may still be open at the last bar). */
  holds: number[];
  periods: Period[];
}

/**
 * Builds the section. `reportDir`: the folder the page is written to, so the link to the
 * store is relative to it (the page keeps working when the results folder moves as a whole).
 */
export async function signalSection(
  heading: string,
  phase: PhaseFiles,
  storeDir: string | null,
  reportDir: string,
): Promise<SignalSection> {
  const notes: string[] = [];
  const empty = (reason: string): SignalSection => ({
    kind: 'signals',
    heading,
    empty: reason,
    store: null,
    span: null,
    lanes: [],
    regime_lanes: [],
    strategies: { columns: STRATEGY_COLUMNS, rows: [] },
    regimes: { columns: [], rows: [] },
    notes,
  });
  if (storeDir === null)
    return empty(
      'This signal-generation phase names no signal store in its phase summary, so there is nothing to show.',
    );
  let meta: SignalStoreMeta;
  try {
    meta = await readStoreMeta(storeDir);
  } catch (err) {
    return empty(`The signal store cannot be read: ${(err as Error).message}.`);
  }
  const href = relative(reportDir, storeDir).split(sep).join('/');
  const store = {
    path: storeDir,
    href: href === '' ? './' : `${href}/`,
    rows: meta.files.signals.rows,
    regime_rows: meta.files.regimes.rows,
    strategies: meta.strategies.length,
    classifiers: meta.classifiers.length,
  };
  const perSymbol = meta.data.per_symbol;
  // Symbols that had bars (a symbol without any has nothing to draw).
  const symbols = Object.keys(perSymbol).filter(
    (s) => perSymbol[s]!.first_ts !== null && perSymbol[s]!.last_ts !== null,
  );
  const first = Math.min(...symbols.map((s) => perSymbol[s]!.first_ts!));
  const last = Math.max(...symbols.map((s) => perSymbol[s]!.last_ts!));
  const span =
    symbols.length > 0 && Number.isFinite(first) && Number.isFinite(last)
      ? { from: first / 1000, to: last / 1000 }
      : null;

  // Strategy lanes (strategy × symbol), in store order.
  const lanes = new Map<string, Lane>();
  const laneOf = (strategy: string, symbol: string): Lane => {
    const key = `${strategy}\u0000${symbol}`;
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = {
        strategy,
        symbol,
        changes: 0,
        longEntries: 0,
        shortEntries: 0,
        direction: 0,
        fromBar: 0,
        fromTs: 0,
        barsLong: 0,
        barsShort: 0,
        holds: [],
        periods: [],
      };
      lanes.set(key, lane);
    }
    return lane;
  };
  // Every strategy of the store gets a lane per symbol, even one that never signalled.
  for (const s of meta.strategies) for (const sym of symbols) laneOf(s.id, sym);
  const close = (lane: Lane, bar: number, ts: number): void => {
    if (lane.direction === 0) return;
    const bars = bar - lane.fromBar;
    if (lane.direction > 0) lane.barsLong += bars;
    else lane.barsShort += bars;
    lane.holds.push(bars);
    lane.periods.push([lane.fromTs / 1000, ts / 1000, lane.direction]);
  };
  for await (const batch of readStoreBatches(storeDir, 'signals', meta)) {
    for (const row of batch) {
      const lane = laneOf(row.strategy_id, row.symbol);
      const direction = Math.sign(row.direction);
      if (direction === lane.direction) continue;
      close(lane, row.bar_index, row.ts);
      lane.changes++;
      if (direction > 0) lane.longEntries++;
      if (direction < 0) lane.shortEntries++;
      lane.direction = direction;
      lane.fromBar = row.bar_index;
      lane.fromTs = row.ts;
    }
  }
  for (const lane of lanes.values()) {
    const end = perSymbol[lane.symbol];
    // A position still held at the last bar lasts until it: the bars after its signal bar
    // up to the last one (index bars − 1), as a closed one lasts until the bar it changed on.
    if (end?.last_ts != null) close(lane, end.bars - 1, end.last_ts);
  }

  const byId = new Map(meta.strategies.map((s) => [s.id, s]));
  const all = [...lanes.values()];
  const totalBars = (sym: string): number => perSymbol[sym]?.bars ?? 0;
  const strategies: Table = {
    columns: STRATEGY_COLUMNS,
    rows: all.slice(0, SIGNAL_LIMITS.tableRows).map((l) => {
      const s = byId.get(l.strategy);
      const holds = [...l.holds].sort((a, b) => a - b);
      const n = totalBars(l.symbol);
      return [
        l.strategy,
        s?.type ?? '',
        s === undefined
          ? ''
          : Object.entries(s.params)
              .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
              .join(', '),
        l.symbol,
        l.changes,
        l.longEntries,
        l.shortEntries,
        n > 0 ? l.barsLong / n : null,
        n > 0 ? l.barsShort / n : null,
        holds.length > 0 ? Math.round((holds.reduce((a, b) => a + b, 0) / holds.length) * 10) / 10 : null,
        holds.length > 0 ? median(holds) : null,
        holds.length > 0 ? holds[holds.length - 1]! : null,
      ];
    }),
    ...(all.length > SIGNAL_LIMITS.tableRows ? { total: all.length } : {}),
  };
  const drawn = all.slice(0, SIGNAL_LIMITS.lanes);
  if (drawn.length < all.length)
    notes.push(
      `Positions over time: the first ${drawn.length} of ${all.length} strategy × symbol lanes; the table lists ${Math.min(all.length, SIGNAL_LIMITS.tableRows)}.`,
    );
  const thinWidth = span === null ? 0 : (span.to - span.from) / SIGNAL_LIMITS.periodsPerLane;
  const laneData = drawn.map((l) => {
    const periods = thin(l.periods, thinWidth);
    if (periods.length < l.periods.length)
      notes.push(
        `${l.strategy} (${l.symbol}): ${l.periods.length} positions drawn as ${periods.length} (gaps shorter than a pixel closed).`,
      );
    return { label: symbols.length > 1 ? `${l.strategy} · ${l.symbol}` : l.strategy, periods };
  });

  // Regime lanes (classifier × symbol): each label's periods.
  const regimeLanes = new Map<
    string,
    {
      label: string;
      labels: string[];
      periods: Period[];
      open: { from: number; bar: number; label: number } | null;
      bars: Map<number, number>;
      changes: number;
      symbol: string;
      classifier: string;
    }
  >();
  for await (const batch of readStoreBatches(storeDir, 'regimes', meta)) {
    for (const row of batch) {
      const key = `${row.classifier}\u0000${row.symbol}`;
      let lane = regimeLanes.get(key);
      if (lane === undefined) {
        lane = {
          label: symbols.length > 1 ? `${row.classifier} · ${row.symbol}` : row.classifier,
          labels: [],
          periods: [],
          open: null,
          bars: new Map(),
          changes: 0,
          symbol: row.symbol,
          classifier: row.classifier,
        };
        regimeLanes.set(key, lane);
      }
      let index = lane.labels.indexOf(row.regime);
      if (index < 0) index = lane.labels.push(row.regime) - 1;
      if (lane.open !== null) {
        lane.periods.push([lane.open.from, row.ts / 1000, lane.open.label]);
        lane.bars.set(lane.open.label, (lane.bars.get(lane.open.label) ?? 0) + row.bar_index - lane.open.bar);
      }
      lane.changes++;
      lane.open = { from: row.ts / 1000, bar: row.bar_index, label: index };
    }
  }
  for (const lane of regimeLanes.values()) {
    const end = perSymbol[lane.symbol];
    if (lane.open !== null && end?.last_ts != null) {
      lane.periods.push([lane.open.from, end.last_ts / 1000, lane.open.label]);
      lane.bars.set(lane.open.label, (lane.bars.get(lane.open.label) ?? 0) + end.bars - lane.open.bar);
      // A regime holds from the bar it was detected on, the last bar included.
    }
  }
  const regimes: Table = {
    columns: [
      { label: 'Classifier', format: 'text' },
      { label: 'Symbol', format: 'text' },
      { label: 'Regime changes', format: 'count' },
      { label: 'Time in each regime', format: 'text' },
    ],
    rows: [...regimeLanes.values()].map((l) => {
      const n = totalBars(l.symbol);
      const shares = l.labels
        .map((name, i) => `${name} ${n > 0 ? (((l.bars.get(i) ?? 0) / n) * 100).toFixed(1) : '?'}%`)
        .join(', ');
      return [l.classifier, l.symbol, l.changes, shares];
    }),
  };
  if (meta.classifiers.length === 0) notes.push('No regimes: the run had no classifiers (regimes.parquet is empty).');

  let emptyReason: string | null = null;
  if (meta.strategies.length === 0)
    emptyReason = 'The signal store holds no strategies, so there are no signals to show.';
  else if (meta.files.signals.rows === 0)
    emptyReason = `No strategy changed its signal over the ${symbols.map((s) => `${perSymbol[s]!.bars.toLocaleString('en-US')} ${s} bars`).join(', ')}: every strategy stayed flat (too few bars for its indicators to warm up, or its condition never held), so the store has no signal rows.`;
  const storeInfo = phase.summary?.signal_store;
  if (storeInfo !== undefined && storeInfo.reused > 0) {
    notes.push(
      `${String(storeInfo.reused)} of the store’s strategies were reused from earlier runs, ${String(storeInfo.computed)} computed by this one.`,
    );
  }
  return {
    kind: 'signals',
    heading,
    empty: emptyReason,
    store,
    span,
    lanes: laneData,
    regime_lanes: [...regimeLanes.values()]
      .slice(0, SIGNAL_LIMITS.lanes)
      .map((l) => ({ label: l.label, labels: l.labels, periods: thin(l.periods, thinWidth) })),
    strategies,
    regimes,
    notes,
  };
}

/** Consecutive periods of one value closer than `gap` seconds merged into one. */
export function thin(periods: readonly Period[], gap: number): Period[] {
  const out: Period[] = [];
  for (const p of periods) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev[2] === p[2] && p[0] - prev[1] < gap) prev[1] = p[1];
    else out.push([p[0], p[1], p[2]]);
  }
  return out;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
