import { VIEWS } from './views.ts';

/** An example of docs/query.md; test/query runs every one against a real run. */
export interface ExampleQuery {
  readonly title: string;
  readonly note: string;
  readonly sql: string;
}

/** The example queries of docs/query.md, in order. */
export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    title: 'Best parameters per walk-forward window',
    note: 'The combination each window chose on its train range, its train Sharpe, and what it then did on the test range.',
    sql: `SELECT window_index, test_start, strategy_id,
       params->>'fast_period' AS fast, params->>'slow_period' AS slow,
       round(CAST(train_metrics->>'sharpe_ratio' AS DOUBLE), 2) AS train_sharpe,
       round(sharpe_ratio, 2) AS test_sharpe,
       round(total_return * 100, 2) AS test_return_pct
FROM iterations
WHERE window_index IS NOT NULL
ORDER BY phase, window_index`,
  },
  {
    title: 'Trades by hour of day (New York time)',
    note: 'Timestamps are UTC (TIMESTAMPTZ); `AT TIME ZONE` turns them into exchange wall-clock time, daylight saving included.',
    sql: `SELECT hour(entry_time AT TIME ZONE 'America/New_York') AS hour_ny,
       count(*) AS trades,
       round(sum(pnl), 2) AS pnl,
       round(avg(CASE WHEN pnl > 0 THEN 100 ELSE 0 END), 1) AS win_pct
FROM trades
WHERE window_index IS NULL
GROUP BY hour_ny
ORDER BY hour_ny`,
  },
  {
    title: 'Signal agreement between strategies',
    note: 'The store is sparse (a row per change), so the position of every strategy at every bar is the last row at or before it: an ASOF join over a range of bar sequence numbers (one symbol; up to the last signal change). Then, per pair, the share of bars on which both hold the same position.',
    sql: `WITH bars AS (SELECT range AS seq FROM range((SELECT max(seq) + 1 FROM signals))),
     ids AS (SELECT DISTINCT strategy_id FROM signals),
     pos AS (
       SELECT b.seq, i.strategy_id, coalesce(s.direction, 0) AS direction
       FROM bars AS b CROSS JOIN ids AS i
       ASOF LEFT JOIN signals AS s ON s.strategy_id = i.strategy_id AND s.seq <= b.seq
     )
SELECT a.strategy_id AS a, b.strategy_id AS b,
       round(avg(CASE WHEN a.direction = b.direction THEN 100 ELSE 0 END), 1) AS agree_pct,
       round(avg(CASE WHEN a.direction = 1 AND b.direction = 1 THEN 100 ELSE 0 END), 1) AS both_long_pct
FROM pos AS a JOIN pos AS b ON a.seq = b.seq AND a.strategy_id < b.strategy_id
GROUP BY ALL
ORDER BY agree_pct DESC, a, b`,
  },
  {
    title: 'Exit reasons per phase',
    note: 'How trades end: by signal, by a stop, at the session close, at the end of the data.',
    sql: `SELECT phase, exit_reason, count(*) AS trades, round(sum(pnl), 2) AS pnl
FROM trades
GROUP BY ALL
ORDER BY phase, trades DESC`,
  },
];

function viewTables(): string {
  return VIEWS.map((v) => {
    const rows = v.columns.map((c) => `| \`${c.name}\` | ${c.type} | ${c.meaning.replace(/\|/g, '\\|')} |`);
    return `### \`${v.name}\`\n\nFrom ${v.source}.\n\n| column | type | meaning |\n|---|---|---|\n${rows.join('\n')}`;
  }).join('\n\n');
}

function examples(): string {
  return EXAMPLE_QUERIES.map((e) => `### ${e.title}\n\n${e.note}\n\n\`\`\`sql\n${e.sql}\n\`\`\``).join('\n\n');
}

/** docs/query.md, generated so its view columns and examples are those the code defines and the tests run. */
export function queryDoc(): string {
  return `<!-- Generated from src/query by \`npm run docs\`; do not edit by hand. -->
# SQL over results: \`sluice query\`

\`\`\`sh
sluice query <results dir> "<SQL>" [--format table|csv|json] [--read-only]
\`\`\`

runs SQL in [DuckDB](https://duckdb.org/docs/sql/introduction) (embedded,
in memory) over a run's results folder, exposed as the views below. Nothing is copied or
imported: each view reads the run's NDJSON, JSON and Parquet files when queried.

\`\`\`sh
npx sluice run examples/spy-walk-forward.yaml
npx sluice query results/<workflow_id> "SELECT window_index, strategy_id, sharpe_ratio FROM iterations"
npx sluice query results/<workflow_id> "SELECT * FROM trades" --format csv > trades.csv
\`\`\`

- **Output.** \`--format table\` (aligned columns, numbers right-aligned, \`NULL\` spelled out,
  the row count last), \`csv\` (RFC 4180: header row, CRLF line ends, fields with a comma,
  quote or line break quoted, NULL as an empty field) or \`json\` (one object per row; 64-bit
  integers as numbers unless beyond 2^53, JSON columns such as \`params\` as nested values).
  Without \`--format\`: a table when stdout is a terminal, CSV when it is a pipe or a file,
  so \`sluice query … > out.csv\` or a pipe into another tool gets something machine-readable.
- **Errors.** SQL DuckDB rejects prints DuckDB's message (with the caret under the
  place) and exits 1. A view whose files the run did not write is not defined, and a
  query naming it says why, e.g. \`no signals in this results dir: run signal generation …\`.
- **Time.** Timestamps are \`TIMESTAMPTZ\` and print in UTC; \`AT TIME ZONE
  'America/New_York'\` converts (DuckDB's ICU extension is built in).
- **Order.** Views have no inherent row order: say \`ORDER BY\`.
- DuckDB can also write: \`COPY (SELECT * FROM trades) TO 'trades.parquet'\`.
- **Trust.** The SQL is full DuckDB, run with your permissions: it may hold several
  statements (the last one's rows are printed), read any file you can read
  (\`read_csv('/etc/passwd')\`), write or overwrite any file you can write (\`COPY … TO\`),
  and install extensions. That is fine for your own queries on your own machine. For SQL
  that comes from someone else (a shared notebook, a web form), add \`--read-only\`: the
  views are loaded into memory first, then DuckDB's \`enable_external_access\` is turned
  off and the configuration locked, so the query sees the results and nothing else, writes
  no file and cannot turn the setting back on (a \`Permission Error\`, exit 1). Loading the
  views first costs memory on a very large run.

## Which folder

- \`results/<workflow_id>\`: every phase folder in it (a sub-folder with
  \`phase_summary.json\`), so one query sees a whole workflow, e.g. \`optimize\` and
  \`validate\` side by side. Every view has a \`phase\` column: the phase folder's name.
- One phase folder (\`results/<workflow_id>/<phase>\`): that phase only.
- A signal store folder (\`metadata.json\`, \`signals.parquet\`; e.g. a \`--store\`): the
  \`signals\` and \`regimes\` views only, with \`phase\` NULL.

Inside a phase, runs in \`windows/<n>/\` (walk-forward, train/test) and \`variants/<name>/\`
(signal-replay sweeps) are rows of \`trades\` (and of \`equity\`, where they write a curve)
with \`window_index\` / \`variant\` set. \`window_index\` is not called \`window\` because WINDOW is a reserved word
in SQL. Walk-forward \`oos_trades.ndjson\` is not read (it repeats the windows' trades);
the stitched \`oos_equity.ndjson\` is, as \`equity\` rows with \`strategy_id\` NULL.
The parameter-sweep cache \`results/.combinations/\` is not part of a run.

## Views

${viewTables()}

## Examples

Each of these runs in the test suite (test/query) against a real run.

${examples()}
`;
}
