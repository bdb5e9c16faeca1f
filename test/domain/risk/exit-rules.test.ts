import { describe, expect, it } from 'vitest';
import { DrawdownHalt, holdingExpired, protectiveStop, takeProfit } from '../../../src/domain/risk/exit-rules.ts';
import { SessionClock } from '../../../src/domain/risk/session-clock.ts';
import { loadSpyBars } from '../../helpers/spy.ts';

describe('protectiveStop', () => {
  it('fixed stop: entry × (1 ∓ pct)', () => {
    expect(protectiveStop({ stopLossPct: 2 }, 1, 100, 120)).toEqual({ price: 98, reason: 'stop_loss' });
    expect(protectiveStop({ stopLossPct: 2 }, -1, 100, 80)).toEqual({ price: 102, reason: 'stop_loss' });
  });

  it('trailing stop: best × (1 ∓ pct), the tighter of the two wins', () => {
    // long: fixed 98, trailing 110 × 0.99 = 108.9 → trailing
    expect(protectiveStop({ stopLossPct: 2, trailingStopPct: 1 }, 1, 100, 110)).toEqual({
      price: 108.9,
      reason: 'trailing_stop',
    });
    // long, no new high yet: trailing 100 × 0.95 = 95 is looser than 98 → fixed
    expect(protectiveStop({ stopLossPct: 2, trailingStopPct: 5 }, 1, 100, 100)).toEqual({
      price: 98,
      reason: 'stop_loss',
    });
    // short: fixed 102, trailing 90 × 1.01 = 90.9 → trailing
    expect(protectiveStop({ stopLossPct: 2, trailingStopPct: 1 }, -1, 100, 90)!.price).toBeCloseTo(90.9, 12);
    expect(protectiveStop({ trailingStopPct: 1 }, -1, 100, 90)!.reason).toBe('trailing_stop');
  });

  it('is undefined when no price stop is configured', () => {
    expect(protectiveStop({ takeProfitPct: 3 }, 1, 100, 100)).toBeUndefined();
  });
});

describe('takeProfit and holdingExpired', () => {
  it('take profit: entry × (1 ± pct)', () => {
    expect(takeProfit({ takeProfitPct: 5 }, 1, 100)).toBeCloseTo(105, 12);
    expect(takeProfit({ takeProfitPct: 5 }, -1, 100)).toBeCloseTo(95, 12);
    expect(takeProfit({}, 1, 100)).toBeUndefined();
  });

  it('max holding counts bars of the symbol since the entry bar', () => {
    expect(holdingExpired({ maxHoldingBars: 3 }, 10, 12)).toBe(false);
    expect(holdingExpired({ maxHoldingBars: 3 }, 10, 13)).toBe(true);
    expect(holdingExpired({}, 10, 1000)).toBe(false);
  });
});

describe('DrawdownHalt', () => {
  it('trips at the first close max_drawdown_pct below the running peak and stays tripped', () => {
    const h = new DrawdownHalt(10);
    expect([100, 110, 100, 99.1, 98.99, 120].map((e) => h.update(e))).toEqual([false, false, false, false, true, true]);
    expect(h.peakEquity).toBe(110);
  });

  it('non-positive equity halts', () => {
    expect(new DrawdownHalt(50).update(0)).toBe(true);
  });
});

describe('SessionClock', () => {
  const clock = new SessionClock('16:00', 'America/New_York');

  it('puts the New York close at 20:00 UTC in summer and 21:00 UTC in winter', () => {
    expect(new Date(clock.sessionClose(Date.UTC(2024, 6, 1, 14, 0))).toISOString()).toBe('2024-07-01T20:00:00.000Z');
    expect(new Date(clock.sessionClose(Date.UTC(2024, 11, 2, 15, 0))).toISOString()).toBe('2024-12-02T21:00:00.000Z');
  });

  it('finds the bar before each session’s last regular 5-minute bar on real SPY data', () => {
    const bars = loadSpyBars();
    const five = 5 * 60_000;
    const nyTime = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    let sessions = 0;
    let lastBars = 0;
    for (let i = 0; i + 1 < bars.length; i++) {
      const next = nyTime.format(new Date(bars[i + 1]!.ts));
      if (next === '15:55' && bars[i + 1]!.ts - bars[i]!.ts === five) lastBars++;
      if (clock.nextBarIsLast(bars[i]!.ts, five)) {
        sessions++;
        // The next bar is the 15:55 New York bar: it ends at the 16:00 close.
        expect(next, new Date(bars[i]!.ts).toISOString()).toBe('15:55');
        expect(clock.endsSession(bars[i + 1]!.ts, five)).toBe(true);
        expect(clock.endsSession(bars[i]!.ts, five)).toBe(false);
      }
    }
    // Every 15:55 bar that directly follows its 15:50 bar is found (gaps in the file hide a few).
    expect(sessions).toBe(lastBars);
    expect(sessions).toBeGreaterThan(200);
  });

  it('rejects a malformed time and an unknown zone', () => {
    expect(() => new SessionClock('4pm', 'America/New_York')).toThrow(/HH:MM/);
    expect(() => new SessionClock('16:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});
