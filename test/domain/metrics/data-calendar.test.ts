import { describe, expect, it } from 'vitest';
import type { BarChunk } from '../../../src/data/bar-source.ts';
import { checkAnnualization, SessionCounter } from '../../../src/domain/metrics/data-calendar.ts';
import { loadWorkflow } from '../../../src/load/load-workflow.ts';
import { runConfig } from '../../helpers/run.ts';
import { barsPerYear } from '../../../src/domain/metrics/timeframe.ts';

/** A chunk of one symbol's timestamps (prices do not matter here). */
function chunk(
  ts: readonly number[],
  symbols: readonly string[] = ['SPY'],
  which: readonly number[] = ts.map(() => 0),
): BarChunk {
  const zeros = new Float64Array(ts.length);
  return {
    length: ts.length,
    symbols,
    symbol: Uint16Array.from(which),
    ts: Float64Array.from(ts),
    open: zeros,
    high: zeros,
    low: zeros,
    close: zeros,
    volume: zeros,
  };
}

const MIN = 60_000;
/** 5-minute bars of a New York session: `from` and `to` as local HH:MM, `utcOffsetH` −4 (EDT) or −5 (EST). */
function session(date: string, from: string, to: string, utcOffsetH: number): number[] {
  const at = (hhmm: string) => Date.parse(`${date}T${hhmm}:00Z`) - utcOffsetH * 60 * MIN;
  const out: number[] = [];
  for (let t = at(from); t < at(to); t += 5 * MIN) out.push(t);
  return out;
}

describe('the data calendar: bars per session against the timeframe', () => {
  it('counts sessions as New York dates (across daylight saving), bars of the first symbol only', () => {
    const c = new SessionCounter('us_equity');
    // Friday 2024-03-08 (EST), Monday 2024-03-11 (EDT): 78 regular bars each.
    const days = [...session('2024-03-08', '09:30', '16:00', -5), ...session('2024-03-11', '09:30', '16:00', -4)];
    c.add(chunk(days));
    c.add(chunk([days[0]!], ['SPY', 'QQQ'], [1])); // another symbol: not counted
    expect(c.result()).toEqual({ symbol: 'SPY', bars: 156, sessions: 2 });
    const check = checkAnnualization('5m', 'us_equity', c.result())!;
    expect(check.bars_per_session).toBe(78);
    expect(check.data_bars_per_year).toBe(19_656);
    expect(check.difference).toBe(0);
    expect(check.warning).toBeNull();
  });

  it('leaves out the first and last sessions with three or more: data cut mid-session does not bias the count', () => {
    const c = new SessionCounter('us_equity');
    // From 14:00 on the first day, until 11:00 on the fourth: two whole sessions between.
    c.add(
      chunk([
        ...session('2024-06-03', '14:00', '16:00', -4),
        ...session('2024-06-04', '09:30', '16:00', -4),
        ...session('2024-06-05', '09:30', '16:00', -4),
        ...session('2024-06-06', '09:30', '11:00', -4),
      ]),
    );
    expect(c.result()).toEqual({ symbol: 'SPY', bars: 156, sessions: 2 });
    expect(checkAnnualization('5m', 'us_equity', c.result())!.warning).toBeNull();
  });

  it('a session of a UTC evening is still one New York date (bars from 09:30 to 20:00 EDT cross UTC midnight)', () => {
    const c = new SessionCounter('us_equity');
    c.add(chunk(session('2024-06-03', '09:30', '20:00', -4)));
    expect(c.result().sessions).toBe(1);
    expect(c.result().bars).toBe(126);
  });

  it('warns beyond 1 %: 79 bars a session on 5m is 1.28 % more, annualized figures 0.64 % off', () => {
    const with1600 = { symbol: 'SPY', bars: 79 * 10, sessions: 10 };
    const check = checkAnnualization('5m', 'us_equity', with1600)!;
    // data bars a year = 252 × 79 = 19 908; assumed 252 × 390 / 5 = 19 656.
    expect(check.data_bars_per_year).toBe(19_908);
    expect(check.difference).toBeCloseTo(19_908 / 19_656 - 1, 15);
    expect(check.effect_on_annualized).toBeCloseTo(Math.sqrt(19_908 / 19_656) - 1, 15);
    expect(check.warning).toMatch(
      /^annualization: timeframe 5m on us_equity assumes 78 bars a session \(19,656 a year\), but SPY has 79 \(790 bars in 10 whole sessions: 19,908 a year\), 1\.3 % more; .* 0\.64 % lower .* metrics\.annualization: data/,
    );
    // Within 1 %: no warning (78.7 bars a session is 0.9 % more).
    expect(checkAnnualization('5m', 'us_equity', { symbol: 'SPY', bars: 787, sessions: 10 })!.warning).toBeNull();
    // Fewer bars (a half day in a short file) warn the other way.
    expect(checkAnnualization('1h', 'us_equity', { symbol: 'X', bars: 60, sessions: 10 })!.warning).toMatch(
      /fewer; .* higher/,
    );
  });

  it('daily bars are one a session; bars longer than a day are not checked', () => {
    expect(checkAnnualization('1d', 'us_equity', { symbol: 'X', bars: 250, sessions: 250 })!.difference).toBe(0);
    expect(checkAnnualization('1d', 'continuous', { symbol: 'X', bars: 365, sessions: 365 })!.data_bars_per_year).toBe(
      365,
    );
    expect(checkAnnualization('1w', 'us_equity', { symbol: 'X', bars: 52, sessions: 52 })).toBeUndefined();
    expect(checkAnnualization('5m', 'us_equity', { symbol: undefined, bars: 0, sessions: 0 })).toBeUndefined();
  });
});

describe('annualization on the bundled SPY 5m data', () => {
  const CONFIG = 'test/fixtures/configs/spy-small.yaml';

  it('warns that the data has 80.94 bars a session (extended hours in its last week), 1.87 % on Sharpe and volatility', async () => {
    const outcome = await runConfig(CONFIG);
    const a = outcome.annualization!;
    // 20,769 bars in 256 sessions; the whole ones between the first and the last: 20,558 in 254.
    expect(a).toMatchObject({ symbol: 'SPY', bars: 20_558, sessions: 254, assumed_bars_per_year: 19_656 });
    expect(a.data_bars_per_year).toBeCloseTo((252 * 20_558) / 254, 9);
    expect(a.effect_on_annualized).toBeCloseTo(0.01865, 5);
    expect(a.warning).toMatch(
      /SPY has 80\.94 \(20,558 bars in 254 whole sessions: 20,396\.13 a year\), 3\.8 % more; .* 1\.87 % lower/,
    );
  });

  it('metrics.annualization: data scales annualized volatility and Sharpe by √(data / assumed), other metrics unchanged', async () => {
    const plain = await runConfig(CONFIG);
    const loaded = await loadWorkflow(CONFIG, { sets: ['metrics.annualization=data'] });
    expect(loaded.wf.dataBarsPerYear).toBeCloseTo((252 * 20_558) / 254, 9);
    const data = await runConfig(CONFIG, { sets: ['metrics.annualization=data'] });
    const m0 = plain.books[0]!.metrics;
    const m1 = data.books[0]!.metrics;
    const k = Math.sqrt(loaded.wf.dataBarsPerYear! / barsPerYear('5m', 'us_equity'));
    expect(m1.annual_volatility).toBeCloseTo(m0.annual_volatility * k, 12);
    expect(m1.sharpe_ratio).toBeCloseTo(m0.sharpe_ratio * k, 12);
    expect(m1.total_return).toBe(m0.total_return);
    expect(m1.max_drawdown).toBe(m0.max_drawdown);
  });
});
