/**
 * Loading a signal replay config: which store, which books, and the refusal of a store
 * that does not fit the config (other data, other parameters, another engine version)
 * unless forced; located errors for a missing store and the other replay mistakes.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { overlaySection } from '../../src/load/resolve-replay.ts';
import { runPhase } from '../../src/sequencer/run-phase.ts';
import { openWorkflowSource } from '../../src/data/workflow-source.ts';
import { silent } from '../helpers/run.ts';
import { catchConfigErrorAsync } from './catch-config-error.ts';

const SPY = resolve('examples/data/SPY_5m.csv');

const DATA = (path: string) => `data:\n  symbol: SPY\n  path: ${path}\n  timeframe: 5m\n`;
const STRATEGIES = `strategies:
  - type: sma_crossover
    params: { fast_period: [5, 10], slow_period: 30 }
  - id: rsi
    type: rsi_threshold
    params: { period: 14 }
`;

/** Writes `text` as `name` in `dir` and returns its path. */
function file(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs a signal_generation config with its store in `<dir>/signals`. */
async function generate(config: string, dir: string): Promise<string> {
  const { wf, plan } = await loadWorkflow(config, { overlay: { topology: 'signal_generation' } });
  const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir: dir, logger: silent });
  expect(outcome.status).toBe('completed');
  return join(dir, 'signals');
}

describe('signal replay configs', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-replay-config-'));
  let store: string;
  /** A copy of `store` whose metadata says another engine version wrote it. */
  let oldStore: string;

  beforeAll(async () => {
    const backtest = file(root, 'backtest.yaml', `name: gen\n${DATA(SPY)}${STRATEGIES}`);
    store = await generate(backtest, join(root, 'phase'));
    const head = readFileSync(SPY, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n';
    const shortCsv = file(root, 'SPY_head.csv', head);
    // A store computed from the first 2,000 bars only: another data fingerprint.
    await generate(file(root, 'short.yaml', `name: gen\n${DATA(shortCsv)}${STRATEGIES}`), join(root, 'short'));
    oldStore = join(root, 'old');
    cpSync(store, oldStore, { recursive: true });
    const meta = JSON.parse(readFileSync(join(oldStore, 'metadata.json'), 'utf8')) as { engine: { version: string } };
    meta.engine.version = '0.0.1';
    writeFileSync(join(oldStore, 'metadata.json'), JSON.stringify(meta));
  }, 60_000);

  /** A replay config in `root` reading `storePath`, plus extra YAML. */
  const replayConfig = (name: string, storePath: string, extra = '') =>
    file(root, name, `name: replay\ntopology: signal_replay\nreplay:\n  store: ${storePath}\n${DATA(SPY)}${extra}`);

  it('takes every stored strategy as a book, in store order, without strategies:', async () => {
    const { wf, plan } = await loadWorkflow(replayConfig('all.yaml', 'phase'));
    expect(wf.strategies.map((s) => [s.key, s.type])).toEqual([
      ['sma_crossover_5_30', 'sma_crossover'],
      ['sma_crossover_10_30', 'sma_crossover'],
      ['rsi', 'rsi_threshold'],
    ]);
    expect(wf.strategies[2]!.params).toEqual({ period: 14, oversold: 30, overbought: 70 });
    expect(wf.replay?.store).toBe(store);
    expect(wf.replay?.forced).toEqual([]);
    expect(plan.instances.map((i) => i.id)).toEqual([
      'data',
      'features',
      'signals',
      'portfolio_sma_crossover_5_30',
      'portfolio_sma_crossover_10_30',
      'portfolio_rsi',
      'risk',
      'execution',
    ]);
  });

  it('finds the store from the store folder, the phase folder, the workflow folder or signals.store', async () => {
    for (const path of ['phase/signals', 'phase']) {
      const { wf } = await loadWorkflow(replayConfig('where.yaml', path));
      expect(wf.replay?.store, path).toBe(store);
    }
    // No replay.store: the persistent store of signals.store (relative to the working directory).
    const persistent = await loadWorkflow(
      file(root, 'persistent.yaml', `name: r\ntopology: signal_replay\nsignals:\n  store: ${store}\n${DATA(SPY)}`),
    );
    expect(persistent.wf.replay?.store).toBe(store);
    const solo = mkdtempSync(join(tmpdir(), 'sluice-replay-wf-'));
    cpSync(join(root, 'phase'), join(solo, 'signal_generation'), { recursive: true });
    const { wf } = await loadWorkflow(replayConfig('where.yaml', solo));
    expect(wf.replay?.store).toBe(join(solo, 'signal_generation', 'signals'));
  });

  it('selects books by replay.strategies, or by strategies: checked against the store', async () => {
    const byId = await loadWorkflow(replayConfig('ids.yaml', 'phase'), {
      sets: ['replay.strategies=[rsi, sma_crossover_10_30]'],
    });
    expect(byId.wf.strategies.map((s) => s.key)).toEqual(['rsi', 'sma_crossover_10_30']);
    expect(byId.wf.replay?.signals.every((s) => s.strategyId === 'rsi' || s.strategyId === 'sma_crossover_10_30')).toBe(
      true,
    );
    const byConfig = await loadWorkflow(
      replayConfig('cfg.yaml', 'phase', 'strategies:\n  - { id: rsi, type: rsi_threshold, params: { period: 14 } }\n'),
    );
    expect(byConfig.wf.strategies.map((s) => s.key)).toEqual(['rsi']);
  });

  it('refuses a store computed from other bars, naming the file and both fingerprints', async () => {
    const err = await catchConfigErrorAsync(() => loadWorkflow(replayConfig('data.yaml', 'short/signals')));
    expect(err.issues[0]!.code).toBe('DATA_MISMATCH');
    expect(err.issues[0]!.path).toEqual(['replay', 'store']);
    expect(err.message).toMatch(/data\.yaml:4:10/);
    expect(err.message).toContain('other data: the SPY bars (SPY_5m.csv');
    expect(err.message).toContain('are not those the store was computed from (SPY_head.csv');
    expect(err.message).toContain('replay.force: true');
  });

  it('refuses a store computed over another data range', async () => {
    const err = await catchConfigErrorAsync(() =>
      loadWorkflow(replayConfig('range.yaml', 'phase'), { sets: ['data.start=2024-06-01'] }),
    );
    expect(err.issues[0]!.code).toBe('DATA_MISMATCH');
    expect(err.message).toContain('data range 2024-06-01T00:00:00.000Z … (end) where the store has (start) … (end)');
  });

  it('refuses a store whose strategy of that id has other parameters (the config hash), naming them', async () => {
    const err = await catchConfigErrorAsync(() =>
      loadWorkflow(
        replayConfig(
          'params.yaml',
          'phase',
          'strategies:\n  - { id: rsi, type: rsi_threshold, params: { period: 10, oversold: 25 } }\n',
        ),
      ),
    );
    expect(err.issues[0]!.code).toBe('CONFIG_MISMATCH');
    expect(err.message).toContain(
      "strategy 'rsi': period 10 where the store has 14, oversold 25 where the store has 30",
    );
  });

  it('refuses a store written by another engine version', async () => {
    const err = await catchConfigErrorAsync(() => loadWorkflow(replayConfig('version.yaml', 'old')));
    expect(err.issues[0]!.code).toBe('VERSION_MISMATCH');
    expect(err.message).toMatch(/written by engine version 0\.0\.1, this is \d+\.\d+\.\d+/);
  });

  it('replays each of them with replay.force: true (or the --force option), recording what differs', async () => {
    const forced = [
      await loadWorkflow(replayConfig('f1.yaml', 'short/signals'), { sets: ['replay.force=true'] }),
      await loadWorkflow(replayConfig('f2.yaml', 'old'), { force: true }),
      await loadWorkflow(
        replayConfig('f3.yaml', 'phase', 'strategies:\n  - { id: rsi, type: rsi_threshold, params: { period: 10 } }\n'),
        { force: true },
      ),
    ];
    expect(forced.map((l) => l.wf.replay?.forced.length)).toEqual([1, 1, 1]);
    expect(forced[0]!.wf.replay?.forced[0]).toContain('other data');
    expect(forced[1]!.wf.replay?.forced[0]).toContain('engine version 0.0.1');
    const { wf, plan } = forced[0]!;
    const outcome = await runPhase({ wf, plan, source: openWorkflowSource(wf), phaseDir: null, logger: silent });
    expect(outcome.status).toBe('completed');
    expect(outcome.containers.get('signals')!['forced']).toEqual(wf.replay?.forced);
    expect(outcome.books.every((b) => b.metrics.trade_count > 0)).toBe(true);
  });

  it('reports a store path with no store at its line and column', async () => {
    const err = await catchConfigErrorAsync(() => loadWorkflow(replayConfig('missing.yaml', 'no/such/folder')));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ code: 'FILE_NOT_FOUND', path: ['replay', 'store'], line: 4, col: 10 });
    expect(err.message).toContain(`no signal store at ${join(root, 'no/such/folder')}`);
  });

  it('reports a damaged store as such, at the store path', async () => {
    const damaged = join(root, 'damaged');
    cpSync(store, damaged, { recursive: true });
    writeFileSync(join(damaged, 'signals.parquet'), 'PAR1');
    const err = await catchConfigErrorAsync(() => loadWorkflow(replayConfig('damaged.yaml', 'damaged')));
    expect(err.issues[0]).toMatchObject({ code: 'INCONSISTENT', path: ['replay', 'store'] });
    expect(err.message).toContain(`cannot replay ${damaged}`);
  });

  it('reports the other replay mistakes, located', async () => {
    const noStore = await catchConfigErrorAsync(() =>
      loadWorkflow(file(root, 'nostore.yaml', `name: r\ntopology: signal_replay\n${DATA(SPY)}`)),
    );
    expect(noStore.issues[0]).toMatchObject({ code: 'MISSING_KEY', path: ['topology'] });
    expect(noStore.message).toContain('a signal replay reads a signal store, but the config names none');

    const unknown = await catchConfigErrorAsync(() =>
      loadWorkflow(replayConfig('unknown.yaml', 'phase'), { sets: ['replay.strategies=[sma_crossover_10_31]'] }),
    );
    expect(unknown.message).toContain("strategy 'sma_crossover_10_31' is not in the signal store");
    expect(unknown.message).toContain("did you mean 'sma_crossover_10_30'?");

    const notStored = await catchConfigErrorAsync(() =>
      loadWorkflow(replayConfig('notstored.yaml', 'phase', 'strategies:\n  - { type: ema_crossover }\n')),
    );
    expect(notStored.issues[0]).toMatchObject({ code: 'UNKNOWN_NAME', path: ['strategies', 0], line: 10 });

    const both = await catchConfigErrorAsync(() =>
      loadWorkflow(replayConfig('both.yaml', 'phase', 'strategies:\n  - { id: rsi, type: rsi_threshold }\n'), {
        sets: ['replay.strategies=[rsi]'],
      }),
    );
    expect(both.message).toContain('replay.strategies and strategies: both select the books');

    const backtest = await catchConfigErrorAsync(() =>
      loadWorkflow(file(root, 'bt.yaml', `name: r\nreplay:\n  store: phase\n${DATA(SPY)}`)),
    );
    expect(backtest.issues.map((i) => i.code)).toEqual(['MISSING_KEY', 'INVALID_VALUE']);
    expect(backtest.message).toContain("missing required key 'strategies'");
    expect(backtest.message).toContain(
      "replay is read only by a signal replay, but the topology 'backtest' has no signal_source container",
    );
  });

  it('validates replay_variants where they are written', async () => {
    const variants = `replay_variants:
  - { name: cheap, execution: { commission: { per_share: 0.001 } } }
  - { name: fixed, portfolio: { sizing: { type: fixed, quantity: -5 } } }
  - { name: cheap, risk: { stop_loss_pct: 1 } }
`;
    const err = await catchConfigErrorAsync(() => loadWorkflow(replayConfig('variants.yaml', 'phase', variants)));
    expect(err.issues.map((i) => [i.path.join('.'), i.line])).toEqual([
      ['replay_variants.1.portfolio.sizing.quantity', 11],
      ['replay_variants.2.name', 12],
    ]);
    const seq = await catchConfigErrorAsync(() =>
      loadWorkflow(
        replayConfig(
          'seq.yaml',
          'phase',
          `sequence: parameter_sweep\n${variants.split('\n').slice(0, 2).join('\n')}\n`,
        ),
      ),
    );
    expect(seq.message).toContain(
      "replay_variants run one single pass per variant, but the sequence is 'parameter_sweep'",
    );
    // '.' and '..' would write into the phase folder or above it (issue 19).
    for (const name of ['..', '.']) {
      const dots = await catchConfigErrorAsync(() =>
        loadWorkflow(
          replayConfig(
            `dots${name.length}.yaml`,
            'phase',
            `replay_variants:\n  - { name: '${name}', risk: { stop_loss_pct: 1 } }\n`,
          ),
        ),
      );
      expect(dots.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['replay_variants.0.name', "a variant name is a folder name: not '.' or '..'"],
      ]);
    }
    const windows = await catchConfigErrorAsync(() =>
      loadWorkflow(replayConfig('wf.yaml', 'phase', 'sequence: walk_forward\n')),
    );
    expect(windows.message).toContain(
      "a signal replay runs over the range its store was computed on, but sequence 'walk_forward' runs windows of it",
    );
  });
});

describe('overlaySection', () => {
  it('merges mappings key by key, but replaces one whose type or model changes', () => {
    const base = {
      initial_cash: 1e5,
      sizing: { type: 'percent_equity', percent: 95 },
      entry_order: { type: 'market', offset_bps: 0 },
    };
    expect(overlaySection(base, { sizing: { percent: 50 } })).toEqual({
      ...base,
      sizing: { type: 'percent_equity', percent: 50 },
    });
    expect(overlaySection(base, { sizing: { type: 'fixed', quantity: 10 } })).toEqual({
      ...base,
      sizing: { type: 'fixed', quantity: 10 },
    });
    const commission = { model: 'per_share', per_share: 0.005, minimum: 1 };
    expect(overlaySection({ commission }, { commission: { per_share: 0.01 } })).toEqual({
      commission: { ...commission, per_share: 0.01 },
    });
    expect(overlaySection({ commission }, { commission: { model: 'fixed', per_order: 1 } })).toEqual({
      commission: { model: 'fixed', per_order: 1 },
    });
    expect(base.sizing.percent).toBe(95);
  });
});
