/**
 * Ingest speed (issue #16, item 3): file to bar chunks, CSV and Parquet, through the bar
 * sources the engine reads with (every check on, default chunk size).
 *
 *   npm run bench:ingest                       # 2,000,000 rows, median of 3 reads
 *   npm run bench:ingest -- --rows 5000000 --rounds 5 --json ingest.json --record
 *
 * The files are generated into a temporary folder from the bundled SPY data, so the bench
 * runs from a clean clone and measures over enough rows: the CSV repeats
 * examples/data/SPY_5m.csv, the Parquet repeats bench/data/SPY_1m.parquet (written by
 * DuckDB, as the original was: 122,880-row groups, Snappy), each repetition shifted past
 * the previous one's last bar so time keeps increasing. Targets: at least 5 M rows/s each.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BarSource } from '../src/data/bar-source.ts';
import { CsvBarSource } from '../src/data/csv-source.ts';
import { ParquetBarSource } from '../src/data/parquet-source.ts';
import { currentCommit, lastRecorded, record } from './history.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'string' },
    record: { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const TARGET = 5_000_000;

const pad = (n: number): string => String(n).padStart(2, '0');
/** The SPY file's own timestamp shape: `2024-03-26 13:30:00+00:00`. */
function spyTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+00:00`;
}

/** `n` rows of SPY 5m, repeated with timestamps shifted so they keep increasing. */
function writeCsv(file: string, n: number): void {
  const lines = readFileSync('examples/data/SPY_5m.csv', 'utf8').trim().split('\n');
  const header = lines[0]!;
  const body = lines.slice(1).map((line) => {
    const comma = line.indexOf(',');
    return { ts: Date.parse(line.slice(0, comma).replace(' ', 'T')), rest: line.slice(comma) };
  });
  const span = body[body.length - 1]!.ts - body[0]!.ts + 300_000;
  const out: string[] = [header];
  for (let i = 0; i < n; i++) {
    const row = body[i % body.length]!;
    out.push(spyTime(row.ts + Math.floor(i / body.length) * span) + row.rest);
  }
  writeFileSync(file, `${out.join('\n')}\n`);
}

/** `n` rows of SPY 1m from the bundled Parquet file, repeated the same way, written by DuckDB. */
async function writeParquet(file: string, n: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const src = "read_parquet('bench/data/SPY_1m.parquet')";
    await db.run(
      `COPY (
         WITH base AS (SELECT * FROM ${src}),
              span AS (SELECT max(timestamp) - min(timestamp) + INTERVAL 1 MINUTE AS d FROM base),
              reps AS (SELECT range AS k FROM range(0, (${n} + (SELECT count(*) FROM base) - 1) // (SELECT count(*) FROM base)))
         SELECT row_number() OVER (ORDER BY k, b.timestamp) - 1 AS bar_index, b.timestamp + k * (SELECT d FROM span) AS timestamp,
                b.open, b.high, b.low, b.close, b.volume
         FROM reps, base b ORDER BY k, b.timestamp LIMIT ${n}
       ) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`,
    );
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Seconds to read every chunk of a fresh pass, and the rows it gave. */
async function readThrough(
  source: BarSource,
): Promise<{ seconds: number; cpuSeconds: number; rows: number; checksum: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let n = 0;
  let checksum = 0;
  for await (const chunk of source.chunks()) {
    n += chunk.length;
    // Touch the last row of each chunk so nothing reads as unused.
    checksum += chunk.close[chunk.length - 1]! + chunk.ts[chunk.length - 1]! * 1e-12;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  await source.close();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: n, checksum };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-ingest-'));
try {
  const csvFile = path.join(dir, 'spy.csv');
  const parquetFile = path.join(dir, 'spy.parquet');
  writeCsv(csvFile, rows);
  await writeParquet(parquetFile, rows);

  const csv: number[] = [];
  const parquet: number[] = [];
  const csvCpu: number[] = [];
  const parquetCpu: number[] = [];
  // One warm-up pass each (JIT), then alternate so the machine's drift hits both alike.
  for (let r = -1; r < rounds; r++) {
    const c = await readThrough(new CsvBarSource({ file: csvFile, symbol: 'SPY' }));
    const p = await readThrough(new ParquetBarSource({ file: parquetFile, symbol: 'SPY' }));
    if (c.rows !== rows || p.rows !== rows)
      throw new Error(`read ${c.rows} CSV and ${p.rows} Parquet rows, expected ${rows}`);
    if (r < 0) continue;
    csv.push(c.seconds);
    parquet.push(p.seconds);
    csvCpu.push(c.cpuSeconds);
    parquetCpu.push(p.cpuSeconds);
  }
  const commit = currentCommit();
  const result = {
    bench: 'ingest',
    commit,
    node: process.version,
    rows,
    rounds,
    csv_bytes: statSync(csvFile).size,
    parquet_bytes: statSync(parquetFile).size,
    csv_rows_per_second: Math.round(rows / median(csv)),
    parquet_rows_per_second: Math.round(rows / median(parquet)),
    // Per second of this process's CPU time (all its threads): on a machine shared with
    // other work this moves far less than the wall-clock figure.
    csv_rows_per_cpu_second: Math.round(rows / median(csvCpu)),
    parquet_rows_per_cpu_second: Math.round(rows / median(parquetCpu)),
    load_average: Number(loadavg()[0]!.toFixed(2)),
    targets: { csv_rows_per_second: TARGET, parquet_rows_per_second: TARGET },
  };
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(12);
  const met = (x: number): string => (x >= TARGET ? 'met' : 'MISSED');
  console.log(
    [
      `ingest @ ${commit} (${process.version}), ${rows.toLocaleString('en-US')} SPY-shaped rows, median of ${rounds}`,
      `  CSV      ${fmt(result.csv_rows_per_second)} rows/s  ${fmt(result.csv_rows_per_cpu_second)} rows/CPU-s  (${(result.csv_bytes / median(csv) / 1e6).toFixed(0)} MB/s; target ≥ 5 M: ${met(result.csv_rows_per_second)})`,
      `  Parquet  ${fmt(result.parquet_rows_per_second)} rows/s  ${fmt(result.parquet_rows_per_cpu_second)} rows/CPU-s  (target ≥ 5 M: ${met(result.parquet_rows_per_second)})`,
      `  machine  load average ${result.load_average} over the last minute`,
      `  rounds   CSV ${csv.map((s) => s.toFixed(3)).join(', ')} s; Parquet ${parquet.map((s) => s.toFixed(3)).join(', ')} s`,
    ].join('\n'),
  );
  const prev = lastRecorded('ingest');
  if (prev !== undefined) {
    console.log(
      `  previous @ ${String(prev['commit'])}: CSV ${String(prev['csv_rows_per_second'])} rows/s, Parquet ${String(prev['parquet_rows_per_second'])} rows/s`,
    );
  }
  if (args.record) record(result);
  if (args.json !== undefined) {
    const { csv_rows_per_second, parquet_rows_per_second } = result;
    writeFileSync(args.json, `${JSON.stringify({ rows, csv_rows_per_second, parquet_rows_per_second }, null, 2)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
