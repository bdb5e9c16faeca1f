import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSignalStore } from '../../src/signals/read-store.ts';
import { sluice } from '../helpers/cli.ts';

const CONFIG = 'examples/spy-sma-crossover.yaml';
const grid = (fast: number[]) => ['--set', `strategies[0].params.fast_period=[${fast.join(', ')}]`];

describe('sluice signals --store', () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-cli-signals-'));
  const store = join(work, 'store');
  const out = join(work, 'results');
  const common = ['--store', store, '--out', out, '--log-level', 'warn'];

  it('writes a store, reuses it, grows it by one strategy, recomputes with --force, refuses other data', async () => {
    const first = await sluice(['signals', CONFIG, ...grid([5, 10]), ...common]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('20769 bars, 2 strategies');
    expect(first.stdout).toContain('signal store: 2 strategies: 0 reused, 2 computed');
    expect(first.stdout).toMatch(/signal store: 1738 signal rows, 0 regime rows in .*store/);
    expect(readdirSync(store).sort()).toEqual(['metadata.json', 'regimes.parquet', 'signals.parquet']);
    // The results folder records the run and where its store is.
    const [runDir] = readdirSync(out);
    expect(existsSync(join(out, runDir!, 'signal_generation', 'phase_summary.json'))).toBe(true);

    const again = await sluice(['signals', CONFIG, ...grid([5, 10]), ...common]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('signal store: 2 strategies: 2 reused, 0 computed');
    expect(again.stdout).not.toContain('signal changes computed'); // no graph ran

    const grown = await sluice(['signals', CONFIG, ...grid([5, 10, 15]), ...common]);
    expect(grown.code, grown.stderr).toBe(0);
    expect(grown.stdout).toContain('signal store: 3 strategies: 2 reused, 1 computed');
    const { meta, signals } = await readSignalStore(store);
    expect(meta.strategies.map((s) => s.id)).toEqual([
      'sma_crossover_5_30',
      'sma_crossover_10_30',
      'sma_crossover_15_30',
    ]);
    expect(signals).toHaveLength(meta.files.signals.rows);

    const forced = await sluice(['signals', CONFIG, ...grid([5, 10, 15]), ...common, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('signal store: 3 strategies: 0 reused, 3 computed');
    expect((await readSignalStore(store)).signals).toEqual(signals);

    const other = await sluice(['signals', CONFIG, ...grid([5, 10]), ...common, '--set', 'data.start=2024-06-01']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `signal store ${store} was computed from other data (range …–… → 2024-06-01T00:00:00.000Z–…)`,
    );
    expect(other.stderr).toContain('--force');
    expect(other.stderr).not.toMatch(/^\s+at /m);
    expect((await readSignalStore(store)).meta).toEqual(meta);
  }, 120_000);

  it('without --store writes a fresh store into the results folder', async () => {
    const res = await sluice(['signals', CONFIG, '--out', join(work, 'fresh'), '--log-level', 'warn']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('signal store: 1 strategy: 0 reused, 1 computed');
    const [runDir] = readdirSync(join(work, 'fresh'));
    const dir = join(work, 'fresh', runDir!, 'signal_generation', 'signals');
    expect((await readSignalStore(dir)).signals).toHaveLength(788);
  }, 60_000);
});
