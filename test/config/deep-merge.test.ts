import { describe, expect, it } from 'vitest';
import { clonePlain, deepMerge, deepMergeAll, isPlainObject } from '../../src/config/deep-merge.ts';

describe('deepMerge', () => {
  it('merges mappings recursively; the override wins', () => {
    expect(deepMerge({ a: { x: 1, y: 2 }, b: 1 }, { a: { y: 3, z: 4 }, c: 5 })).toEqual({
      a: { x: 1, y: 3, z: 4 },
      b: 1,
      c: 5,
    });
  });

  it('replaces lists and scalars whole', () => {
    expect(deepMerge({ l: [1, 2, 3], s: 'a', m: { k: 1 } }, { l: [9], s: 2, m: 'flat' })).toEqual({
      l: [9],
      s: 2,
      m: 'flat',
    });
    expect(deepMerge({ m: 'flat' }, { m: { k: 1 } })).toEqual({ m: { k: 1 } });
  });

  it('does not erase for undefined, but null replaces', () => {
    expect(deepMerge({ a: 1, b: 2 }, { a: undefined, b: null })).toEqual({ a: 1, b: null });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('keeps key order: base keys first, then new ones', () => {
    expect(Object.keys(deepMerge({ b: 1, a: 1 }, { c: 1, a: 2 }) as object)).toEqual(['b', 'a', 'c']);
  });

  it('never mutates its inputs and shares nothing with them', () => {
    const base = { a: { x: [1, 2] }, keep: { deep: { v: 1 } } };
    const over = { a: { y: { z: 1 } }, list: [{ q: 1 }] };
    const baseCopy = structuredClone(base);
    const overCopy = structuredClone(over);
    const out = deepMerge(base, over) as typeof base & typeof over;
    expect(base).toEqual(baseCopy);
    expect(over).toEqual(overCopy);
    expect(out.keep).not.toBe(base.keep);
    expect(out.keep.deep).not.toBe(base.keep.deep);
    expect(out.a.x).not.toBe(base.a.x);
    expect(out.list[0]).not.toBe(over.list[0]);
    out.keep.deep.v = 99;
    expect(base.keep.deep.v).toBe(1);
  });

  it('treats a __proto__ key as data, not as a prototype', () => {
    const evil = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const out = deepMerge({}, evil) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });

  it('merges many layers left to right', () => {
    expect(deepMergeAll([{ p: { a: 1, b: 1 } }, { p: { b: 2 } }, undefined, { p: { c: 3 } }])).toEqual({
      p: { a: 1, b: 2, c: 3 },
    });
    expect(deepMergeAll([])).toBeUndefined();
  });
});

describe('isPlainObject / clonePlain', () => {
  it('tells plain objects from the rest', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });

  it('copies plain data deeply and keeps other objects by reference', () => {
    const d = new Date(0);
    const src = { a: [{ b: 1 }], d };
    const copy = clonePlain(src);
    expect(copy).toEqual(src);
    expect(copy.a[0]).not.toBe(src.a[0]);
    expect(copy.d).toBe(d);
  });
});
