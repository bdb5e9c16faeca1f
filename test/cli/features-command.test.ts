import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featuresCommand, FeatureSpecError, parseFeatureSpec } from '../../src/cli/features-command.ts';
import { main } from '../../src/cli/main.ts';
import { loadSpyBars } from '../helpers/spy.ts';
import { naiveEma, naiveRsi, naiveSma } from '../domain/indicators/naive.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPY = join(ROOT, 'examples/data/SPY_5m.csv');

// Splits one CSV line, honouring RFC 4180 quotes (the column names contain commas).
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

// Naive Bollinger Bands at bar t: two-pass population σ of the last p closes.
function naiveBbandsAt(xs: readonly number[], t: number, p: number, k: number): { upper: number; lower: number } {
  const w = xs.slice(t - p + 1, t + 1);
  const mean = w.reduce((a, b) => a + b, 0) / p;
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / p);
  return { upper: mean + k * sd, lower: mean - k * sd };
}

const bars = loadSpyBars();
const px = bars.map((b) => b.close);
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sluice-features-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('parseFeatureSpec', () => {
  it('maps positional values onto the params in schema order, defaults filled in', () => {
    const b = parseFeatureSpec('bbands:20,2');
    expect(b.params).toEqual({ period: 20, stddev: 2, ddof: 0 });
    expect(b.label).toBe('bbands(period=20,stddev=2,ddof=0)');
    expect(parseFeatureSpec('stoch:5').params).toEqual({ k_period: 5, k_smooth: 3, d_period: 3 });
    expect(parseFeatureSpec('rsi').label).toBe('rsi(period=14)');
    expect(parseFeatureSpec('obv').label).toBe('obv()');
  });

  it('takes key=value pairs, after positional ones, and an input for price readers', () => {
    expect(parseFeatureSpec('stoch:k_period=5,d_period=4').params).toEqual({ k_period: 5, k_smooth: 3, d_period: 4 });
    expect(parseFeatureSpec('macd:5, signal=4').params).toEqual({ fast: 5, slow: 26, signal: 4 });
    const s = parseFeatureSpec('sma:10,input=hl2');
    expect(s.input).toBe('hl2');
    expect(s.label).toBe('sma(period=10;hl2)');
    expect(parseFeatureSpec('sma:10,input=close').label).toBe('sma(period=10)');
  });

  it('takes the option of an enum param by name (first_bar, seed), and omits an unset optional param', () => {
    expect(parseFeatureSpec('atr:14,first_bar=high_low').params).toEqual({ period: 14, first_bar: 'high_low' });
    expect(parseFeatureSpec('atr:7,high_low').label).toBe('atr(period=7,first_bar=high_low)');
    expect(parseFeatureSpec('kama:seed=sma').params).toEqual({ period: 10, fast: 2, slow: 30, seed: 'sma' });
    expect(parseFeatureSpec('adxr').label).toBe('adxr(period=14)');
    expect(parseFeatureSpec('adxr:14,14').params).toEqual({ period: 14, lag: 14 });
    expect(() => parseFeatureSpec('atr:first_bar=hl')).toThrow("first_bar: 'hl' is not one of skip, high_low");
    expect(() => parseFeatureSpec('atr:high_low')).toThrow("period: 'high_low' is not a number");
  });

  it('explains what is wrong, with a did-you-mean', () => {
    const cases: [string, RegExp][] = [
      ['rsii:14', /--indicator 'rsii:14': unknown indicator 'rsii' — did you mean 'rsi'\?/],
      ['stoch:k_perod=3', /no param 'k_perod' — did you mean 'k_period'\? \(params: k_period, k_smooth, d_period\)/],
      ['sma:1,2', /'sma' takes at most 1 positional value \(period\)/],
      ['sma', /period: required/],
      ['sma:x', /period: 'x' is not a number/],
      ['sma:0', /invalid params for 'sma': period/],
      ['sma:period=3,period=4', /param 'period' given twice/],
      ['macd:fast=3,4', /positional value '4' after a named one/],
      ['atr:input=hl2', /reads the whole bar/],
      ['sma:5,input=mid', /unknown input 'mid'/],
      ['obv:1', /'obv' takes no params/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseFeatureSpec(spec), spec).toThrow(FeatureSpecError);
      expect(() => parseFeatureSpec(spec), spec).toThrow(message);
    }
  });
});

describe('featuresCommand', () => {
  it('writes timestamp and one column per output, empty cells during warm-up, values matching naive computations', async () => {
    const out = join(tmp, 'features.csv');
    const summary = await featuresCommand(SPY, ['rsi:14', 'bbands:20,2', 'ema:period=9', 'vwap'], { out });
    const columns = [
      'rsi(period=14).value',
      'bbands(period=20,stddev=2,ddof=0).upper',
      'bbands(period=20,stddev=2,ddof=0).middle',
      'bbands(period=20,stddev=2,ddof=0).lower',
      'bbands(period=20,stddev=2,ddof=0).percent_b',
      'bbands(period=20,stddev=2,ddof=0).bandwidth',
      'ema(period=9).value',
      'vwap(session_start=0).value',
    ];
    expect(summary).toEqual({ rows: bars.length, skipped: 0, columns });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(bars.length + 1);
    // Column names with commas are quoted.
    expect(lines[0]).toBe(
      `timestamp,rsi(period=14).value,${columns
        .slice(1, 6)
        .map((c) => `"${c}"`)
        .join(',')},ema(period=9).value,vwap(session_start=0).value`,
    );
    expect(splitCsv(lines[0]!)).toEqual(['timestamp', ...columns]);
    const rows = lines.slice(1).map(splitCsv);
    const col = (name: string): string[] => rows.map((r) => r[columns.indexOf(name) + 1]!);

    expect(rows[0]![0]).toBe('2024-03-26T13:30:00.000Z');
    expect(rows.map((r) => Date.parse(r[0]!))).toEqual(bars.map((b) => b.ts));

    // Warm-up: RSI 14 is empty up to bar 13, present from 14; BBands 20 from 19; EMA 9 from 8.
    const rsi = col('rsi(period=14).value');
    expect(rsi.slice(0, 14).every((c) => c === '')).toBe(true);
    expect(rsi[14]).not.toBe('');
    const upper = col('bbands(period=20,stddev=2,ddof=0).upper');
    expect(upper[18]).toBe('');
    expect(upper[19]).not.toBe('');
    const ema = col('ema(period=9).value');
    expect(ema[7]).toBe('');

    const expectedRsi = naiveRsi(px, 14);
    const expectedEma = naiveEma(px, 9);
    const expectedMid = naiveSma(px, 20);
    for (const t of [14, 15, 19, 1000, 12_345, bars.length - 1]) {
      expect(Number(rsi[t])).toBeCloseTo(expectedRsi[t]!, 8);
      expect(Number(ema[t])).toBeCloseTo(expectedEma[t]!, 8);
      if (t < 19) continue;
      expect(Number(col('bbands(period=20,stddev=2,ddof=0).middle')[t])).toBeCloseTo(expectedMid[t]!, 8);
      const bb = naiveBbandsAt(px, t, 20, 2);
      expect(Number(upper[t])).toBeCloseTo(bb.upper, 8);
      expect(Number(col('bbands(period=20,stddev=2,ddof=0).lower')[t])).toBeCloseTo(bb.lower, 8);
    }
    // VWAP restarts at the first bar of the second session: its own typical price.
    const vwap = col('vwap(session_start=0).value');
    const second = bars.findIndex((b) => new Date(b.ts).getUTCDate() !== new Date(bars[0]!.ts).getUTCDate());
    const b = bars[second]!;
    expect(Number(vwap[second])).toBeCloseTo((b.high + b.low + b.close) / 3, 10);
    // No temporary file is left next to the output.
    expect(readdirSync(tmp)).toEqual(['features.csv']);
  });

  it('with bars, the OHLCV of each bar after its timestamp; with short names, identifier-like columns', async () => {
    let text = '';
    const s = await featuresCommand(SPY, ['rsi:14', 'bbands:20,2', 'sma:3,input=hl2'], {
      write: (t) => (text += t),
      bars: true,
      names: 'short',
    });
    expect(s.columns).toEqual([
      'rsi_14',
      'bbands_20_2_0_upper',
      'bbands_20_2_0_middle',
      'bbands_20_2_0_lower',
      'bbands_20_2_0_percent_b',
      'bbands_20_2_0_bandwidth',
      'sma_3_hl2',
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`timestamp,open,high,low,close,volume,${s.columns.join(',')}`);
    const b = bars[0]!;
    expect(lines[1]).toBe(`2024-03-26T13:30:00.000Z,${b.open},${b.high},${b.low},${b.close},${b.volume},,,,,,,`);
  });

  it('writes to the callback without --out, and writes identical columns once', async () => {
    let text = '';
    const s = await featuresCommand(SPY, ['sma:3', 'sma:period=3', 'sma:3,input=hl2'], { write: (t) => (text += t) });
    expect(s.columns).toEqual(['sma(period=3).value', 'sma(period=3;hl2).value']);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,sma(period=3).value,sma(period=3;hl2).value');
    expect(lines[1]).toBe('2024-03-26T13:30:00.000Z,,');
    const hl2 = bars.slice(0, 3).map((x) => (x.high + x.low) / 2);
    const [, a, c] = splitCsv(lines[3]!);
    expect(Number(a)).toBeCloseTo((px[0]! + px[1]! + px[2]!) / 3, 10);
    expect(Number(c)).toBeCloseTo((hl2[0]! + hl2[1]! + hl2[2]!) / 3, 10);
  });

  it('rejects a bad spec before reading (and writing) anything', async () => {
    const out = join(tmp, 'never.csv');
    await expect(featuresCommand(SPY, ['bbands:20,2', 'rsii:14'], { out })).rejects.toThrow(/did you mean 'rsi'/);
    await expect(featuresCommand(SPY, [], { out })).rejects.toThrow(/at least one --indicator/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a data error and leaves no partial file', async () => {
    const bad = join(tmp, 'bad.csv');
    writeFileSync(
      bad,
      'timestamp,open,high,low,close,volume\n2024-01-02 14:30:00+00:00,1,2,0.5,1.5,10\n2024-01-02 14:35:00+00:00,1,2,0.5,abc,10\n',
    );
    const out = join(tmp, 'bad-out.csv');
    await expect(featuresCommand(bad, ['sma:1'], { out })).rejects.toThrow(/abc/);
    expect(readdirSync(tmp).filter((f) => f.includes('bad-out'))).toEqual([]);
  });
});

describe('sluice features (CLI)', () => {
  it('exits 1 with a did-you-mean for an unknown indicator, printing no CSV', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['node', 'sluice', 'features', SPY, '--indicator', 'bbands:20,2', '--indicator', 'stoch_rs'],
      {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      },
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toBe(
      "--indicator 'stoch_rs': unknown indicator 'stoch_rs' — did you mean 'stoch_rsi'? (see `sluice list indicators`)",
    );
  });

  it('runs as a real process: exit 0 and the output file', async () => {
    const out = join(tmp, 'cli.csv');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          'bin/sluice.js',
          'features',
          'examples/data/SPY_5m.csv',
          '--indicator',
          'rsi:14',
          '--indicator',
          'adx',
          '--out',
          out,
        ],
        { cwd: ROOT },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${bars.length} bars, 4 feature columns written to ${out}`);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'timestamp,rsi(period=14).value,adx(period=14).adx,adx(period=14).plus_di,adx(period=14).minus_di',
    );
    expect(lines).toHaveLength(bars.length + 1);
    // ADX(14): first value at bar 2·14 - 1 = 27 (data row 28, line 29).
    expect(splitCsv(lines[27]!)[2]).toBe('');
    expect(splitCsv(lines[28]!)[2]).not.toBe('');
  });
});
