import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadWorkflow } from '../../src/config/load-workflow.ts';
import { Rsi } from '../../src/domain/indicators/rsi.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { runConfig } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

describe('strategy filters', () => {
  it('gates entries: a position opens only on a bar where the filter holds, and exits are never filtered', async () => {
    const filter = 'signal > 0 and rsi(14) < 60 and volume > sma(volume, 20)';
    const outcome = await runConfig(CONFIG, { sets: ['topology=signal_generation', `strategies[0].filter=${filter}`] });
    expect(outcome.status).toBe('completed');
    const signals = outcome.signals!;
    // RSI(14) and SMA(volume, 20) computed here, independently of the hub.
    const bars = loadSpyBars();
    const rsi = new Rsi(14);
    const rsiAt: number[] = [];
    for (const b of bars) {
      rsi.update(b);
      rsiAt.push(rsi.value());
    }
    const volSma = (i: number) => (i < 19 ? NaN : bars.slice(i - 19, i + 1).reduce((s, b) => s + b.volume, 0) / 20);
    const longs = signals.filter((s) => s.direction === 1);
    expect(longs.length).toBeGreaterThan(50);
    for (const s of longs) {
      expect(rsiAt[s.seq]!).toBeLessThan(60);
      expect(bars[s.seq]!.volume).toBeGreaterThan(volSma(s.seq));
    }
    // signal > 0: a short signal never passes, so the strategy only goes long or flat.
    expect(signals.every((s) => s.direction >= 0)).toBe(true);
    // At most one entry per stretch the unfiltered strategy is long, so fewer entries ...
    const plain = await runConfig(CONFIG, { sets: ['topology=signal_generation'] });
    expect(longs.length).toBeLessThan(plain.signals!.filter((s) => s.direction === 1).length);
    // ... and no churn: every exit falls on a bar where the strategy itself changed its mind.
    const rawChanges = new Set(plain.signals!.map((s) => s.seq));
    const exits = signals.filter((s) => s.direction === 0);
    expect(exits.length).toBeGreaterThan(50);
    for (const s of exits) expect(rawChanges.has(s.seq), `exit at bar ${s.seq}`).toBe(true);
    // The features the filter calls are computed by the shared hub.
    const features = outcome.containers.get('features')!['features'] as string[];
    expect(features).toEqual(expect.arrayContaining(['rsi(period=14;close)', 'sma(period=20;volume)']));
    expect(outcome.containers.get('strategy_sma_crossover')!['filter']).toBe(filter);
  });

  it('locates an unknown indicator in a filter with a did-you-mean', async () => {
    await expect(loadWorkflow(CONFIG, { sets: ['strategies[0].filter=signal > 0 and rsii(14) < 70'] })).rejects.toSatisfy((err: unknown) => {
      const issue = (err as ConfigError).issues[0]!;
      return issue.message === "unknown function 'rsii'" && issue.hint === "did you mean 'rsi'?" && issue.path.join('.') === 'strategies.0.filter';
    });
  });

  it('explains bad indicator arguments', async () => {
    const err = await loadWorkflow(CONFIG, { sets: ['strategies[0].filter=rsi(-3) < 70'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]!.message).toMatch(/^rsi\(-3\): .*period/);
  });
});
