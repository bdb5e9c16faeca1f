import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { featuresCommand, FeatureSpecError, parseFeatureSpec } from '../../src/cli/features-command.ts';
import { main } from '../../src/cli/main.ts';
import { loadSpyBars } from '../helpers/spy.ts';

const SPY = fileURLToPath(new URL('../../examples/data/SPY_5m.csv', import.meta.url));

describe('sluice features with a spec on a higher timeframe (sma:1@1h)', () => {
  it('writes the last closed hour’s value on every 5m bar: the hour’s close from the bar that ends it', async () => {
    let csv = '';
    const summary = await featuresCommand(SPY, ['sma:1@1h', 'sma:1'], {
      write: (t) => (csv += t),
      timeframe: '5m',
      names: 'short',
    });
    expect(summary.columns).toEqual(['sma_1_1h', 'sma_1']);
    const rows = csv
      .trim()
      .split('\n')
      .slice(1, 2001)
      .map((l) => l.split(','));
    const bars = loadSpyBars(2000);
    // The first session, 2024-03-26 (New York = UTC−4): hours end at 14:30, 15:30, … 20:00 UTC.
    const at = (iso: string) => rows.findIndex((r) => r[0] === iso);
    expect(rows[at('2024-03-26T14:20:00.000Z')]![1]).toBe('');
    // The 14:25 bar ends at 14:30 = 10:30 New York: the 09:30–10:30 bar closes with it.
    expect(Number(rows[at('2024-03-26T14:25:00.000Z')]![1])).toBe(bars[at('2024-03-26T14:25:00.000Z')]!.close);
    expect(Number(rows[at('2024-03-26T15:20:00.000Z')]![1])).toBe(bars[at('2024-03-26T14:25:00.000Z')]!.close);
    expect(Number(rows[at('2024-03-26T15:25:00.000Z')]![1])).toBe(bars[at('2024-03-26T15:25:00.000Z')]!.close);
    // The session's last (half) hour closes on the 19:55 bar; the vendor's 20:00 bar is after hours.
    const last = bars[at('2024-03-26T19:55:00.000Z')]!.close;
    expect(Number(rows[at('2024-03-26T19:55:00.000Z')]![1])).toBe(last);
    expect(Number(rows[at('2024-03-26T20:00:00.000Z')]![1])).toBe(last);
    expect(Number(rows[at('2024-03-27T13:30:00.000Z')]![1])).toBe(last);
  });

  it('labels the column with its timeframe', () => {
    expect(parseFeatureSpec('bbands:20,2@4h').label).toBe('bbands(period=20,stddev=2,ddof=0)@4h');
    expect(parseFeatureSpec('rsi @1d').timeframe).toBe('1d');
  });

  it('refuses a higher timeframe without the data’s, a shorter one, and a malformed one, before reading the data', async () => {
    await expect(featuresCommand(SPY, ['sma:5@1h'], { write: () => {} })).rejects.toThrow(
      /give the bars' timeframe with --timeframe/,
    );
    await expect(featuresCommand(SPY, ['sma:5@1m'], { write: () => {}, timeframe: '5m' })).rejects.toThrow(
      FeatureSpecError,
    );
    expect(() => parseFeatureSpec('sma:5@1x')).toThrow(/@ ends a spec with a timeframe/);
  });

  it('takes --timeframe and --calendar on the command line', async () => {
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t) };
    const code = await main(
      ['node', 'sluice', 'features', SPY, '--indicator', 'sma:1@1d', '--timeframe', '5m', '--calendar', 'continuous'],
      io,
    );
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('timestamp,sma(period=1)@1d.value');
    // continuous: the day is the UTC date, closed by its 23:55 bar or, in a gap, the next date's first.
    const firstValue = out
      .split('\n')
      .slice(1)
      .find((l) => !l.endsWith(','));
    expect(firstValue?.startsWith('2024-03-27T13:30:00.000Z')).toBe(true);
  });
});
