import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { catchConfigErrorAsync } from './catch-config-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-rotation-config-'));
for (const s of ['AAA', 'BBB'])
  writeFileSync(
    join(dir, `${s}.csv`),
    'timestamp,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n2024-01-03,1,1,1,1,100\n',
  );

/** A two-symbol config with `strategies` (and `extra`) as given, loaded from a file in `dir`. */
function load(strategies: string, extra = '', topology = 'backtest') {
  const text = `name: r
topology: ${topology}
data:
  sources:
    - { symbol: AAA, path: AAA.csv }
    - { symbol: BBB, path: BBB.csv }
  timeframe: 1d
strategies:
${strategies}
${extra}`;
  return loadWorkflow(join(dir, 'r.yaml'), { text });
}

describe('rotation in a config', () => {
  it('loads with its params and defaults', async () => {
    const { wf } = await load(
      '  - type: rotation\n    params: { rank_by: momentum(20), top_n: 2, rebalance: { every: session } }',
    );
    expect(wf.strategies[0]!.params).toMatchObject({
      rank_by: 'momentum(20)',
      top_n: 2,
      weights: 'equal',
      rebalance: { every: 'session' },
      gross_exposure: 1,
      max_weight: 1,
    });
  });

  it('top_n above the number of symbols is an error at top_n', async () => {
    const err = await catchConfigErrorAsync(() => load('  - type: rotation\n    params: { top_n: 3 }'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      path: ['strategies', 0, 'params', 'top_n'],
      line: 10,
      message: 'top_n is 3, but the data has 2 symbols (AAA, BBB)',
    });
  });

  it('an unknown feature is an error at rank_by, with a did-you-mean', async () => {
    const err = await catchConfigErrorAsync(() => load('  - type: rotation\n    params:\n      rank_by: rocc(60)'));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: ['strategies', 0, 'params', 'rank_by'], line: 11, col: 16 });
    expect(err.issues[0]!.message).toMatch(/unknown indicator 'rocc'.*did you mean 'roc'/);
    const bad = await catchConfigErrorAsync(() => load('  - type: rotation\n    params:\n      rank_by: roc(60'));
    expect(bad.issues[0]).toMatchObject({ path: ['strategies', 0, 'params', 'rank_by'], line: 11 });
  });

  it('cannot be a member of a composite or take a filter', async () => {
    const member = await catchConfigErrorAsync(() => load('  - type: ensemble\n    members: [ { type: rotation } ]'));
    expect(member.issues[0]).toMatchObject({ path: ['strategies', 0, 'members', 0, 'type'] });
    expect(member.issues[0]!.message).toMatch(/cannot be a member or regime/);
    const filtered = await catchConfigErrorAsync(() => load('  - type: rotation\n    filter: rsi(14) > 50'));
    expect(filtered.issues[0]).toMatchObject({ path: ['strategies', 0, 'filter'] });
  });

  it('runs where signals are stored: its targets are recorded (test/integration/rotation-replay.test.ts replays them)', async () => {
    const { wf } = await load('  - type: rotation', '', 'signal_generation');
    expect(wf.strategies[0]!.type).toBe('rotation');
  });
});
