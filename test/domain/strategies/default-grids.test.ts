import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../src/config/grid.ts';
import { STRATEGIES } from '../../../src/domain/registry.ts';

describe('default parameter grids', () => {
  it('every strategy has one', () => {
    expect([...STRATEGIES.values()].filter((d) => d.defaultGrid === undefined).map((d) => d.name)).toEqual([]);
  });

  for (const [name, def] of STRATEGIES) {
    it(`${name}: every combination of its default grid passes the params schema`, () => {
      const grid = def.defaultGrid ?? {};
      const combos = expandGrid({ ...grid }, { path: ['strategies', name, 'params'] });
      expect(combos.length).toBeGreaterThan(1);
      // Small enough to optimize over on a laptop.
      expect(combos.length).toBeLessThanOrEqual(200);
      for (const combo of combos) {
        const r = def.params.safeParse(combo);
        expect(r.success, `${JSON.stringify(combo)}: ${r.error?.message ?? ''}`).toBe(true);
      }
      // Every grid key is a real parameter (strict schemas would reject the rest anyway).
      expect(Object.keys(def.params.parse({}) as object)).toEqual(expect.arrayContaining(Object.keys(grid)));
    });
  }
});
