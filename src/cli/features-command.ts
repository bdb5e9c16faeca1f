import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { openBarSource } from '../data/open-source.ts';
import { FeatureHub } from '../domain/indicators/feature-hub.ts';
import { FeatureSpecError, parseFeatureSpec, type FeatureSpec } from '../domain/indicators/feature-spec.ts';
import { tempPathFor } from '../files/atomic-write.ts';
import { higherTimeframeProblem } from '../domain/indicators/timeframe-buckets.ts';
import type { TradingCalendar } from '../domain/metrics/timeframe.ts';

export { FeatureSpecError, parseFeatureSpec, type FeatureSpec } from '../domain/indicators/feature-spec.ts';

/** Options of {@link featuresCommand}. */
export interface FeaturesOptions {
  /** CSV file to write (atomically); without it the CSV goes to `write`. */
  readonly out?: string | undefined;
  /** Symbol the bars belong to; a label only (default: the file name without extension). */
  readonly symbol?: string | undefined;
  /** Receives the CSV text, in chunks, when there is no `out` (default: stdout). */
  readonly write?: ((text: string) => void) | undefined;
  /** Also write each bar's open, high, low, close and volume after its timestamp. */
  readonly bars?: boolean | undefined;
  /**
   * Column names: `full` (default) `bbands(period=20,stddev=2,ddof=0).upper`, every param
   * spelt out; `short` `bbands_20_2_0_upper` (param values in schema order, the input when
   * not close, the output when the indicator has several), valid identifiers in pandas or SQL.
   */
  readonly names?: 'full' | 'short' | undefined;
  /** The bars' timeframe (`5m`): needed by specs on a higher timeframe (`sma:50@1h`). */
  readonly timeframe?: string | undefined;
  /** Where higher-timeframe bars are cut (docs/indicators.md, "Higher timeframes"); default us_equity. */
  readonly calendar?: TradingCalendar | undefined;
}

/** A feature's short column name: `rsi_14`, `bbands_20_2_0_upper`, `sma_3_hl2`. */
export function shortColumnName(f: FeatureSpec, output: string): string {
  const parts = [
    f.definition.name,
    ...Object.values(f.params).map((v) => String(v).replace(/\./g, 'p').replace(/-/g, 'm')),
  ];
  if (f.input !== undefined && f.input !== 'close') parts.push(f.input);
  if (f.timeframe !== undefined) parts.push(f.timeframe);
  if (f.definition.outputs.length > 1) parts.push(output);
  return parts.join('_');
}

/** What {@link featuresCommand} did. */
export interface FeaturesSummary {
  /** Bars read (data rows written). */
  readonly rows: number;
  /** Rows the source skipped (bad-row policy). */
  readonly skipped: number;
  /** Indicator column names (after `timestamp`, and the bar's OHLCV with `bars`), one per output. */
  readonly columns: readonly string[];
}

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. Column
// names contain commas (`bbands(period=20,stddev=2,ddof=0).upper`).
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `sluice features <data> --indicator spec…`: computes indicator series over a bar file
 * and writes them as CSV, so a researcher can inspect features and cross-check them
 * against other tools.
 *
 * Columns: `timestamp` (ISO 8601, UTC), then one per output of each spec, named
 * `<indicator>(<params>).<output>` with every param spelt out (defaults included) in
 * schema order; empty cells while an indicator warms up. Numbers are written in the
 * shortest form that reads back to the same double. Identical columns are written once.
 *
 * The bars are read with the engine's own sources (CSV or Parquet, chosen by extension)
 * and run through one FeatureHub, exactly as a backtest computes features. With `out` the
 * file appears only when complete (temporary file, then rename).
 *
 * @throws FeatureSpecError for a bad spec (before any data is read); DataError for a bad
 * data file.
 */
export async function featuresCommand(
  file: string,
  specs: readonly string[],
  opts: FeaturesOptions = {},
): Promise<FeaturesSummary> {
  if (specs.length === 0) {
    throw new FeatureSpecError('give at least one --indicator, e.g. --indicator rsi:14 --indicator bbands:20,2');
  }
  const data =
    opts.timeframe === undefined ? undefined : { timeframe: opts.timeframe, calendar: opts.calendar ?? 'us_equity' };
  const hub = new FeatureHub(data);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    const f = parseFeatureSpec(spec);
    if (f.timeframe !== undefined) {
      const problem =
        data === undefined
          ? "a higher timeframe is cut from the data's: give the bars' timeframe with --timeframe (e.g. --timeframe 5m)"
          : higherTimeframeProblem(f.timeframe, data.timeframe);
      if (problem !== undefined) throw new FeatureSpecError(`--indicator '${spec}': ${problem}`);
    }
    for (const output of f.definition.outputs) {
      const full = `${f.label}.${output}`;
      if (seen.has(full)) continue;
      seen.add(full);
      const column = opts.names === 'short' ? shortColumnName(f, output) : full;
      // Slots follow registration order, so slot i is column i.
      hub.register({
        indicator: f.definition.name,
        params: f.params,
        ...(f.input !== undefined ? { input: f.input } : {}),
        ...(f.timeframe !== undefined ? { timeframe: f.timeframe } : {}),
        output,
      });
      columns.push(column);
    }
  }

  const symbol = opts.symbol ?? path.basename(file, path.extname(file));
  const source = openBarSource({ path: file, symbol }, process.cwd());
  const sink = opts.out !== undefined ? await FileSink.open(opts.out) : new CallbackSink(opts.write ?? stdoutWrite);
  let rows = 0;
  try {
    // The header goes out with the first rows, so a missing or unreadable file (which
    // surfaces on the first pull) writes nothing at all.
    const context = opts.bars === true ? ['open', 'high', 'low', 'close', 'volume'] : [];
    let header = `${['timestamp', ...context, ...columns].map(csvField).join(',')}\n`;
    const state = hub.createState();
    const values = new Float64Array(hub.size);
    // One bar object, refilled per row; `ts` is there for session-aware indicators (vwap).
    const bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    for await (const chunk of source.chunks()) {
      let text = '';
      for (let i = 0; i < chunk.length; i++) {
        bar.ts = chunk.ts[i]!;
        bar.open = chunk.open[i]!;
        bar.high = chunk.high[i]!;
        bar.low = chunk.low[i]!;
        bar.close = chunk.close[i]!;
        bar.volume = chunk.volume[i]!;
        hub.update(state, bar, values);
        let line = new Date(bar.ts).toISOString();
        if (context.length > 0)
          line += `,${String(bar.open)},${String(bar.high)},${String(bar.low)},${String(bar.close)},${Number.isNaN(bar.volume) ? '' : String(bar.volume)}`;
        for (let s = 0; s < values.length; s++) {
          const v = values[s]!;
          line += Number.isNaN(v) ? ',' : `,${String(v)}`;
        }
        text += `${line}\n`;
      }
      rows += chunk.length;
      await sink.write(header + text);
      header = '';
    }
    if (header !== '') await sink.write(header);
    await sink.commit();
  } finally {
    await sink.abort();
    await source.close();
  }
  return { rows, skipped: source.stats().skipped, columns };
}

function stdoutWrite(text: string): void {
  process.stdout.write(text);
}

interface Sink {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  /** Drops an uncommitted file; a no-op after commit. */
  abort(): Promise<void>;
}

class CallbackSink implements Sink {
  constructor(private readonly fn: (text: string) => void) {}
  write(text: string): Promise<void> {
    this.fn(text);
    return Promise.resolve();
  }
  commit(): Promise<void> {
    return Promise.resolve();
  }
  abort(): Promise<void> {
    return Promise.resolve();
  }
}

// Streams to a temporary file next to the target and renames it into place on commit, so
// a reader never sees half a CSV and a failed run leaves any previous file untouched.
class FileSink implements Sink {
  private handle: FileHandle | undefined;

  private constructor(
    private readonly target: string,
    private readonly temp: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  static async open(target: string): Promise<FileSink> {
    await mkdir(path.dirname(path.resolve(target)), { recursive: true });
    const temp = tempPathFor(path.resolve(target));
    return new FileSink(target, temp, await open(temp, 'wx'));
  }

  async write(text: string): Promise<void> {
    await this.handle!.write(text);
  }

  async commit(): Promise<void> {
    const h = this.handle!;
    await h.sync();
    this.handle = undefined;
    await h.close();
    await rename(this.temp, this.target);
  }

  async abort(): Promise<void> {
    if (this.handle === undefined) return;
    const h = this.handle;
    this.handle = undefined;
    await h.close().catch(() => undefined);
    await rm(this.temp, { force: true }).catch(() => undefined);
  }
}
