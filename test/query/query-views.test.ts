import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERIES } from '../../src/query/query-doc.ts';
import { QueryError } from '../../src/query/query-error.ts';
import { runQuery, type QueryResult } from '../../src/query/run-query.ts';
import { VIEWS } from '../../src/query/views.ts';
import { sluice } from '../helpers/cli.ts';

// One real three-phase run (backtest with equity on disk, walk-forward, signal generation
// with a classifier) that every test here queries.
let out: string;
let run: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'sluice-query-'));
  const r = await sluice(['run', 'test/fixtures/configs/query-workflow.yaml', '--out', out, '--log-level', 'error']);
  expect(r.code, r.stderr).toBe(0);
  const id = readdirSync(out).find((d) => !d.startsWith('.'));
  if (id === undefined) throw new Error(`no results folder in ${out}`);
  run = join(out, id);
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '').length;
const column = (r: QueryResult, name: string) => r.rows.map((row) => row[r.columns.findIndex((c) => c.name === name)]);

describe('views over a workflow folder', () => {
  it('each view has exactly the columns and types docs/query.md lists', async () => {
    for (const view of VIEWS) {
      const r = await runQuery(run, `DESCRIBE ${view.name}`);
      const described = r.rows.map((row) => [
        row[0],
        String(row[1]).replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'),
      ]);
      expect(described, view.name).toEqual(view.columns.map((c) => [c.name, c.type]));
    }
  });

  it('trades holds every trades.ndjson line, by phase and walk-forward window, and not oos_trades twice', async () => {
    const r = await runQuery(
      run,
      'SELECT phase, window_index, count(*) AS n FROM trades GROUP BY ALL ORDER BY phase, window_index',
    );
    const expected = [['backtest', null, lines(join(run, 'backtest/trades.ndjson'))]];
    const windows = readdirSync(join(run, 'walk_forward/windows'))
      .map(Number)
      .sort((a, b) => a - b);
    for (const w of windows) {
      const n = lines(join(run, `walk_forward/windows/${w}/trades.ndjson`));
      if (n > 0) expected.push(['walk_forward', w, n]);
    }
    expect(r.rows.map(([p, w, n]) => [p, w, Number(n)])).toEqual(expected);
    const total = expected.filter(([p]) => p === 'walk_forward').reduce((s, [, , n]) => s + Number(n), 0);
    expect(total).toBe(lines(join(run, 'walk_forward/oos_trades.ndjson')));
  });

  it("equity holds the books' curves and the stitched out-of-sample curve with strategy_id NULL", async () => {
    const r = await runQuery(
      run,
      'SELECT phase, strategy_id IS NULL AS stitched, count(*) AS n, min(equity) > 0 AS positive FROM equity WHERE window_index IS NULL GROUP BY ALL ORDER BY ALL',
    );
    expect(r.rows).toEqual([
      ['backtest', false, String(lines(join(run, 'backtest/equity.ndjson'))), true],
      ['walk_forward', true, String(lines(join(run, 'walk_forward/oos_equity.ndjson'))), true],
    ]);
  });

  it('iterations: a row per book of the backtest, a row per window of the walk-forward with its train range', async () => {
    const r = await runQuery(
      run,
      'SELECT phase, count(*), count(window_index), count(train_start), min(trade_count) >= 0 FROM iterations GROUP BY ALL ORDER BY phase',
    );
    const windows = readdirSync(join(run, 'walk_forward/windows')).length;
    expect(r.rows).toEqual([
      ['backtest', '4', '0', '0', true],
      ['walk_forward', String(windows), String(windows), String(windows), true],
    ]);
  });

  it('phases, signals and regimes read the phase summaries and the Parquet store', async () => {
    const phases = await runQuery(run, 'SELECT phase, status, sequence FROM phases ORDER BY phase');
    expect(phases.rows).toEqual([
      ['backtest', 'completed', 'single_pass'],
      ['signals', 'completed', 'single_pass'],
      ['walk_forward', 'completed', 'walk_forward'],
    ]);
    const meta = JSON.parse(readFileSync(join(run, 'signals/signals/metadata.json'), 'utf8')) as {
      files: { signals: { rows: number }; regimes: { rows: number } };
    };
    const counts = await runQuery(
      run,
      "SELECT (SELECT count(*) FROM signals WHERE phase = 'signals'), (SELECT count(DISTINCT strategy_id) FROM signals), (SELECT count(*) FROM regimes)",
    );
    expect(counts.rows).toEqual([[String(meta.files.signals.rows), '4', String(meta.files.regimes.rows)]]);
  });
});

describe('the examples of docs/query.md, run', () => {
  const example = (title: string) => {
    const e = EXAMPLE_QUERIES.find((q) => q.title.startsWith(title));
    if (e === undefined) throw new Error(`no example '${title}'`);
    return e.sql;
  };

  it('best parameters per walk-forward window: the choice phase_summary.json records for each window', async () => {
    const r = await runQuery(run, example('Best parameters per walk-forward window'));
    const summary = JSON.parse(readFileSync(join(run, 'walk_forward/phase_summary.json'), 'utf8')) as {
      walk_forward: {
        per_window: { index: number; best: { strategy_id: string; parameters: Record<string, number> } }[];
      };
    };
    expect(column(r, 'window_index')).toEqual(summary.walk_forward.per_window.map((w) => w.index));
    expect(column(r, 'strategy_id')).toEqual(summary.walk_forward.per_window.map((w) => w.best.strategy_id));
    expect(column(r, 'fast')).toEqual(
      summary.walk_forward.per_window.map((w) => String(w.best.parameters['fast_period'])),
    );
  });

  it('trades by hour of day: New York session hours, every backtest trade counted once', async () => {
    const r = await runQuery(run, example('Trades by hour of day'));
    const hours = column(r, 'hour_ny').map(Number);
    // In UTC the hours would be 13..20; the bundled bars run 09:30 to a last bar labelled 16:00.
    expect(Math.min(...hours)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...hours)).toBeLessThanOrEqual(16);
    const all = await runQuery(run, 'SELECT count(*) FROM trades WHERE window_index IS NULL');
    expect(column(r, 'trades').reduce<number>((s, n) => s + Number(n), 0)).toBe(Number(all.rows[0]?.[0]));
  });

  it('signal agreement: one row per pair of strategies, percentages, identical positions agree fully with themselves', async () => {
    const r = await runQuery(run, example('Signal agreement'));
    expect(r.rows).toHaveLength(6); // 4 strategies, 6 pairs
    for (const pct of column(r, 'agree_pct')) expect(Number(pct)).toBeGreaterThanOrEqual(0);
    for (const pct of column(r, 'agree_pct')) expect(Number(pct)).toBeLessThanOrEqual(100);
    // Two crossovers sharing a slow period agree more often than not.
    expect(Number(column(r, 'agree_pct')[0])).toBeGreaterThan(50);
  });

  it('exit reasons per phase add up to the trades', async () => {
    const r = await runQuery(run, example('Exit reasons per phase'));
    const all = await runQuery(run, 'SELECT count(*) FROM trades');
    expect(column(r, 'trades').reduce<number>((s, n) => s + Number(n), 0)).toBe(Number(all.rows[0]?.[0]));
  });
});

describe('errors and folders', () => {
  it('a view the folder has no files for is a clear error naming how to get them', async () => {
    await expect(runQuery(join(run, 'backtest'), 'SELECT count(*) FROM signals')).rejects.toThrow(
      /^no signals in this results dir: run signal generation/,
    );
    await expect(runQuery(join(run, 'signals'), 'SELECT * FROM trades')).rejects.toThrow(QueryError);
  });

  it('a phase folder alone and a bare signal store are folders too', async () => {
    const r = await runQuery(join(run, 'walk_forward'), 'SELECT DISTINCT phase FROM trades');
    expect(r.rows).toEqual([['walk_forward']]);
    const s = await runQuery(join(run, 'signals/signals'), 'SELECT DISTINCT phase FROM signals');
    expect(s.rows).toEqual([[null]]);
  });

  it('a folder without results is refused', async () => {
    await expect(runQuery(out, 'SELECT 1')).rejects.toThrow(/no results found/);
    await expect(runQuery(join(out, 'nope'), 'SELECT 1')).rejects.toThrow(/no such directory/);
  });
});

describe('sluice query (the CLI, in its own process)', () => {
  it("bad SQL: DuckDB's message, exit 1, no stack, and the process exits by itself", async () => {
    const r = await sluice(['query', run, 'SELEC strategy_id FROM trades']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Parser Error: syntax error at or near "SELEC"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing view from the CLI: the message and exit 1', async () => {
    const r = await sluice(['query', join(run, 'backtest'), 'SELECT * FROM regimes']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^no regimes in this results dir/);
  });

  it('CSV by default in a pipe, RFC 4180 quoting of JSON cells; JSON lines with nested params', async () => {
    const sql =
      "SELECT strategy_id, params, sharpe_ratio FROM iterations WHERE phase = 'backtest' ORDER BY strategy_id";
    const csv = await sluice(['query', run, sql]);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.split('\r\n');
    expect(rows[0]).toBe('strategy_id,params,sharpe_ratio');
    expect(rows[1]).toMatch(/^sma_crossover_10_30,"\{""fast_period"":10,""slow_period"":30\}",-?\d/);
    const json = await sluice(['query', run, sql, '--format', 'json']);
    const first = JSON.parse(json.stdout.split('\n')[0] ?? '') as { params: unknown; sharpe_ratio: unknown };
    expect(first.params).toEqual({ fast_period: 10, slow_period: 30 });
    expect(typeof first.sharpe_ratio).toBe('number');
  });

  it('--read-only: the views answer, but no file outside them is read or written, and the setting cannot be turned back', async () => {
    const secret = join(out, 'secret.txt');
    writeFileSync(secret, 'a,b\n1,2\n');
    const ok = await sluice(['query', run, '--read-only', "SELECT count(*) AS n FROM trades WHERE phase = 'backtest'"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Number(ok.stdout.split('\r\n')[1])).toBe(lines(join(run, 'backtest/trades.ndjson')));
    const read = await sluice(['query', run, '--read-only', `SELECT * FROM read_csv('${secret}')`]);
    expect(read.code).toBe(1);
    expect(read.stderr).toMatch(/Permission Error/);
    const target = join(run, 'backtest', 'written.csv');
    const write = await sluice(['query', run, '--read-only', `COPY (SELECT 1) TO '${target}'`]);
    expect(write.code).toBe(1);
    expect(existsSync(target)).toBe(false);
    const unlock = await sluice([
      'query',
      run,
      '--read-only',
      `SET enable_external_access = true; SELECT * FROM read_csv('${secret}')`,
    ]);
    expect(unlock.code).toBe(1);
    // Without --read-only it is full DuckDB, as documented.
    const full = await sluice(['query', run, `SELECT * FROM read_csv('${secret}')`]);
    expect(full.code, full.stderr).toBe(0);
  });
});
