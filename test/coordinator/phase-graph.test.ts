import { describe, expect, it } from 'vitest';
import { ancestors, orderPhases, runInOrder, type PhaseNode } from '../../src/coordinator/phase-graph.ts';

const node = (name: string, hard: string[] = [], soft: string[] = []): PhaseNode => ({ name, hard, soft });

describe('orderPhases', () => {
  it('orders by dependencies, declaration order among the ready', () => {
    const r = orderPhases([
      node('validate', ['optimize']),
      node('report', ['validate', 'screen']),
      node('optimize'),
      node('screen', [], ['optimize']),
    ]);
    expect(r).toEqual({ order: ['optimize', 'validate', 'screen', 'report'] });
  });

  it('ignores edges to phases outside the group', () => {
    expect(orderPhases([node('b', ['main_phase']), node('a')])).toEqual({ order: ['b', 'a'] });
  });

  it('names a cycle, soft edges included', () => {
    expect(orderPhases([node('optimize', ['validate']), node('validate', ['optimize'])])).toEqual({
      cycle: ['optimize', 'validate', 'optimize'],
    });
    expect(orderPhases([node('a'), node('b', [], ['d']), node('c', ['b']), node('d', ['c'])])).toEqual({
      cycle: ['b', 'd', 'c', 'b'],
    });
  });

  it('ancestors follow both kinds of edges', () => {
    expect([...ancestors('c', [node('a'), node('b', ['a']), node('c', [], ['b'])])].sort()).toEqual(['a', 'b']);
  });
});

describe('runInOrder', () => {
  const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs independent phases side by side, never more than the limit, each after its dependencies', async () => {
    const nodes = [node('a'), node('b'), node('c'), node('d', ['a', 'b']), node('e', ['d'])];
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const results = await runInOrder(['a', 'b', 'c', 'd', 'e'], nodes, 2, async (name) => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${name}`);
      await delay(name === 'a' ? 30 : 5);
      log.push(`end ${name}`);
      running--;
      return name.toUpperCase();
    });
    expect(peak).toBe(2);
    expect([...results.entries()]).toEqual([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
      ['d', 'D'],
      ['e', 'E'],
    ]);
    expect(log.indexOf('start d')).toBeGreaterThan(log.indexOf('end a'));
    expect(log.indexOf('start d')).toBeGreaterThan(log.indexOf('end b'));
    expect(log.indexOf('start e')).toBeGreaterThan(log.indexOf('end d'));
  });

  it('results come back in the given order whatever finishes first', async () => {
    const results = await runInOrder(['slow', 'fast'], [node('slow'), node('fast')], 2, async (name) => {
      await delay(name === 'slow' ? 20 : 1);
      return name;
    });
    expect([...results.keys()]).toEqual(['slow', 'fast']);
  });

  it('surfaces a task that throws, after the running ones settle', async () => {
    let finished = false;
    await expect(
      runInOrder(['a', 'b'], [node('a'), node('b')], 2, async (name) => {
        if (name === 'a') throw new Error('boom');
        await delay(10);
        finished = true;
        return name;
      }),
    ).rejects.toThrow('boom');
    expect(finished).toBe(true);
  });
});
