import { describe, expect, it } from 'vitest';
import { SpareColumns } from '../../../src/domain/columnar/spare-columns.ts';

describe('SpareColumns', () => {
  it('gives back an array handed in, of the same kind and length, zeroed', () => {
    const spare = new SpareColumns(1 << 20);
    const a = spare.takeFloat64(8);
    a.fill(3.5);
    const s = spare.takeInt8(8);
    s.fill(-1);
    spare.give([a, s]);
    expect(spare.held).toBe(8 * 8 + 8);
    const again = spare.takeFloat64(8);
    expect(again).toBe(a);
    expect([...again]).toEqual(Array(8).fill(0));
    const other = spare.takeFloat64(16);
    expect(other).not.toBe(a);
    expect(spare.takeInt8(8)).toBe(s);
    expect([...s]).toEqual(Array(8).fill(0));
    expect(spare.held).toBe(0);
  });

  it('hands each array out once, and keeps no more than its limit', () => {
    const spare = new SpareColumns(3 * 64);
    const arrays = [1, 2, 3, 4].map(() => new Float64Array(8));
    spare.give(arrays);
    expect(spare.held).toBe(3 * 64);
    const taken = [1, 2, 3, 4].map(() => spare.takeFloat64(8));
    expect(new Set(taken).size).toBe(4);
    expect(taken.filter((t) => arrays.some((a) => a === t))).toHaveLength(3);
  });
});
