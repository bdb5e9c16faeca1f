import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../src/config/deep-merge.ts';
import { overlay, overlayAll } from '../../src/config/overlay.ts';
import { applySetOverrides } from '../../src/config/set-override.ts';

/** True when every object and array reachable from `value` is frozen. */
function deepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(deepFrozen);
}

const base = () => ({
  data: { file: 'spy.csv', symbols: ['SPY'] },
  strategies: [{ type: 'sma_crossover', params: { fast_period: 5, slow_period: 20 } }],
  portfolio: { initial_cash: 100_000, sizing: { mode: 'fixed', quantity: 100 } },
});

describe('overlay', () => {
  it('merges as deepMerge does', () => {
    const cases: [unknown, unknown][] = [
      [
        { a: { x: 1, y: 2 }, b: 1 },
        { a: { y: 3, z: 4 }, c: 5 },
      ],
      [
        { l: [1, 2, 3], s: 'a', m: { k: 1 } },
        { l: [9], s: 2, m: 'flat' },
      ],
      [{ m: 'flat' }, { m: { k: 1 } }],
      [
        { a: 1, b: 2 },
        { a: undefined, b: null },
      ],
      [{ a: 1 }, undefined],
      [undefined, { a: { b: 1 } }],
      [base(), { portfolio: { sizing: { quantity: 50 } }, results: { storage: 'disk' } }],
    ];
    for (const [b, o] of cases) expect(overlay(b, o)).toEqual(deepMerge(b, o));
    expect(Object.keys(overlay({ b: 1, a: 1 }, { c: 1, a: 2 }))).toEqual(['b', 'a', 'c']);
  });

  it('returns a deep-frozen value', () => {
    const out = overlay(base(), { portfolio: { sizing: { quantity: 50 } }, extra: { list: [{ q: 1 }] } });
    expect(deepFrozen(out)).toBe(true);
    expect(() => {
      (out.portfolio.sizing as { quantity: number }).quantity = 1;
    }).toThrow(TypeError);
  });

  it('leaves the base untouched and shares every subtree the overlay does not change', () => {
    const b = base();
    const before = structuredClone(b);
    const layer = { portfolio: { sizing: { quantity: 50 } } };
    const out = overlay(b, layer);
    expect(b).toEqual(before);
    expect(out.portfolio.sizing.quantity).toBe(50);
    // Untouched branches are the base's own objects; the changed path is new.
    expect(out.data).toBe(b.data);
    expect(out.strategies).toBe(b.strategies);
    expect(out.portfolio).not.toBe(b.portfolio);
    expect(out.portfolio.sizing).not.toBe(b.portfolio.sizing);
    // The layer's objects are copied in, never adopted (and so never frozen).
    const list = { items: [1, 2] };
    const withList = overlay(b, { extra: list });
    expect((withList as unknown as { extra: unknown }).extra).not.toBe(list);
    expect(Object.isFrozen(list)).toBe(false);
  });

  it('layers left to right', () => {
    const out = overlayAll([{ p: { a: 1, b: 1 } }, { p: { b: 2 } }, undefined, { p: { c: 3 } }]);
    expect(out).toEqual({ p: { a: 1, b: 2, c: 3 } });
    expect(deepFrozen(out)).toBe(true);
  });

  it('treats a __proto__ key as data, frozen all the same', () => {
    const evil = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const out = overlay({ keep: 1 }, evil) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['keep', '__proto__']);
    expect(Object.isFrozen(out)).toBe(true);
  });
});

describe('applySetOverrides with immer', () => {
  it('returns a frozen value that shares the branches no override goes through', () => {
    const b = base();
    const before = structuredClone(b);
    const out = applySetOverrides(b, ['strategies[0].params.fast_period=8', 'results.storage=disk']);
    expect(b).toEqual(before);
    expect(out.strategies[0]!.params.fast_period).toBe(8);
    expect((out as unknown as { results: unknown }).results).toEqual({ storage: 'disk' });
    expect(deepFrozen(out)).toBe(true);
    expect(out.data).toBe(b.data);
    expect(out.portfolio).toBe(b.portfolio);
    expect(out.strategies).not.toBe(b.strategies);
  });

  it('keeps a __proto__ key in a path as data', () => {
    const out = applySetOverrides({ a: {} }, ['a["__proto__"].x=1']) as unknown as { a: Record<string, unknown> };
    expect(Object.keys(out.a)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.isFrozen(out.a)).toBe(true);
  });
});
