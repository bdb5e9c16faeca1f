import { describe, expect, it } from 'vitest';
import { engineConflicts } from '../../scripts/check-engines.ts';

describe('package.json engines.node', () => {
  it('is accepted by every production package, so a dependency bump that raises the floor fails here', () => {
    const { floor, conflicts } = engineConflicts(process.cwd());
    expect(floor).toBe('>=20.16.0');
    expect(conflicts).toEqual([]);
  });

  it('finds the packages a lower floor would be false for', () => {
    // jsep 1.6 (config expressions) needs 20.16: the reason the floor is not plain 20.
    expect(engineConflicts(process.cwd(), '>=20').conflicts.map((c) => c.path)).toContain('node_modules/jsep');
  });
});
