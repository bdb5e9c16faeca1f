import { METRIC_NAMES, type MetricName } from '../domain/metrics/performance.ts';
import type { ResultFile, ResultsLayout } from './results-layout.ts';

/** One column of a view: its name, DuckDB type, the SQL that computes it, and what it means. */
export interface ViewColumn {
  readonly name: string;
  readonly type: string;
  readonly meaning: string;
  /** SQL over the view's source row; cast to `type` so the view's shape never depends on the files. */
  readonly expr: string;
}

/** A view of `sluice query`: the single source of its SQL and of its documentation. */
export interface ViewSpec {
  readonly name: string;
  /** Where the rows come from, for docs/query.md. */
  readonly source: string;
  readonly columns: readonly ViewColumn[];
  /** The message when the results folder holds none of the view's files. */
  readonly missing: string;
}

const col = (name: string, type: string, meaning: string, expr: string = name): ViewColumn => ({
  name,
  type,
  meaning,
  expr,
});

const PHASE = col('phase', 'VARCHAR', 'phase folder the row comes from (NULL for a bare signal store)', 'f.phase');
// Not `window`: WINDOW is a reserved word in SQL, so every query would have to quote it.
const WINDOW = col(
  'window_index',
  'INTEGER',
  'walk-forward / train-test window (`windows/<n>/`); NULL outside windows',
  'f.window_index',
);
/** The leading columns both signal-store tables share: where in the bars a change happened. */
const STORE_BAR_COLUMNS = [
  PHASE,
  col('bar_index', 'INTEGER', "bar index within its symbol's series"),
  col('seq', 'BIGINT', 'run-wide bar sequence number'),
  col('ts', 'TIMESTAMPTZ', 'bar time'),
  col('symbol', 'VARCHAR', 'instrument'),
];
const VARIANT = col(
  'variant',
  'VARCHAR',
  'signal-replay variant (`variants/<name>/`); NULL outside variants',
  'f.variant',
);

/** Integer-valued metrics; start_ts and end_ts are epoch milliseconds in the files. */
const INTEGER_METRICS = new Set<MetricName>(['bars', 'trade_count', 'max_drawdown_duration_bars']);

function metricColumn(name: MetricName): ViewColumn {
  const field = `m->>'${name}'`;
  if (name === 'start_ts' || name === 'end_ts')
    return col(
      name,
      'TIMESTAMPTZ',
      `metric ${name}: ${name === 'start_ts' ? 'first' : 'last'} bar of the run`,
      `make_timestamptz(CAST(${field} AS BIGINT) * 1000)`,
    );
  return col(name, INTEGER_METRICS.has(name) ? 'BIGINT' : 'DOUBLE', `metric ${name} (docs/metrics.md)`, field);
}

/** The views, in the order docs/query.md lists them. */
export const VIEWS: readonly ViewSpec[] = [
  {
    name: 'phases',
    source: '`<phase>/phase_summary.json`: one row per phase',
    missing: 'no phases in this results dir',
    columns: [
      PHASE,
      col('status', 'VARCHAR', 'completed, failed, cancelled or skipped', "j->>'status'"),
      col('topology', 'VARCHAR', 'topology pattern the phase ran', "j->>'topology'"),
      col('sequence', 'VARCHAR', 'sequence kind: single_pass, parameter_sweep, walk_forward, …', "j->>'sequence'"),
      col('primary_metric', 'VARCHAR', 'metric the phase ranks by', "j->>'primary_metric'"),
      col(
        'best_strategy_id',
        'VARCHAR',
        "best strategy (a walk-forward: the last window's choice)",
        "j->'best'->>'strategy_id'",
      ),
      col('best_type', 'VARCHAR', 'its strategy type', "j->'best'->>'type'"),
      col('best_params', 'JSON', 'its parameters', "coalesce(j->'best'->'params', j->'best'->'parameters')"),
      col('error', 'VARCHAR', 'the error of a failed phase', "j->'error'->>'message'"),
      col(
        'summary',
        'JSON',
        "the whole phase_summary.json, for anything else (`summary->'walk_forward'->'out_of_sample'`)",
        'j',
      ),
    ],
  },
  {
    name: 'iterations',
    source:
      '`<phase>/aggregate_results.json`: one row per strategy of a single pass, per combination of a sweep, per window of a walk-forward or train/test phase (its test run, with the train range and the train metrics of the chosen combination)',
    missing: 'no per-iteration metrics in this results dir (no aggregate_results.json in any phase)',
    columns: [
      PHASE,
      col('window_index', 'INTEGER', 'window index of a walk-forward / train-test row; NULL otherwise', "j->>'index'"),
      col(
        'strategy_id',
        'VARCHAR',
        'strategy id (a window: the combination chosen on its train range)',
        "coalesce(j->>'strategy_id', j->'best'->>'strategy_id')",
      ),
      col('type', 'VARCHAR', 'strategy type', "coalesce(j->>'type', j->'best'->>'type')"),
      col(
        'params',
        'JSON',
        "parameters, e.g. `params->>'fast_period'`",
        "coalesce(j->'params', j->'best'->'parameters')",
      ),
      ...METRIC_NAMES.map(metricColumn),
      col('train_start', 'TIMESTAMPTZ', 'window: first bar of the train range', "j->'train'->>'start'"),
      col('train_end', 'TIMESTAMPTZ', 'window: end of the train range (exclusive)', "j->'train'->>'end'"),
      col('test_start', 'TIMESTAMPTZ', 'window: first bar of the test range', "j->'test'->>'start'"),
      col('test_end', 'TIMESTAMPTZ', 'window: end of the test range (exclusive)', "j->'test'->>'end'"),
      col(
        'train_metrics',
        'JSON',
        "window: the chosen combination's metrics on the train range",
        "j->'train'->'best_metrics'",
      ),
    ],
  },
  {
    name: 'trades',
    source:
      "`trades.ndjson` of each phase and of each window / variant folder in it (walk-forward `oos_trades.ndjson` is not read: it repeats the windows')",
    missing:
      'no trades in this results dir: trades.ndjson is written by backtest and signal-replay phases, not by signal generation',
    columns: [
      PHASE,
      WINDOW,
      VARIANT,
      col('trade_id', 'BIGINT', 'trade number within its run'),
      col('strategy_id', 'VARCHAR', 'the strategy (book) that traded'),
      col('symbol', 'VARCHAR', 'instrument'),
      col('direction', 'VARCHAR', 'long or short'),
      col('quantity', 'DOUBLE', 'shares'),
      col('entry_time', 'TIMESTAMPTZ', 'entry fill time'),
      col('entry_price', 'DOUBLE', 'entry fill price (slippage included)'),
      col('exit_time', 'TIMESTAMPTZ', 'exit fill time'),
      col('exit_price', 'DOUBLE', 'exit fill price'),
      col('gross_pnl', 'DOUBLE', 'P&L before commission'),
      col('commission', 'DOUBLE', 'commission of entry and exit'),
      col('pnl', 'DOUBLE', 'net P&L'),
      col('return_pct', 'DOUBLE', 'net return on the entry notional, as a fraction'),
      col('bars_held', 'INTEGER', 'bars between entry and exit'),
      col('exit_reason', 'VARCHAR', 'signal, stop_loss, take_profit, close_eod, end_of_data, …'),
      col('bar_seq', 'BIGINT', 'bar sequence number of the exit (`sluice trace --fill`)'),
    ],
  },
  {
    name: 'equity',
    source:
      "`equity.ndjson` of each phase and variant (written with `results.storage: disk` or `hybrid`; walk-forward test windows run in memory and write none), and a walk-forward or train/test phase's stitched `oos_equity.ndjson`, whatever the storage",
    missing:
      'no equity curves in this results dir: equity.ndjson is written with results.storage disk or hybrid (sluice run … --storage disk); walk-forward phases also write oos_equity.ndjson',
    columns: [
      PHASE,
      WINDOW,
      VARIANT,
      col('strategy_id', 'VARCHAR', 'the book; NULL on the stitched out-of-sample curve of a walk-forward phase'),
      col('ts', 'TIMESTAMPTZ', 'bar time'),
      col('equity', 'DOUBLE', "equity at the bar's close"),
      col('cash', 'DOUBLE', "cash at the bar's close (NULL on the stitched curve)"),
    ],
  },
  {
    name: 'signals',
    source:
      '`<phase>/signals/signals.parquet`, the sparse signal store ([signal-store.md](signal-store.md)): one row per signal change',
    missing:
      'no signals in this results dir: run signal generation (sluice signals <config>, or topology: signal_generation) to write <phase>/signals/signals.parquet',
    columns: [
      ...STORE_BAR_COLUMNS,
      col('strategy_id', 'VARCHAR', 'strategy id'),
      col('direction', 'INTEGER', '1 long, 0 flat, −1 short, from this bar on'),
      col('strength', 'DOUBLE', 'conviction in [−1, 1]'),
      col('price', 'DOUBLE', 'close of the signal bar'),
    ],
  },
  {
    name: 'regimes',
    source: '`<phase>/signals/regimes.parquet`: one row per classifier regime change',
    missing: 'no regimes in this results dir: signal generation writes regimes.parquet when the config has classifiers',
    columns: [
      ...STORE_BAR_COLUMNS,
      col('classifier', 'VARCHAR', 'classifier id'),
      col('regime', 'VARCHAR', 'its new label, e.g. trending_up'),
    ],
  },
];

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function fileList(files: readonly ResultFile[]): string {
  return `[${files.map((f) => sqlString(f.path)).join(', ')}]`;
}

function selectList(view: ViewSpec, skip: (c: ViewColumn) => string | null = () => null): string {
  return view.columns.map((c) => `CAST(${skip(c) ?? c.expr} AS ${c.type}) AS "${c.name}"`).join(', ');
}

/** JSON files are small objects, but a 10,000-combination sweep's aggregate is not. */
const JSON_OPTIONS = 'filename = true, maximum_object_size = 1073741824';

/** read_json's `columns` for the plain (non-f.) columns of a view: every key typed, absent keys NULL. */
function jsonColumns(view: ViewSpec): string {
  return `{${view.columns
    .filter((c) => !c.expr.startsWith('f.'))
    .map((c) => `${c.name}: '${c.type}'`)
    .join(', ')}}`;
}

/**
 * The `CREATE VIEW` statement of `view` over the files `layout` found, or null when there
 * are none (the view is then left undefined and a query naming it gets `view.missing`).
 * Every source is joined to the table `_sluice_files` (path → phase, window, variant).
 */
export function viewSql(view: ViewSpec, layout: ResultsLayout): string | null {
  const from = (reader: string) => `${reader} AS s JOIN _sluice_files AS f ON f.path = s.filename`;
  switch (view.name) {
    case 'phases':
      if (layout.summaries.length === 0) return null;
      return `CREATE VIEW phases AS SELECT ${selectList(view)} FROM (SELECT json(json) AS j, filename FROM read_json_objects(${fileList(layout.summaries)}, ${JSON_OPTIONS})) AS s JOIN _sluice_files AS f ON f.path = s.filename`;
    case 'iterations':
      if (layout.aggregates.length === 0) return null;
      return `CREATE VIEW iterations AS SELECT ${selectList(view)} FROM (
        SELECT filename, j, coalesce(j->'metrics', j->'test'->'metrics') AS m
        FROM (SELECT filename, unnest(json_extract(json(json), '$.iterations[*]')) AS j FROM read_json_objects(${fileList(layout.aggregates)}, ${JSON_OPTIONS}))
      ) AS s JOIN _sluice_files AS f ON f.path = s.filename`;
    case 'trades':
      if (layout.trades.length === 0) return null;
      return `CREATE VIEW trades AS SELECT ${selectList(view)} FROM ${from(`read_json(${fileList(layout.trades)}, format = 'newline_delimited', columns = ${jsonColumns(view)}, ${JSON_OPTIONS})`)}`;
    case 'equity': {
      const parts: string[] = [];
      if (layout.equity.length > 0)
        parts.push(
          `SELECT ${selectList(view)} FROM ${from(`read_json(${fileList(layout.equity)}, format = 'newline_delimited', columns = ${jsonColumns(view)}, ${JSON_OPTIONS})`)}`,
        );
      if (layout.oosEquity.length > 0) {
        // The stitched curve has only ts and equity, and belongs to the phase, not to a window or book.
        const stitched = (c: ViewColumn) =>
          ['window_index', 'variant', 'strategy_id', 'cash'].includes(c.name) ? 'NULL' : null;
        parts.push(
          `SELECT ${selectList(view, stitched)} FROM ${from(`read_json(${fileList(layout.oosEquity)}, format = 'newline_delimited', columns = {ts: 'TIMESTAMPTZ', equity: 'DOUBLE'}, ${JSON_OPTIONS})`)}`,
        );
      }
      return parts.length === 0 ? null : `CREATE VIEW equity AS ${parts.join(' UNION ALL ')}`;
    }
    case 'signals':
    case 'regimes': {
      const files = view.name === 'signals' ? layout.signals : layout.regimes;
      if (files.length === 0) return null;
      return `CREATE VIEW ${view.name} AS SELECT ${selectList(view)} FROM ${from(`read_parquet(${fileList(files)}, filename = true)`)}`;
    }
    default:
      throw new Error(`no SQL for view ${view.name}`);
  }
}

/** Every file of `layout` with its phase, window and variant: the rows of `_sluice_files`. */
export function layoutFiles(layout: ResultsLayout): ResultFile[] {
  return [
    layout.summaries,
    layout.aggregates,
    layout.trades,
    layout.equity,
    layout.oosEquity,
    layout.signals,
    layout.regimes,
  ].flat();
}
