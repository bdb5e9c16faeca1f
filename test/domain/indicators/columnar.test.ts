import { describe, expect, it } from 'vitest';
import type { BarColumnsInput, Indicator, PriceInput } from '../../../src/domain/indicators/indicator.ts';
import { INDICATORS } from '../../../src/domain/registry.ts';
import { loadSpyBars } from '../../helpers/spy.ts';

// The columnar form (Indicator.updateColumns) against update bar by bar, over real SPY
// bars cut into chunks of uneven lengths, the warm-up included: every value must be the
// same double (Object.is: NaN equals NaN, 0 and -0 differ), and the two forms must be
// able to take turns chunk after chunk (same state after either).

const bars = loadSpyBars(3000);
const columns: BarColumnsInput = {
  ts: Float64Array.from(bars, (b) => b.ts),
  open: Float64Array.from(bars, (b) => b.open),
  high: Float64Array.from(bars, (b) => b.high),
  low: Float64Array.from(bars, (b) => b.low),
  close: Float64Array.from(bars, (b) => b.close),
  volume: Float64Array.from(bars, (b) => b.volume),
};
// Chunk lengths: single bars (every row a boundary), chunks shorter and longer than the
// warm-ups, a chunk ending exactly on an SMA ring's wrap (10 × 30), and the rest.
const CHUNKS = [1, 1, 3, 5, 8, 2, 300, 1, 29, 700, 4, 1000];

// Params for the indicators whose schema has no default period.
const PARAMS: Readonly<Record<string, Record<string, unknown>>> = {
  sma: { period: 10 },
  ema: { period: 10 },
  wma: { period: 10 },
  smma: { period: 10 },
  rma: { period: 10 },
  dema: { period: 10 },
  tema: { period: 10 },
  hma: { period: 10 },
  zlema: { period: 10 },
  roc: { period: 10 },
  stddev: { period: 10 },
  highest: { period: 10 },
  lowest: { period: 10 },
};

function make(name: string, input: PriceInput, params: Record<string, unknown> = PARAMS[name] ?? {}): Indicator {
  const def = INDICATORS.get(name)!;
  return def.create(def.params.parse(params), input);
}

/** Every output after every bar, through update. */
function perBar(ind: Indicator, outputs: number): Float64Array[] {
  const out = Array.from({ length: outputs }, () => new Float64Array(bars.length));
  bars.forEach((bar, b) => {
    ind.update(bar);
    for (let o = 0; o < outputs; o++) out[o]![b] = ind.value(o);
  });
  return out;
}

/** The same through chunks; `turns`: every other chunk goes through update instead. */
function chunked(ind: Indicator, outputs: number, turns: boolean): Float64Array[] {
  const out = Array.from({ length: outputs }, () => new Float64Array(bars.length));
  let from = 0;
  for (let c = 0; from < bars.length; c++) {
    const length = Math.min(CHUNKS[c % CHUNKS.length]!, bars.length - from);
    if (turns && c % 2 === 1) {
      for (let b = from; b < from + length; b++) {
        ind.update(bars[b]!);
        for (let o = 0; o < outputs; o++) out[o]![b] = ind.value(o);
      }
    } else {
      const view = (a: Float64Array) => a.subarray(from, from + length);
      const chunk: BarColumnsInput = {
        ts: view(columns.ts),
        open: view(columns.open),
        high: view(columns.high),
        low: view(columns.low),
        close: view(columns.close),
        volume: view(columns.volume),
      };
      ind.updateColumns!(
        chunk,
        length,
        out.map((col) => col.subarray(from, from + length)),
      );
    }
    from += length;
  }
  return out;
}

function expectSame(actual: Float64Array[], expected: Float64Array[], label: string): void {
  for (let o = 0; o < expected.length; o++) {
    for (let b = 0; b < bars.length; b++) {
      const a = actual[o]![b]!;
      const e = expected[o]![b]!;
      if (!Object.is(a, e)) expect.fail(`${label} output ${o} bar ${b}: columnar ${a}, per bar ${e}`);
    }
  }
}

const columnar = [...INDICATORS.values()].filter((d) => make(d.name, 'close').updateColumns !== undefined);

describe('the columnar form of indicators', () => {
  it('is offered by the moving averages the fused path leans on, and by every price indicator', () => {
    const names = columnar.map((d) => d.name);
    for (const name of ['sma', 'ema', 'smma', 'rma', 'wma', 'rsi', 'macd', 'bbands']) expect(names).toContain(name);
    for (const d of INDICATORS.values()) if (d.reads === 'price') expect(names).toContain(d.name);
  });

  for (const def of columnar) {
    for (const input of ['close', 'hl2'] as const) {
      it(`${def.name} (${input}): the same doubles as update, across chunk boundaries`, () => {
        const expected = perBar(make(def.name, input), def.outputs.length);
        expectSame(chunked(make(def.name, input), def.outputs.length, false), expected, `${def.name} chunks`);
        expectSame(chunked(make(def.name, input), def.outputs.length, true), expected, `${def.name} taking turns`);
      });
    }
  }

  it('sma: a long period wraps its ring (and re-sums) inside and across chunks', () => {
    for (const period of [1, 2, 30, 250]) {
      const expected = perBar(make('sma', 'close', { period }), 1);
      expectSame(chunked(make('sma', 'close', { period }), 1, false), expected, `sma(${period})`);
    }
  });

  it('writes no output nobody reads, and still advances', () => {
    const ind = make('sma', 'close');
    ind.updateColumns!(columns, 20, [undefined]);
    const ref = make('sma', 'close');
    for (let b = 0; b < 20; b++) ref.update(bars[b]!);
    expect(ind.value()).toBe(ref.value());
  });
});
