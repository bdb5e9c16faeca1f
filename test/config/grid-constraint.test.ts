import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { expandGrid } from '../../src/config/grid.ts';
import { getStrategy } from '../../src/domain/registry.ts';

const FILE = 'test/fixtures/configs/grid-constraint.yaml';

async function configError(sets: string[]): Promise<ConfigError> {
  try {
    await loadWorkflow(FILE, { sets });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('grid constraints and default grids', () => {
  it('keeps only the combinations that satisfy the constraint', async () => {
    const { wf } = await loadWorkflow(FILE);
    const pairs = wf.strategies.map((s) => [s.params['fast_period'], s.params['slow_period']]);
    // slow > 2 × fast: (5,20) (5,30) (5,40) (10,30) (10,40) (15,40) — by hand.
    expect(pairs).toEqual([
      [5, 20],
      [5, 30],
      [5, 40],
      [10, 30],
      [10, 40],
      [15, 40],
    ]);
  });

  it('locates a mistake inside the constraint at its character', async () => {
    const err = await configError(['strategies[0].constraint=slow_period > 2 * fast_perod']);
    const issue = err.issues[0]!;
    expect(issue.message).toBe("unknown name 'fast_perod'");
    expect(issue.hint).toBe("did you mean 'fast_period'?");
    expect(issue.path).toEqual(['strategies', 0, 'constraint']);
  });

  it('without a constraint, names the grid combination that breaks a strategy rule', async () => {
    const err = await configError([
      'strategies[0].constraint=slow_period > 0',
      'strategies[0].params.fast_period=[5, 50]',
    ]);
    const issue = err.issues[0]!;
    expect(issue.message).toBe('slow_period must be greater than fast_period');
    expect(issue.hint).toBe(
      'the grid combination fast_period=50, slow_period=10 breaks it; add a constraint: to skip such combinations',
    );
  });

  it('says so when the constraint rules out every combination', async () => {
    const err = await configError(['strategies[0].constraint=slow_period > 100']);
    expect(err.issues[0]!.message).toMatch(/rules out all 20 combinations/);
  });

  it("grid: default expands the strategy's default grid, params override it", async () => {
    const def = getStrategy('sma_crossover');
    expect(def.defaultGrid).toBeDefined();
    const expected = expandGrid({ ...def.defaultGrid!, fast_period: 10 }, { path: [] }).filter(
      (c) => (c['slow_period'] as number) > 10,
    );
    const { wf } = await loadWorkflow(FILE, {
      sets: [
        'strategies[0].grid=default',
        'strategies[0].params={fast_period: 10}',
        'strategies[0].constraint=slow_period > fast_period',
      ],
    });
    expect(wf.strategies.length).toBe(expected.length);
    expect(wf.strategies.every((s) => s.params['fast_period'] === 10)).toBe(true);
  });
});
