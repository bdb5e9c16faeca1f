/**
 * `sluice run` on a signal replay config, spawned for real: a signal_generation run writes
 * a store, the backtest and the replay of the same config write byte-identical
 * trades.ndjson; a store that does not fit is refused (exit 1, the reason, no stack trace)
 * unless `--force`; replay variants run and rank together.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { sluice, type CliResult } from '../helpers/cli.ts';

/** The one workflow folder a run wrote under `root`. */
function onlyDir(root: string): string {
  const dirs = readdirSync(root);
  expect(dirs).toHaveLength(1);
  return join(root, dirs[0]!);
}

const BACKTEST = 'test/fixtures/configs/replay/parity.yaml';
const REPLAY = 'test/fixtures/configs/replay/replay.yaml';

describe('sluice run with topology signal_replay', () => {
  const out = {
    signals: mkdtempSync(join(tmpdir(), 'sluice-cr-')),
    backtest: mkdtempSync(join(tmpdir(), 'sluice-cr-')),
    replay: mkdtempSync(join(tmpdir(), 'sluice-cr-')),
  };
  let generated: CliResult;
  let backtest: CliResult;
  let replay: CliResult;
  let storeRun: string;

  beforeAll(async () => {
    [generated, backtest] = await Promise.all([
      sluice(['run', BACKTEST, '--set', 'topology=signal_generation', '--out', out.signals]),
      sluice(['run', BACKTEST, '--out', out.backtest]),
    ]);
    storeRun = onlyDir(out.signals);
    // The workflow folder of the signal run: the replay finds its one phase's store.
    replay = await sluice(['run', REPLAY, '--set', `replay.store=${storeRun}`, '--out', out.replay]);
  }, 120_000);

  it('replays the store and writes trades.ndjson byte-identical to the backtest', () => {
    expect(generated.code, generated.stderr).toBe(0);
    expect(backtest.code, backtest.stderr).toBe(0);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain('20769 bars, 6 strategies');
    expect(replay.stdout).toContain(
      `signals: 4933 stored signals replayed from ${join(storeRun, 'signal_generation', 'signals')} (no indicator computed)`,
    );
    const trades = (dir: string, phase: string) => readFileSync(join(onlyDir(dir), phase, 'trades.ndjson'), 'utf8');
    const expected = trades(out.backtest, 'backtest');
    expect(expected.split('\n').length).toBeGreaterThan(1000);
    expect(trades(out.replay, 'signal_replay')).toBe(expected);
    const summary = (dir: string, phase: string) =>
      JSON.parse(readFileSync(join(onlyDir(dir), phase, 'aggregate_results.json'), 'utf8')) as {
        ranking: string[];
        iterations: unknown[];
      };
    expect(summary(out.replay, 'signal_replay')).toEqual({
      ...summary(out.backtest, 'backtest'),
      phase: 'signal_replay',
    });
  });

  it('refuses a store that does not fit the config, and replays it with --force', async () => {
    const args = [
      'run',
      REPLAY,
      '--set',
      `replay.store=${storeRun}`,
      '--set',
      'data.start=2024-06-01',
      '--out',
      mkdtempSync(join(tmpdir(), 'sluice-cr-')),
    ];
    const [refused, forced] = await Promise.all([sluice(args), sluice([...args, '--force'])]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('replay.yaml:6:10');
    expect(refused.stderr).toContain('does not fit this config: other data: data range 2024-06-01T00:00:00.000Z');
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('signal replay forced: other data');
    expect(forced.stdout).toMatch(/signals: \d+ stored signals replayed/);
  }, 60_000);

  it('reports a missing store with its place in the config', async () => {
    const r = await sluice(['validate', REPLAY, '--set', 'replay.store=no/such/store']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('replay.yaml:6:10  replay.store: no signal store at');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('runs replay variants and ranks every book of every variant', async () => {
    const variants =
      '[{name: base}, {name: costly, execution: {slippage_bps: 10, commission: {per_share: 0.02, minimum: 2}}}, {name: half, portfolio: {sizing: {percent: 50}}}]';
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cr-'));
    const r = await sluice([
      'run',
      REPLAY,
      '--set',
      `replay.store=${storeRun}`,
      '--set',
      `replay_variants=${variants}`,
      '--out',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('replay variants: 3, every book ranked together as <strategy>@<variant>');
    expect(r.stdout).toMatch(/costly\s+best \S+, sharpe_ratio -?\d/);
    const phase = join(onlyDir(dir), 'signal_replay');
    const agg = JSON.parse(readFileSync(join(phase, 'aggregate_results.json'), 'utf8')) as { ranking: string[] };
    expect(agg.ranking).toHaveLength(18);
    expect(readdirSync(join(phase, 'variants')).sort()).toEqual(['base', 'costly', 'half']);
    // The base variant is the config itself: its trades are the backtest's.
    expect(readFileSync(join(phase, 'variants', 'base', 'trades.ndjson'), 'utf8')).toBe(
      readFileSync(join(onlyDir(out.backtest), 'backtest', 'trades.ndjson'), 'utf8'),
    );
  }, 60_000);

  it('runs a workflow whose later phase replays the store an earlier phase writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cr-'));
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    const code = await main(
      [
        'node',
        'sluice',
        'run',
        'test/fixtures/configs/replay/workflow.yaml',
        '--set',
        `signals.store=${join(dir, 'store')}`,
        '--out',
        dir,
        '--log-level',
        'silent',
      ],
      io,
    );
    expect(code, lines.join('\n')).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/signals\s+completed/);
    expect(text).toMatch(/replay\s+completed/);
    expect(text).toContain('replay variants: 2, every book ranked together as <strategy>@<variant>');
  }, 60_000);
});
