import { describe, expect, it } from 'vitest';
import { notRunView, withPhaseView, type ResultsState } from '../../src/coordinator/phase-view.ts';

describe('withPhaseView', () => {
  it('adds a phase as a new frozen state that shares the other views, the params and the config', () => {
    const start: ResultsState = {
      phases: {},
      params: { lookback: 20 },
      config: { name: 'wf', data: { file: 'spy.csv' } },
      iteration: 1,
    };
    const one = withPhaseView(start, notRunView('optimize', 'skipped', 'no data'));
    const two = withPhaseView(one, notRunView('validate', 'skipped', 'depends on optimize'));

    expect(Object.keys(start.phases)).toEqual([]); // the earlier state is a snapshot
    expect(Object.keys(one.phases)).toEqual(['optimize']);
    expect(Object.keys(two.phases)).toEqual(['optimize', 'validate']);
    expect(two.phases['optimize']).toBe(one.phases['optimize']);
    expect(two.params).toBe(start.params);
    expect(two.config).toBe(start.config);
    expect(Object.isFrozen(two)).toBe(true);
    expect(Object.isFrozen(two.phases)).toBe(true);
    expect(Object.isFrozen(two.phases['validate']!.metrics)).toBe(true);
    expect(() => {
      (two.phases as Record<string, unknown>)['late'] = null;
    }).toThrow(TypeError);
  });
});
