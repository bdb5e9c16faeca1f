import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { runConfig } from '../helpers/run.ts';
import { runClassifier } from '../domain/classifiers/run-classifier.ts';

/**
 * A strategy with no features that records, on every bar, the regime its context holds
 * when its FEATURES event arrives. It never signals.
 */
function probe(seen: string[]): StrategyDefinition {
  return {
    name: 'regime_probe',
    description: 'records the regime it sees',
    params: z.strictObject({}),
    features: () => [],
    create: () => (_features, bar, context) => {
      seen[bar.index] = context?.regimes['trend'] ?? 'no context';
      return null;
    },
  };
}

const CLASSIFIER = '{ id: trend, type: trend_regime, params: { period: 10, ma: sma, ma_period: 20, slope_bars: 2 } }';
const bars = loadSpyBars();
// The regime in force after each bar: the last label so far ('' before the first).
let current = '';
const expected = runClassifier('trend_regime', { period: 10, ma: 'sma', ma_period: 20, slope_bars: 2 }, bars).map(
  (l) => (current = l ?? current),
);

const dir = mkdtempSync(join(tmpdir(), 'sluice-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seenWith(sets: string[], patternDirs: string[] = []): Promise<string[]> {
  const seen: string[] = [];
  const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
    sets: [`classifiers=[${CLASSIFIER}]`, 'strategies[0].type=regime_probe', 'strategies[0].params={}', ...sets],
    strategies: new Map([['regime_probe', probe(seen)]]),
    patternDirs,
  });
  expect(outcome.status).toBe('completed');
  return seen;
}

describe('a regime reaches the strategies before their features of the same bar', () => {
  it.each(['backtest', 'signal_generation'])(
    '%s: the strategy sees, at bar t, the regime computed from bar t',
    async (topology) => {
      const seen = await seenWith([`topology=${topology}`]);
      expect(seen.length).toBe(bars.length);
      const changes = expected.filter((l, t) => t > 0 && l !== expected[t - 1]).length;
      expect(changes).toBeGreaterThan(20);
      expect(seen).toEqual(expected.slice(0, seen.length));
    },
  );

  it('listing the classifier after the strategies would make them see it one bar late', async () => {
    // The same backtest pattern with the broadcast order swapped: the test above would catch it.
    const patterns = join(dir, 'topologies');
    mkdirSync(patterns, { recursive: true });
    const original = readFileSync('patterns/topologies/backtest.yaml', 'utf8');
    const swapped = original
      .replace('name: backtest', 'name: late_regimes')
      .replace('to: [classifier, strategy]', 'to: [strategy, classifier]');
    expect(swapped).not.toBe(original);
    writeFileSync(join(patterns, 'late_regimes.yaml'), swapped);
    const seen = await seenWith(['topology=late_regimes'], [dir]);
    const lagged = ['', ...expected.slice(0, seen.length - 1)];
    expect(seen).toEqual(lagged);
    expect(seen).not.toEqual(expected.slice(0, seen.length));
  });
});
