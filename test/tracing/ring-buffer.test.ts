import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/tracing/ring-buffer.ts';
import { SlidingWindowRetention } from '../../src/tracing/sliding-window-retention.ts';
import { bar } from './trace-fixtures.ts';
import { mulberry32 } from '../helpers/prng.ts';

describe('RingBuffer', () => {
  it('never holds more than its capacity and always holds the newest items, in order (random push/shift sequences)', () => {
    const rand = mulberry32(20261123);
    for (let trial = 0; trial < 200; trial++) {
      const capacity = 1 + Math.floor(rand() * 17);
      const ring = new RingBuffer<number>(capacity);
      const model: number[] = [];
      let next = 0;
      let maxSize = 0;
      let mismatches = 0;
      const ops = Math.floor(rand() * 300);
      for (let op = 0; op < ops; op++) {
        if (rand() < 0.8) {
          const evicted = ring.push(next);
          model.push(next++);
          const expected = model.length > capacity ? model.shift() : undefined;
          if (evicted !== expected) mismatches++;
        } else if (ring.shift() !== model.shift()) mismatches++;
        maxSize = Math.max(maxSize, ring.size);
        if (ring.size !== model.length) mismatches++;
      }
      expect(maxSize).toBeLessThanOrEqual(capacity);
      expect(mismatches).toBe(0);
      expect(ring.toArray()).toEqual(model);
    }
  });

  it('evicts the oldest item once full', () => {
    const ring = new RingBuffer<string>(3);
    expect(['a', 'b', 'c'].map((x) => ring.push(x))).toEqual([undefined, undefined, undefined]);
    expect(ring.push('d')).toBe('a');
    expect(ring.toArray()).toEqual(['b', 'c', 'd']);
    expect(ring.capacity).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });
});

describe('SlidingWindowRetention', () => {
  it('holds at most max_events entries, always the newest, in order (any number of adds)', () => {
    for (const capacity of [1, 2, 7, 64]) {
      const window = new SlidingWindowRetention(capacity);
      let maxSize = 0;
      for (let k = 1; k <= 300; k++) {
        window.add({ traceSeq: k, route: 'bars', source: 'data', target: 'features', event: bar(k), link: -1 });
        maxSize = Math.max(maxSize, window.size);
        if (k % 37 === 0 || k === 300) {
          const expected = Array.from({ length: Math.min(k, capacity) }, (_, i) => k - Math.min(k, capacity) + 1 + i);
          expect(window.entries().map((e) => e.traceSeq)).toEqual(expected);
          expect(window.entries().map((e) => e.event.type === 'BAR' && e.event.seq)).toEqual(expected);
        }
      }
      expect(maxSize).toBe(capacity);
      expect(window.dropped).toBe(300 - capacity);
    }
  });
});
