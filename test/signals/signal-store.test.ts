import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { fileFingerprint } from '../../src/files/combination-store.ts';
import { ENGINE } from '../../src/engine-info.ts';
import { checkStoreCompatible, readSignalStore, readStoreMeta } from '../../src/signals/read-store.ts';
import { signalConfigHash, strategyHash } from '../../src/signals/store-identity.ts';
import { SignalStoreError, type SignalStoreMeta } from '../../src/signals/store-format.ts';
import { SignalStoreWriter } from '../../src/signals/store-writer.ts';
import { runConfig, silent } from '../helpers/run.ts';

const SMA = 'examples/spy-sma-crossover.yaml';
const COMPOSITE = 'test/fixtures/configs/spy-composite.yaml';
const SPY_CSV = resolve('examples/data/SPY_5m.csv');
const BARS = 20769;
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `sluice-store-${name}-`));
const grid = (fast: number[]) => `strategies[0].params.fast_period=[${fast.join(', ')}]`;

/** A signal-generation run of `config` into `store` through the sequencer (reuse included). */
const generateIn = (config: string, store: string, sets: string[] = []) => generate(config, store, sets);
async function generate(config: string, store: string, sets: string[] = [], opts: { signal?: AbortSignal } = {}) {
  const loaded = await loadWorkflow(config, {
    sets: ['topology=signal_generation', `signals.store=${JSON.stringify(store)}`, ...sets],
  });
  const result = await runWorkflow(loaded, {
    logger: silent,
    outDir: tmp('out'),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
  return { loaded, result };
}

const bytes = (dir: string, file: string) => readFileSync(join(dir, file));
/** Every entry of a folder, hidden ones (temporary files, staging folders) included. */
const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('signal store: writing and reading', () => {
  it('round trip: readSignalStore returns exactly the rows the sink kept in memory, over several row groups', async () => {
    const dir = tmp('roundtrip');
    const outcome = await runConfig(SMA, {
      phaseDir: dir,
      sets: ['topology=signal_generation', grid([5, 10, 20]), 'signals.row_group_rows=500'],
    });
    expect(outcome.status).toBe('completed');
    const store = await readSignalStore(join(dir, 'signals'));
    expect(outcome.signals!.length).toBeGreaterThan(2000);
    expect(store.signals).toEqual(outcome.signals);
    expect(store.meta.files.signals.rows).toBe(outcome.signals!.length);
    expect(store.meta.files.signals.row_groups).toBe(Math.ceil(outcome.signals!.length / 500));
    expect(store.regimes).toEqual([]);
    expect(outcome.files).toEqual(
      expect.arrayContaining(['signals/signals.parquet', 'signals/regimes.parquet', 'signals/metadata.json']),
    );
    // Rows by (seq, strategy order); ts in epoch ms; bar_index is the bar's index in its symbol.
    const order = store.meta.strategies.map((s) => s.id);
    for (let i = 1; i < store.signals.length; i++) {
      const a = store.signals[i - 1]!;
      const b = store.signals[i]!;
      expect(a.seq < b.seq || (a.seq === b.seq && order.indexOf(a.strategy_id) < order.indexOf(b.strategy_id))).toBe(
        true,
      );
    }
    expect(store.signals.every((r) => r.bar_index === r.seq && typeof r.ts === 'number')).toBe(true);
    // No temporary files left.
    expect(entries(join(dir, 'signals'))).toEqual(['metadata.json', 'regimes.parquet', 'signals.parquet']);
  });

  it('regimes: every classifier change, as the sink kept it in memory', async () => {
    const dir = tmp('regimes');
    const outcome = await runConfig(COMPOSITE, { phaseDir: dir });
    const store = await readSignalStore(join(dir, 'signals'));
    expect(store.signals).toEqual(outcome.signals);
    expect(store.regimes.length).toBeGreaterThan(100);
    expect(store.regimes.length).toBe(store.meta.classifiers.reduce((n, c) => n + c.regime_rows, 0));
    expect(new Set(store.regimes.map((r) => r.classifier))).toEqual(new Set(['trend', 'vol']));
    expect(store.regimes[0]).toMatchObject({ symbol: 'SPY', bar_index: store.regimes[0]!.seq });
  });

  it('the Parquet files read with hyparquet directly: column types, required, timestamps in UTC milliseconds', async () => {
    const dir = tmp('hyparquet');
    await runConfig(COMPOSITE, { phaseDir: dir });
    const buf = readFileSync(join(dir, 'signals', 'signals.parquet'));
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata).children.map((c) => c.element);
    expect(columns.map((e) => [e.name, e.type, e.converted_type ?? null, e.repetition_type])).toEqual([
      ['bar_index', 'INT32', null, 'REQUIRED'],
      ['seq', 'INT64', null, 'REQUIRED'],
      ['ts', 'INT64', 'TIMESTAMP_MILLIS', 'REQUIRED'],
      ['symbol', 'BYTE_ARRAY', 'UTF8', 'REQUIRED'],
      ['strategy_id', 'BYTE_ARRAY', 'UTF8', 'REQUIRED'],
      ['direction', 'INT32', null, 'REQUIRED'],
      ['strength', 'DOUBLE', null, 'REQUIRED'],
      ['price', 'DOUBLE', null, 'REQUIRED'],
      ['weight', 'DOUBLE', null, 'OPTIONAL'],
    ]);
    expect(columns[2]!.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' });
    expect(metadata.key_value_metadata).toContainEqual({ key: 'sluice.format', value: 'sluice-signal-store/2' });
    const rows = await parquetReadObjects({ file, rowEnd: 2 });
    const meta = await readStoreMeta(join(dir, 'signals'));
    const first = (await readSignalStore(join(dir, 'signals'))).signals[0]!;
    expect(typeof rows[0]!['seq']).toBe('bigint');
    expect(rows[0]!['ts']).toEqual(new Date(first.ts));
    expect(rows[0]).toMatchObject({
      bar_index: first.bar_index,
      symbol: 'SPY',
      strategy_id: first.strategy_id,
      direction: first.direction,
      price: first.price,
    });
    // A per-symbol strategy's row has no target weight: null in the file and when read.
    expect(rows[0]!['weight']).toBeNull();
    expect(first.weight).toBeNull();
    expect(Number(metadata.num_rows)).toBe(meta.files.signals.rows);

    const rbuf = readFileSync(join(dir, 'signals', 'regimes.parquet'));
    const regimeSchema = parquetSchema(
      parquetMetadata(rbuf.buffer.slice(rbuf.byteOffset, rbuf.byteOffset + rbuf.byteLength)),
    ).children.map((c) => [c.element.name, c.element.type]);
    expect(regimeSchema).toEqual([
      ['bar_index', 'INT32'],
      ['seq', 'INT64'],
      ['ts', 'INT64'],
      ['symbol', 'BYTE_ARRAY'],
      ['classifier', 'BYTE_ARRAY'],
      ['regime', 'BYTE_ARRAY'],
    ]);
  });

  it('metadata.json: strategies with type, params, filter and hash; data with fingerprints, range and bar counts; hashes and versions', async () => {
    const dir = tmp('meta');
    const { loaded, result } = await generate(COMPOSITE, dir);
    expect(result.status).toBe('completed');
    const meta = await readStoreMeta(dir);
    expect(meta.format).toBe('sluice-signal-store/2');
    expect(meta.engine).toEqual({ name: ENGINE.name, version: ENGINE.version });
    expect(meta.config_hash).toBe(await signalConfigHash(loaded.wf));
    expect(meta.strategies.map((s) => [s.id, s.type, s.filter, s.classifiers])).toEqual([
      ['vote', 'ensemble', null, ['vol']],
      ['switch', 'regime_switch', null, ['trend']],
      ['nested', 'ensemble', "trend != 'ranging' and rsi(14) < 70", ['trend', 'vol']],
    ]);
    loaded.wf.strategies.forEach((s, i) => {
      expect(meta.strategies[i]!.params).toEqual(JSON.parse(JSON.stringify(s.params)));
      expect(meta.strategies[i]!.hash).toBe(strategyHash(s, loaded.wf.classifiers));
    });
    expect(meta.classifiers.map((c) => [c.id, c.type])).toEqual([
      ['trend', 'trend_regime'],
      ['vol', 'volatility_regime'],
    ]);
    const fp = await fileFingerprint(SPY_CSV);
    expect(meta.data.sources).toEqual([
      { symbol: 'SPY', format: 'csv', path: SPY_CSV, name: 'SPY_5m.csv', size: fp.size, sha256: fp.sha256 },
    ]);
    expect(meta.data).toMatchObject({ symbols: ['SPY'], timeframe: '5m', start: null, end: null, bars: BARS });
    expect(meta.data.per_symbol['SPY']).toEqual({
      bars: BARS,
      first_ts: Date.parse('2024-03-26T13:30:00Z'),
      last_ts: Date.parse('2025-04-02T19:20:00Z'),
      first: '2024-03-26T13:30:00.000Z',
      last: '2025-04-02T19:20:00.000Z',
    });
    const store = await readSignalStore(dir);
    expect(meta.strategies.map((s) => s.signal_rows)).toEqual(
      meta.strategies.map((s) => store.signals.filter((r) => r.strategy_id === s.id).length),
    );
    expect(meta.files.signals).toMatchObject({
      file: 'signals.parquet',
      rows: store.signals.length,
      bytes: statSync(join(dir, 'signals.parquet')).size,
    });
    expect(result.result.extra['signal_store']).toMatchObject({
      dir,
      strategies: 3,
      reused: 0,
      computed: 3,
      signal_rows: store.signals.length,
    });
  });

  it("several symbols: bar_index counts each symbol's bars, seq all bars; per-symbol ranges", async () => {
    const work = tmp('multi');
    copyFileSync(SPY_CSV, join(work, 'a.csv'));
    copyFileSync(SPY_CSV, join(work, 'b.csv'));
    const config = readFileSync(SMA, 'utf8').replace(
      /data:\n(.|\n)*?calendar: us_equity\n/,
      'data:\n  sources:\n    - { symbol: AAA, path: a.csv }\n    - { symbol: BBB, path: b.csv }\n  timeframe: 5m\n',
    );
    writeFileSync(join(work, 'config.yaml'), config);
    const store = join(work, 'store');
    const { result } = await generate(join(work, 'config.yaml'), store);
    expect(result.status, String(result.result.reason)).toBe('completed');
    const { meta, signals } = await readSignalStore(store);
    expect(meta.data.symbols).toEqual(['AAA', 'BBB']);
    expect(meta.data.bars).toBe(2 * BARS);
    expect(meta.data.per_symbol['BBB']!.bars).toBe(BARS);
    const aaa = signals.filter((r) => r.symbol === 'AAA');
    const bbb = signals.filter((r) => r.symbol === 'BBB');
    expect(aaa.length).toBe(788);
    expect(aaa.map((r) => r.bar_index)).toEqual(bbb.map((r) => r.bar_index));
    // Same timestamps merged by (ts, symbol): AAA's bar i is seq 2i, BBB's 2i + 1.
    expect(aaa.every((r) => r.seq === 2 * r.bar_index)).toBe(true);
    expect(bbb.every((r) => r.seq === 2 * r.bar_index + 1)).toBe(true);
  });
});

describe('signal store: incremental reuse', () => {
  it('a second run computes nothing and leaves the store as it was; one more strategy computes 1; the result equals a from-scratch run', async () => {
    const store = tmp('grow');
    // Small row groups: the merge crosses many of them in both inputs.
    const grid = (fast: number[]) => `strategies[0].params.fast_period=[${fast.join(', ')}]`;
    const generate = (config: string, dir: string, sets: string[]) =>
      generateIn(config, dir, [...sets, 'signals.row_group_rows=300']);
    const first = await generate(SMA, store, [grid([5, 10])]);
    expect([first.result.result.reused, first.result.result.computed]).toEqual([0, 2]);
    const before = bytes(store, 'signals.parquet');
    const metaBefore = bytes(store, 'metadata.json');

    const again = await generate(SMA, store, [grid([5, 10])]);
    expect([again.result.status, again.result.result.reused, again.result.result.computed]).toEqual([
      'completed',
      2,
      0,
    ]);
    expect(again.result.outcome).toBeUndefined(); // no graph ran at all
    expect(bytes(store, 'signals.parquet').equals(before)).toBe(true);
    expect(bytes(store, 'metadata.json').equals(metaBefore)).toBe(true);

    const grown = await generate(SMA, store, [grid([5, 10, 15])]);
    expect([grown.result.result.reused, grown.result.result.computed]).toEqual([2, 1]);
    // Only the new strategy's graph ran.
    expect(Object.keys(grown.result.outcome!.containers.get('signals')!['per_strategy'] as object)).toEqual([
      'sma_crossover_15_30',
    ]);

    const scratch = tmp('scratch');
    await generate(SMA, scratch, [grid([5, 10, 15])]);
    const a = await readSignalStore(store);
    const b = await readSignalStore(scratch);
    expect(a.meta.strategies.map((s) => s.id)).toEqual([
      'sma_crossover_5_30',
      'sma_crossover_10_30',
      'sma_crossover_15_30',
    ]);
    expect(a.signals).toEqual(b.signals);
    expect(a.meta).toEqual(b.meta);
    expect(bytes(store, 'signals.parquet').equals(bytes(scratch, 'signals.parquet'))).toBe(true);
    expect(bytes(store, 'metadata.json').equals(bytes(scratch, 'metadata.json'))).toBe(true);
    expect(a.meta.files.signals.row_groups).toBe(Math.ceil(a.signals.length / 300));
    expect(entries(store)).toEqual(['metadata.json', 'regimes.parquet', 'signals.parquet']);
  });

  it('signals.store in a config is relative to the config file', async () => {
    const work = tmp('relative');
    writeFileSync(
      join(work, 'config.yaml'),
      `${readFileSync(SMA, 'utf8').replace('data/SPY_5m.csv', SPY_CSV)}\nsignals:\n  store: stores/spy\n`,
    );
    const loaded = await loadWorkflow(join(work, 'config.yaml'), { sets: ['topology=signal_generation'] });
    const result = await runWorkflow(loaded, { logger: silent, outDir: tmp('out') });
    expect(result.status).toBe('completed');
    expect((await readStoreMeta(join(work, 'stores', 'spy'))).files.signals.rows).toBe(788);
  });

  it('with classifiers: a new strategy reading one classifier runs with only that one; rows and regimes equal a from-scratch run', async () => {
    const work = tmp('classifiers');
    const full = readFileSync(COMPOSITE, 'utf8').replace('../../../examples/data/SPY_5m.csv', SPY_CSV);
    writeFileSync(join(work, 'all.yaml'), full);
    // switch and nested only (vote, the first strategy, left out).
    writeFileSync(join(work, 'two.yaml'), full.replace(/ {2}- id: vote\n(.|\n)*?(?= {2}- id: switch)/, ''));
    const store = join(work, 'store');
    const two = await generate(join(work, 'two.yaml'), store);
    expect([two.result.status, two.result.result.computed]).toEqual(['completed', 2]);
    expect((await readStoreMeta(store)).strategies.map((s) => s.id)).toEqual(['switch', 'nested']);

    // vote reads vol only: trend's regimes come from the store, vol is recomputed.
    const all = await generate(join(work, 'all.yaml'), store);
    expect([all.result.result.reused, all.result.result.computed]).toEqual([2, 1]);
    expect(all.result.result.extra['signal_store']).toMatchObject({ classifiers_computed: ['vol'] });
    expect(
      [...all.result.outcome!.containers.keys()].filter(
        (id) => id.startsWith('classifier_') || id.startsWith('strategy_'),
      ),
    ).toEqual(['classifier_vol', 'strategy_vote']);

    const scratch = join(work, 'scratch');
    await generate(join(work, 'all.yaml'), scratch);
    const a = await readSignalStore(store);
    const b = await readSignalStore(scratch);
    expect(a.meta.strategies.map((s) => s.id)).toEqual(['vote', 'switch', 'nested']);
    expect(a.signals).toEqual(b.signals);
    expect(a.regimes).toEqual(b.regimes);
    expect(a.meta).toEqual(b.meta);

    const again = await generate(join(work, 'all.yaml'), store);
    expect([again.result.result.reused, again.result.result.computed]).toEqual([3, 0]);
    expect(again.result.outcome).toBeUndefined();
  });

  it('reordered strategies are reused, stored ones the config omits kept after them; equal to a from-scratch run in that order', async () => {
    const store = tmp('order');
    await generate(SMA, store, [grid([5, 10, 15])]);
    const reordered = await generate(SMA, store, [grid([15, 5])]);
    expect([reordered.result.result.reused, reordered.result.result.computed]).toEqual([2, 0]);
    expect(reordered.result.result.extra['signal_store']).toMatchObject({
      strategies: 3,
      kept_from_store: 1,
      replaced: [],
    });
    const scratch = tmp('order-scratch');
    await generate(SMA, scratch, [grid([15, 5, 10])]);
    const a = await readSignalStore(store);
    const b = await readSignalStore(scratch);
    expect(a.meta.strategies.map((s) => s.id)).toEqual([
      'sma_crossover_15_30',
      'sma_crossover_5_30',
      'sma_crossover_10_30',
    ]);
    expect(a.signals).toEqual(b.signals);
    expect(a.meta).toEqual(b.meta);
  });

  it('a stored strategy under another id is reused and renamed; an id given to other parameters replaces the stored one', async () => {
    const store = tmp('rename');
    await generate(SMA, store, ['strategies[0].id=fast5', 'strategies[0].params.fast_period=5']);
    const renamed = await generate(SMA, store, ['strategies[0].id=five', 'strategies[0].params.fast_period=5']);
    expect([renamed.result.result.reused, renamed.result.result.computed]).toEqual([1, 0]);
    const a = await readSignalStore(store);
    expect(a.meta.strategies.map((s) => s.id)).toEqual(['five']);
    expect(new Set(a.signals.map((r) => r.strategy_id))).toEqual(new Set(['five']));

    const replaced = await generate(SMA, store, ['strategies[0].id=five', 'strategies[0].params.fast_period=7']);
    expect([replaced.result.result.reused, replaced.result.result.computed]).toEqual([0, 1]);
    expect(replaced.result.result.extra['signal_store']).toMatchObject({ strategies: 1, replaced: ['five'] });
    expect((await readStoreMeta(store)).strategies.map((s) => [s.id, s.params['fast_period']])).toEqual([['five', 7]]);
  });

  it('keeps stored strategies the config does not list: a store of N plus M new holds N + M', async () => {
    const store = tmp('keep');
    await generate(SMA, store, ['strategies[0].id=fast5', 'strategies[0].params.fast_period=5']);
    const more = await generate(SMA, store, ['strategies[0].id=fast12', 'strategies[0].params.fast_period=12']);
    expect([more.result.result.reused, more.result.result.computed]).toEqual([0, 1]);
    expect(more.result.result.extra['signal_store']).toMatchObject({ strategies: 2, kept_from_store: 1 });
    const { meta, signals } = await readSignalStore(store);
    expect(meta.strategies.map((s) => s.id)).toEqual(['fast12', 'fast5']);
    const scratch = tmp('keep-scratch');
    await generate(SMA, scratch, [grid([12, 5])]);
    const b = await readSignalStore(scratch);
    const rename = (id: string) => (id === 'sma_crossover_12_30' ? 'fast12' : 'fast5');
    expect(signals).toEqual(b.signals.map((r) => ({ ...r, strategy_id: rename(r.strategy_id) })));
  });

  it('a store of other data is refused, naming what differs; --force recomputes it', async () => {
    const work = tmp('data');
    copyFileSync(SPY_CSV, join(work, 'bars.csv'));
    writeFileSync(join(work, 'config.yaml'), readFileSync(SMA, 'utf8').replace('data/SPY_5m.csv', 'bars.csv'));
    const config = join(work, 'config.yaml');
    const store = join(work, 'store');
    await generate(config, store, [grid([5, 10])]);
    const before = bytes(store, 'signals.parquet');
    // One volume changed: same size, other content.
    const lines = readFileSync(join(work, 'bars.csv'), 'utf8').split('\n');
    lines[500] = lines[500]!.replace(/(\d)$/, (d) => String((Number(d) + 1) % 10));
    writeFileSync(join(work, 'bars.csv'), lines.join('\n'));
    const refused = await generate(config, store, [grid([5, 10])]);
    expect(refused.result.status).toBe('failed');
    expect(refused.result.failure?.error).toBeInstanceOf(SignalStoreError);
    expect((refused.result.failure?.error as SignalStoreError).code).toBe('DATA_MISMATCH');
    expect(refused.result.result.reason).toMatch(
      /computed from other data \(SPY file bars\.csv: \d+ bytes sha256 [0-9a-f]{12}… → \d+ bytes sha256 [0-9a-f]{12}…\); use another store folder, or --force/,
    );
    expect(bytes(store, 'signals.parquet').equals(before)).toBe(true);
    // Another range is other data too.
    const ranged = await generate(config, store, [grid([5, 10]), 'data.start=2024-06-01']);
    expect(ranged.result.result.reason).toContain('range …–… → 2024-06-01T00:00:00.000Z–…');

    const forced = await generate(config, store, [grid([5]), 'signals.force=true']);
    expect([forced.result.status, forced.result.result.reused, forced.result.result.computed]).toEqual([
      'completed',
      0,
      1,
    ]);
    const meta = await readStoreMeta(store);
    expect(meta.strategies.map((s) => s.id)).toEqual(['sma_crossover']); // exactly the config's
    expect(meta.data.sources[0]!.sha256).toBe((await fileFingerprint(join(work, 'bars.csv'))).sha256);
  });

  it('--force recomputes every strategy of a store it could reuse', async () => {
    const store = tmp('force');
    await generate(SMA, store, [grid([5, 10])]);
    const before = bytes(store, 'signals.parquet');
    const forced = await generate(SMA, store, [grid([5, 10]), 'signals.force=true']);
    expect([forced.result.result.reused, forced.result.result.computed]).toEqual([0, 2]);
    expect(forced.result.outcome!.containers.get('signals')!['signal_rows']).toBe(
      (await readStoreMeta(store)).files.signals.rows,
    );
    expect(bytes(store, 'signals.parquet').equals(before)).toBe(true); // same data, same rows
  });

  it('a store written by another engine version is refused unless forced', async () => {
    const store = tmp('version');
    await generate(SMA, store);
    const path = join(store, 'metadata.json');
    const meta = JSON.parse(readFileSync(path, 'utf8')) as SignalStoreMeta;
    writeFileSync(path, JSON.stringify({ ...meta, engine: { ...meta.engine, version: '0.0.1' } }));
    const refused = await generate(SMA, store);
    expect((refused.result.failure?.error as SignalStoreError).code).toBe('VERSION_MISMATCH');
    expect(refused.result.result.reason).toContain(`engine version 0.0.1, this is ${ENGINE.version}`);
    const forced = await generate(SMA, store, ['signals.force=true']);
    expect(forced.result.status).toBe('completed');
    expect((await readStoreMeta(store)).engine.version).toBe(ENGINE.version);
  });
});

describe('signal store: compatibility checks for readers', () => {
  const meta = { engine: { name: 'sluice', version: '1.0.0' }, config_hash: 'a'.repeat(64) } as SignalStoreMeta;
  it('passes a store of the same config hash and engine version', () => {
    expect(() =>
      checkStoreCompatible(meta, { configHash: 'a'.repeat(64), engineVersion: '1.0.0', force: false }),
    ).not.toThrow();
  });
  it('refuses another engine version, naming both', () => {
    expect(() =>
      checkStoreCompatible(meta, { configHash: 'a'.repeat(64), engineVersion: '1.1.0', force: false }),
    ).toThrow(/engine version 1\.0\.0, this is 1\.1\.0.*--force/);
  });
  it('refuses another config hash, naming both', () => {
    const err = (() => {
      try {
        checkStoreCompatible(meta, { configHash: 'b'.repeat(64), engineVersion: '1.0.0', force: false });
      } catch (e) {
        return e as SignalStoreError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SignalStoreError);
    expect(err!.code).toBe('CONFIG_MISMATCH');
    expect(err!.message).toContain('a'.repeat(64));
    expect(err!.message).toContain('b'.repeat(64));
  });
  it('accepts anything with force', () => {
    expect(() =>
      checkStoreCompatible(meta, { configHash: 'b'.repeat(64), engineVersion: '9', force: true }),
    ).not.toThrow();
  });
});

describe('signal store: atomicity', () => {
  it('a run that fails mid-data leaves no store files and no temporary files', async () => {
    const work = tmp('fail');
    const lines = readFileSync(SPY_CSV, 'utf8').trim().split('\n');
    lines[12001] = lines[12001]!.replace(/,([0-9.]+),(\d+)$/, ',abc,$2');
    writeFileSync(join(work, 'bars.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(work, 'config.yaml'), readFileSync(SMA, 'utf8').replace('data/SPY_5m.csv', 'bars.csv'));
    const store = join(work, 'store');
    const { result } = await generate(join(work, 'config.yaml'), store, ['signals.row_group_rows=100']);
    expect(result.status).toBe('failed');
    expect(entries(store)).toEqual([]);
    expect(result.result.extra['signal_store']).toMatchObject({ signal_rows: null });
  });

  it('a failing incremental run leaves the existing store untouched and no staging folder', async () => {
    const work = tmp('fail-grow');
    copyFileSync(SPY_CSV, join(work, 'bars.csv'));
    writeFileSync(join(work, 'config.yaml'), readFileSync(SMA, 'utf8').replace('data/SPY_5m.csv', 'bars.csv'));
    const store = join(work, 'store');
    await generate(join(work, 'config.yaml'), store, [grid([5])]);
    const before = entries(store).map((f) => [f, bytes(store, f).toString('base64')]);
    // Cancelled: the staging store of the new strategy is opened, then dropped.
    const bad = await generate(join(work, 'config.yaml'), store, [grid([5, 10])], { signal: AbortSignal.abort() });
    expect(bad.result.status).toBe('cancelled');
    expect(entries(store).map((f) => [f, bytes(store, f).toString('base64')])).toEqual(before);
  });

  it('a cancelled fresh run writes no store', async () => {
    const store = tmp('cancel');
    const { result } = await generate(SMA, store, [], { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(entries(store)).toEqual([]);
  });

  it('an aborted writer removes its temporary files; a committed one publishes all three files', async () => {
    const dir = tmp('writer');
    const w = await SignalStoreWriter.open(dir, { rowGroupRows: 2 });
    for (let i = 0; i < 5; i++)
      w.addSignal({
        bar_index: i,
        seq: i,
        ts: 1_700_000_000_000 + i,
        symbol: 'X',
        strategy_id: 's',
        direction: 1,
        strength: 1,
        price: 1,
      });
    expect(entries(dir).length).toBe(2); // two hidden temporary files
    await w.abort();
    expect(entries(dir)).toEqual([]);
  });

  it('a table that does not match the metadata (an interrupted or foreign write) is refused', async () => {
    const store = tmp('torn');
    await generate(SMA, store);
    const path = join(store, 'signals.parquet');
    writeFileSync(path, readFileSync(path).subarray(0, 1000));
    await expect(readSignalStore(store)).rejects.toThrow(/1000 bytes where metadata\.json records \d+.*--force/);
    const again = await generate(SMA, store);
    expect(again.result.status).toBe('failed');
    expect((again.result.failure?.error as SignalStoreError).code).toBe('INCONSISTENT');
  });

  it('a folder without metadata is no store', async () => {
    await expect(readSignalStore(tmp('empty'))).rejects.toThrow(/no signal store here/);
  });
});
