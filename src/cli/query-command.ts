import { Option, type Command } from 'commander';
import { formatResult, QUERY_FORMATS, type QueryFormat } from '../query/format-result.ts';
import { QueryError } from '../query/query-error.ts';

/** Where the command prints. */
interface QueryIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Registers `sluice query <results> "<SQL>" [--format table|csv|json]` on `program`: SQL
 * (DuckDB) over a run's phases, iterations, trades, equity, signals and regimes
 * (docs/query.md). The SQL is full DuckDB (it can read and write any file the user can);
 * `--read-only` turns external access off for SQL that comes from someone else. Bad SQL or a view the run did not write is a user mistake: the
 * message, no stack, exit 1.
 *
 * @param isTty whether stdout is a terminal: the default format is a table there and CSV
 *   in a pipe, where another program reads it.
 */
export function registerQueryCommand(
  program: Command,
  io: QueryIo,
  setCode: (code: number) => void,
  isTty: () => boolean = () => process.stdout.isTTY,
): void {
  program
    .command('query')
    .description(
      'run SQL (DuckDB) over a results folder: views phases, iterations, trades, equity, signals, regimes (docs/query.md)',
    )
    .argument('<results>', 'results/<workflow_id> folder, one phase folder, or a signal store folder')
    .argument('<sql>', 'the query, e.g. "SELECT strategy_id, sum(pnl) FROM trades GROUP BY ALL"')
    .option(
      '--read-only',
      'for SQL from someone else: no file is read or written but the results themselves (DuckDB external access off)',
    )
    .addOption(
      new Option('--format <format>', 'output format (default: table in a terminal, csv otherwise)').choices(
        QUERY_FORMATS,
      ),
    )
    .action(async (dir: string, sql: string, o: { format?: QueryFormat; readOnly?: boolean }) => {
      try {
        // Imported when the command runs: DuckDB would slow every `sluice` start.
        const { runQuery } = await import('../query/run-query.ts');
        const result = await runQuery(dir, sql, { readOnly: o.readOnly === true });
        io.out(formatResult(result, o.format ?? (isTty() ? 'table' : 'csv')));
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        io.err(err.message);
        setCode(1);
      }
    });
}
