import { describe, expect, it } from 'vitest';
import { pieceSize } from '../../src/sequencer/piece-size.ts';

/** The pieces a pool hands out, in order, for `total` combinations. */
function pieces(total: number, shardSize: number, threads: number): number[] {
  const out: number[] = [];
  for (let left = total; left > 0; left -= out.at(-1)!) out.push(pieceSize(left, shardSize, threads));
  return out;
}

describe('pieceSize', () => {
  it('hands out whole shards while plenty remain, then shrinking pieces down to a quarter shard', () => {
    expect(pieces(2000, 250, 2)).toEqual([250, 250, 250, 250, 250, 188, 141, 106, 79, 63, 63, 63, 47]);
  });

  it('covers every combination exactly once and never exceeds the shard size', () => {
    for (const [total, shard, threads] of [
      [1, 1, 2],
      [6, 2, 2],
      [999, 100, 3],
      [10_000, 250, 8],
    ] as const) {
      const p = pieces(total, shard, threads);
      expect(p.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...p)).toBeLessThanOrEqual(shard);
      expect(Math.min(...p.slice(0, -1))).toBeGreaterThanOrEqual(Math.ceil(shard / 4));
    }
  });
});
