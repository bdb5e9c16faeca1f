import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBType, type Json } from '@duckdb/node-api';
import { QueryError } from './query-error.ts';
import { findResults, type ResultsLayout } from './results-layout.ts';
import { layoutFiles, sqlString, viewSql, VIEWS, type ViewSpec } from './views.ts';

/** How a column prints: numbers right-aligned, JSON parsed in JSON output, the rest as text. */
export type ColumnKind = 'number' | 'json' | 'text';

/** A query's answer: column names, their DuckDB types, and the rows as JSON values. */
export interface QueryResult {
  readonly columns: readonly { readonly name: string; readonly type: string; readonly kind: ColumnKind }[];
  readonly rows: readonly (readonly Json[])[];
}

/** A DuckDB connection whose views read one results folder; closed by `withResultsDb`. */
export interface ResultsDb {
  readonly connection: DuckDBConnection;
  readonly layout: ResultsLayout;
  /** The views with no files in this folder: a query naming one gets its message. */
  readonly missing: readonly ViewSpec[];
}

/** How a query runs. */
export interface QueryOptions {
  /**
   * SQL from someone else: the views are loaded into memory first, then DuckDB's
   * `enable_external_access` is turned off and the configuration locked, so the query
   * reads and writes no file (nor loads extensions) and cannot turn that back on.
   */
  readonly readOnly?: boolean;
}

/**
 * Replaces each view by a table holding its rows (views read their files when queried,
 * which external access off would refuse), then turns external access off for good.
 */
async function lockDown(connection: DuckDBConnection): Promise<void> {
  const views = (
    await connection.runAndReadAll("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'")
  )
    .getRowsJson()
    .map((r) => String(r[0]));
  for (const view of views) {
    const name = `"${view.replaceAll('"', '""')}"`;
    const temp = `"_sluice_ro_${view.replaceAll('"', '""')}"`;
    await connection.run(`CREATE TABLE ${temp} AS SELECT * FROM ${name}`);
    await connection.run(`DROP VIEW ${name}`);
    await connection.run(`ALTER TABLE ${temp} RENAME TO ${name}`);
  }
  await connection.run('DROP TABLE _sluice_files');
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

/**
 * Opens an in-memory DuckDB, defines the views of docs/query.md over the files of
 * `dir`, runs `fn`, and closes connection and instance whatever happens, so the process
 * exits by itself once the command is done (DuckDB holds native handles until closed).
 *
 * @throws QueryError when `dir` holds no results.
 */
export async function withResultsDb<T>(
  dir: string,
  fn: (db: ResultsDb) => Promise<T>,
  opts: QueryOptions = {},
): Promise<T> {
  const layout = findResults(dir);
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      // Timestamps print in UTC whatever the machine's zone: results are the same on every machine.
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run(
        'CREATE TABLE _sluice_files (path VARCHAR, phase VARCHAR, window_index INTEGER, variant VARCHAR)',
      );
      const files = layoutFiles(layout);
      if (files.length > 0) {
        const values = files.map(
          (f) =>
            `(${sqlString(f.path)}, ${f.phase === null ? 'NULL' : sqlString(f.phase)}, ${f.window ?? 'NULL'}, ${f.variant === null ? 'NULL' : sqlString(f.variant)})`,
        );
        await connection.run(`INSERT INTO _sluice_files VALUES ${values.join(', ')}`);
      }
      const missing: ViewSpec[] = [];
      for (const view of VIEWS) {
        const sql = viewSql(view, layout);
        if (sql === null) missing.push(view);
        else await connection.run(sql);
      }
      if (opts.readOnly === true) await lockDown(connection);
      return await fn({ connection, layout, missing });
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * Runs `sql` over the results folder `dir` (see `withResultsDb`).
 *
 * @throws QueryError with DuckDB's message for SQL it rejects, or the view's own message
 *   when the SQL names a view this folder has no files for.
 */
export async function runQuery(dir: string, sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
  return withResultsDb(dir, (db) => queryDb(db, sql), opts);
}

/** Runs `sql` on an open results database. */
export async function queryDb(db: ResultsDb, sql: string): Promise<QueryResult> {
  try {
    const reader = await db.connection.runAndReadAll(sql);
    const types = reader.columnTypes();
    return {
      columns: reader.columnNames().map((name, i) => {
        const type = types[i];
        if (type === undefined) throw new Error(`no type for column ${i}`);
        return { name, type: type.alias ?? type.toString(), kind: kindOf(type) };
      }),
      rows: reader.getRowsJson(),
    };
  } catch (err) {
    if (!(err instanceof Error) || err instanceof QueryError) throw err;
    throw new QueryError(missingViewMessage(err.message, db.missing) ?? err.message);
  }
}

/** DuckDB names an undefined table; when it is one of our views, say why it is absent. */
function missingViewMessage(message: string, missing: readonly ViewSpec[]): string | undefined {
  const name = /Table with name ([A-Za-z_][A-Za-z0-9_]*) does not exist/.exec(message)?.[1]?.toLowerCase();
  return missing.find((v) => v.name === name)?.missing;
}

const NUMERIC = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.BIGNUM,
]);

function kindOf(type: DuckDBType): ColumnKind {
  if (NUMERIC.has(type.typeId)) return 'number';
  if (type.alias === 'JSON') return 'json';
  return 'text';
}
