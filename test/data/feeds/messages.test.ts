import fc from 'fast-check';
import { parseCamel } from '../../../src/config/schema-keys.ts';
import { describe, expect, it } from 'vitest';
import { FeedMappingSchema } from '../../../src/config/schema/live.ts';
import { BarIngest } from '../../../src/data/bar-ingest.ts';
import { encodeBar, MAX_MESSAGE_BYTES, MessageDecoder } from '../../../src/data/feeds/messages.ts';

const T = Date.parse('2024-03-26T13:30:00Z');

describe('the sluice feed format', () => {
  it('encodes a bar and decodes it back to the very same doubles', () => {
    const text = encodeBar('SPY', T, 0.2, 0.4, 0.1, 0.1 + 0.2, 888901);
    expect(JSON.parse(text)).toEqual({
      type: 'bar',
      symbol: 'SPY',
      ts: '2024-03-26T13:30:00.000Z',
      open: 0.2,
      high: 0.4,
      low: 0.1,
      close: 0.30000000000000004,
      volume: 888901,
    });
    const [item] = new MessageDecoder().decode(text);
    expect(item).toEqual({
      kind: 'bar',
      symbol: 'SPY',
      ts: T,
      open: 0.2,
      high: 0.4,
      low: 0.1,
      close: 0.1 + 0.2,
      volume: 888901,
    });
  });

  it('writes a missing volume as null and reads it back as NaN', () => {
    const text = encodeBar('SPY', T, 1, 1, 1, 1, Number.NaN);
    expect(text).toContain('"volume":null');
    const [item] = new MessageDecoder().decode(text);
    expect(item).toMatchObject({ kind: 'bar', volume: Number.NaN });
  });

  it('reads trades, the end message, and other types as neither data nor error', () => {
    const d = new MessageDecoder();
    expect(
      d.decode('{"type":"trade","symbol":"SPY","ts":"2024-03-26T13:30:01.5Z","price":"521.3","size":100}'),
    ).toEqual([{ kind: 'trade', symbol: 'SPY', ts: T + 1500, price: 521.3, size: 100 }]);
    expect(d.decode('{"type":"end","reason":"complete","bars":3}')).toEqual([{ kind: 'end', reason: 'complete' }]);
    expect(d.decode('{"type":"hello","feed":"sluice-replay"}')).toEqual([{ kind: 'other', type: 'hello' }]);
  });

  it('reads an array message as several messages', () => {
    const items = new MessageDecoder().decode(
      `[${encodeBar('SPY', T, 1, 2, 1, 2, 5)},${encodeBar('QQQ', T, 3, 3, 3, 3, 1)}]`,
    );
    expect(items.map((i) => (i.kind === 'bar' ? i.symbol : i.kind))).toEqual(['SPY', 'QQQ']);
  });

  it.each([
    ['not json', 'not JSON'],
    ['42', 'not a JSON object'],
    ['{"symbol":"SPY"}', 'no type field'],
    ['{"type":"bar","ts":"2024-03-26T13:30:00Z","open":1,"high":1,"low":1,"close":1,"volume":1}', 'no symbol field'],
    ['{"type":"bar","symbol":"SPY","ts":"yesterday","open":1,"high":1,"low":1,"close":1}', 'not a timestamp'],
    [
      '{"type":"bar","symbol":"SPY","ts":"2024-03-26T13:30:00Z","open":1,"high":1,"low":1,"close":"abc"}',
      'positive numbers',
    ],
    [
      '{"type":"bar","symbol":"SPY","ts":"2024-03-26T13:30:00Z","open":2,"high":1,"low":1,"close":1}',
      'inconsistent bar',
    ],
    [
      '{"type":"bar","symbol":"SPY","ts":"2024-03-26T13:30:00Z","open":1,"high":1,"low":1,"close":1,"volume":-5}',
      'volume',
    ],
    ['{"type":"trade","symbol":"SPY","ts":"2024-03-26T13:30:00Z","price":0}', 'price'],
  ])('reports %s as malformed (%s), never throws', (text, reason) => {
    const [item] = new MessageDecoder().decode(text);
    expect(item?.kind).toBe('malformed');
    expect(item?.kind === 'malformed' ? item.reason : '').toContain(reason);
  });
});

describe('a configured message mapping', () => {
  it('reads nested fields, epoch seconds, quoted numbers and a type per value list', () => {
    const mapping = parseCamel(FeedMappingSchema, {
      type_field: 'ev',
      bar_types: ['AM', 'bar'],
      end_types: ['eod'],
      symbol: 'sym',
      ts: 'bar.t',
      ts_format: 'epoch_s',
      open: 'bar.o',
      high: 'bar.h',
      low: 'bar.l',
      close: 'bar.c',
      volume: 'bar.v',
    });
    const d = new MessageDecoder(mapping);
    expect(
      d.decode(JSON.stringify({ ev: 'AM', sym: 'SPY', bar: { t: T / 1000, o: '1.5', h: 2, l: 1, c: 1.75, v: 10 } })),
    ).toEqual([{ kind: 'bar', symbol: 'SPY', ts: T, open: 1.5, high: 2, low: 1, close: 1.75, volume: 10 }]);
    expect(d.decode('{"ev":"eod"}')).toEqual([{ kind: 'end', reason: 'end' }]);
  });

  it('without a type field, every message is a bar of the default symbol; end-stamped bars move to their start', () => {
    const mapping = parseCamel(FeedMappingSchema, {
      type_field: null,
      symbol: null,
      bar_ts: 'end',
      ts_format: 'epoch_ms',
    });
    const d = new MessageDecoder(mapping, 'BTC', '1m');
    expect(d.decode(JSON.stringify({ ts: T + 60_000, open: 1, high: 1, low: 1, close: 1 }))).toEqual([
      { kind: 'bar', symbol: 'BTC', ts: T, open: 1, high: 1, low: 1, close: 1, volume: Number.NaN },
    ]);
  });

  it('auto timestamps: ISO strings and epoch numbers told by magnitude, as bar files', () => {
    const d = new MessageDecoder();
    const bar = (ts: unknown) =>
      d.decode(JSON.stringify({ type: 'bar', symbol: 'X', ts, open: 1, high: 1, low: 1, close: 1 }))[0];
    for (const ts of [T / 1000, T, T * 1000, '2024-03-26 13:30:00+00:00', '2024-03-26T09:30:00-04:00'])
      expect(bar(ts)).toMatchObject({ kind: 'bar', ts: T });
  });
});

describe('hostile messages (issue 19): malformed, never thrown, never passed on', () => {
  const d = new MessageDecoder();
  const bar = (fields: Record<string, unknown>): string =>
    JSON.stringify({
      type: 'bar',
      symbol: 'SPY',
      ts: '2024-03-26T13:30:00Z',
      open: 1,
      high: 2,
      low: 1,
      close: 2,
      volume: 10,
      ...fields,
    });
  const reasons = (text: string): string[] =>
    d.decode(text).map((i) => (i.kind === 'malformed' ? i.reason : `not malformed: ${i.kind}`));

  it.each([
    ['5,000 nested arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['5,000 nested arrays, unclosed', '['.repeat(5000)],
    ['5,000 nested objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
    ['an array of 5,000 nested arrays', `[${'['.repeat(5000)}${']'.repeat(5000)}]`],
  ])('%s: malformed, nesting too deep', (_, text) => {
    const out = reasons(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/nested|not JSON/);
  });

  it('refuses a message longer than the limit without parsing it', () => {
    const text = bar({ note: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(reasons(text)).toEqual([
      expect.stringContaining(`longer than ${MAX_MESSAGE_BYTES.toLocaleString('en-US')} bytes`),
    ]);
  });

  it.each([
    ['ts: 1e30', { ts: 1e30 }],
    ['ts: "1e30"', { ts: '1e30' }],
    ['ts: -1e30', { ts: -1e30 }],
    ['ts in the year 9999', { ts: '9999-12-31T00:00:00Z' }],
    ['ts before 1900', { ts: '1800-01-01' }],
  ])('%s: timestamp out of range', (_, fields) => {
    expect(reasons(bar(fields))).toEqual([expect.stringMatching(/timestamp|range/)]);
  });

  it.each(['open', 'high', 'close', 'volume'])('%s 1e400 (Infinity) is malformed, as in a bar file', (field) => {
    const text = bar({}).replace(new RegExp(`"${field}":\\d+`), `"${field}":1e400`);
    expect(text).toContain('1e400');
    expect(reasons(text)).toEqual([expect.stringContaining('finite')]);
  });

  it('a trade with an infinite price or size is malformed', () => {
    expect(reasons('{"type":"trade","symbol":"SPY","ts":"2024-03-26T13:30:00Z","price":1e400,"size":1}')).toEqual([
      expect.stringContaining('finite'),
    ]);
    expect(reasons('{"type":"trade","symbol":"SPY","ts":"2024-03-26T13:30:00Z","price":1,"size":1e400}')).toEqual([
      expect.stringContaining('finite'),
    ]);
  });

  it("checks a bar by the file sources' rule (data/bar-check.ts), naming the field by its mapped path", () => {
    const kline = new MessageDecoder(
      parseCamel(FeedMappingSchema, {
        type_field: 'e',
        bar_types: ['kline'],
        end_types: [],
        symbol: 'k.s',
        ts: 'k.t',
        ts_format: 'epoch_ms',
        open: 'k.o',
        high: 'k.h',
        low: 'k.l',
        close: 'k.c',
        volume: 'k.v',
      }),
    );
    const k = (fields: Record<string, unknown>): string[] =>
      kline
        .decode(
          JSON.stringify({ e: 'kline', k: { s: 'BTCUSDT', t: T, o: '1', h: '2', l: '1', c: '2', v: '10', ...fields } }),
        )
        .map((i) => (i.kind === 'malformed' ? i.reason : i.kind));
    expect(k({})).toEqual(['bar']);
    expect(k({ c: 'abc' })).toEqual(['open, high, low and close must be positive numbers: k.c is "abc"']);
    expect(k({ o: '-1' })).toEqual(['open, high, low and close must be positive numbers: k.o is "-1"']);
    expect(k({ v: 'many' })).toEqual(['k.v: expected a number ≥ 0, got "many"']);
    expect(k({ v: -3 })).toEqual(['k.v: expected a number ≥ 0, got -3']);
    expect(k({ h: '1.5' })).toEqual(['inconsistent bar: high 1.5 is below max(open, close) 2']);
    expect(k({ l: '1.5' })).toEqual(['inconsistent bar: low 1.5 is above min(open, close) 1']);
    expect(k({ v: undefined })).toEqual(['bar']);
  });

  it('still reads an ordinary bar', () => {
    expect(d.decode(bar({}))).toEqual([
      { kind: 'bar', symbol: 'SPY', ts: T, open: 1, high: 2, low: 1, close: 2, volume: 10 },
    ]);
  });
});

describe('one rule for a feed bar and a file row', () => {
  it('a bar message is taken exactly when a file row of the same numbers is (data/bar-check.ts)', () => {
    const decoder = new MessageDecoder();
    // Prices near each other so that both verdicts come up often; 1e400 is how JSON spells
    // a number too large for a double (Infinity once parsed).
    const value = fc.oneof(
      { arbitrary: fc.double({ min: 1, max: 3, noNaN: true }).map(String), weight: 8 },
      { arbitrary: fc.constantFrom('0', '-1', '1e400', '-1e400', '5e-324'), weight: 1 },
    );
    let taken = 0;
    fc.assert(
      fc.property(value, value, value, value, fc.option(value, { nil: undefined }), (o, h, l, c, v) => {
        const volume = v === undefined ? '' : `,"volume":${v}`;
        const [item] = decoder.decode(
          `{"type":"bar","symbol":"SPY","ts":"2024-03-26T13:30:00Z","open":${o},"high":${h},"low":${l},"close":${c}${volume}}`,
        );
        const ingest = new BarIngest({ file: 'bars.csv', symbol: 'SPY', chunkSize: 4, onBadRow: 'skip' });
        ingest.addBar(2, T, Number(o), Number(h), Number(l), Number(c), v === undefined ? Number.NaN : Number(v));
        const fileTakes = ingest.stats().rows === 1;
        if (fileTakes) taken++;
        expect(item?.kind).toBe(fileTakes ? 'bar' : 'malformed');
      }),
      { numRuns: 5_000 },
    );
    expect(taken).toBeGreaterThan(100);
  });
});
