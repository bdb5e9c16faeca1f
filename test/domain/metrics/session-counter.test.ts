import { describe, expect, it } from 'vitest';
import type { BarChunk } from '../../../src/data/bar-source.ts';
import { repeatSource } from '../../../src/data/repeat-source.ts';
import { SESSION_TIME_ZONE, SessionCounter, type SessionCount } from '../../../src/domain/metrics/data-calendar.ts';
import type { TradingCalendar } from '../../../src/domain/metrics/timeframe.ts';
import { loadSpyBars } from '../../helpers/spy.ts';

const DAY_MS = 86_400_000;

/**
 * SessionCounter as it was before it learned runs of offsets and stretches of time (the
 * reference): the symbol compared per bar, the offset asked of Intl once per UTC day.
 */
class ReferenceSessionCounter {
  private symbol: string | undefined;
  private bars = 0;
  private sessions = 0;
  private firstBars = 0;
  private lastBars = 0;
  private lastSession = Number.NaN;
  private utcDay = Number.NaN;
  private offset = 0;
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly calendar: TradingCalendar) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: SESSION_TIME_ZONE[calendar],
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  add(chunk: BarChunk): void {
    const { symbols, symbol, ts } = chunk;
    for (let i = 0; i < chunk.length; i++) {
      const name = symbols[symbol[i]!]!;
      this.symbol ??= name;
      if (name !== this.symbol) continue;
      const t = ts[i]!;
      const day = Math.floor(t / DAY_MS);
      if (day !== this.utcDay) {
        this.utcDay = day;
        this.offset = this.offsetAt(day);
      }
      const session = Math.floor((t + this.offset) / DAY_MS);
      if (session !== this.lastSession) {
        this.lastSession = session;
        if (this.sessions === 1) this.firstBars = this.bars;
        this.sessions++;
        this.lastBars = 0;
      }
      this.bars++;
      this.lastBars++;
    }
  }

  result(): SessionCount {
    if (this.sessions < 3) return { symbol: this.symbol, bars: this.bars, sessions: this.sessions };
    return { symbol: this.symbol, bars: this.bars - this.firstBars - this.lastBars, sessions: this.sessions - 2 };
  }

  private offsetAt(day: number): number {
    if (this.calendar === 'continuous') return 0;
    const noon = day * DAY_MS + DAY_MS / 2;
    const parts = this.format.formatToParts(new Date(noon));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - noon;
  }
}

const spy = loadSpyBars();
const base = {
  ts: spy.map((b) => b.ts),
  open: spy.map((b) => b.open),
  high: spy.map((b) => b.high),
  low: spy.map((b) => b.low),
  close: spy.map((b) => b.close),
  volume: spy.map((b) => b.volume),
};

/** Feeds both counters every chunk and compares their results after each. */
async function expectSameAsReference(calendar: TradingCalendar, chunks: AsyncIterable<BarChunk> | Iterable<BarChunk>) {
  const counter = new SessionCounter(calendar);
  const reference = new ReferenceSessionCounter(calendar);
  let n = 0;
  for await (const c of chunks) {
    counter.add(c);
    reference.add(c);
    expect(counter.result(), `after chunk ${n++}`).toEqual(reference.result());
  }
  return counter.result();
}

describe('SessionCounter against its former implementation, on SPY 5m', () => {
  for (const calendar of ['us_equity', 'continuous'] as const) {
    it(`${calendar}: SPY 5m repeated 49 times (the bench's 49 years of New York dates), chunks of 8,192 and of 1,000`, async () => {
      for (const chunkSize of [8192, 1000]) {
        const got = await expectSameAsReference(
          calendar,
          repeatSource(base, 49, { symbol: 'SPY', chunkSize }).chunks(),
        );
        expect(got.sessions).toBeGreaterThan(49 * 250);
      }
    });
  }

  it('us_equity: chunks of one bar, and the file as it is', async () => {
    const got = await expectSameAsReference(
      'us_equity',
      repeatSource(base, 1, { symbol: 'SPY', chunkSize: 1 }).chunks(),
    );
    expect(got).toEqual({ symbol: 'SPY', bars: 20_558, sessions: 254 });
  });

  it('us_equity: two symbols in each chunk, counting the first only', async () => {
    // SPY interleaved with a second symbol whose bars sit 2.5 minutes later, in chunks of
    // uneven length that cut sessions anywhere.
    const rows = spy.flatMap((b) => [
      { s: 0, ts: b.ts },
      { s: 1, ts: b.ts + 150_000 },
    ]);
    const chunks: BarChunk[] = [];
    for (let from = 0, k = 0; from < rows.length; k++) {
      const length = Math.min([1, 77, 1000, 4096][k % 4]!, rows.length - from);
      const part = rows.slice(from, from + length);
      const zeros = new Float64Array(length);
      chunks.push({
        length,
        symbols: ['SPY', 'QQQ'],
        symbol: Uint16Array.from(part, (r) => r.s),
        ts: Float64Array.from(part, (r) => r.ts),
        open: zeros,
        high: zeros,
        low: zeros,
        close: zeros,
        volume: zeros,
      });
      from += length;
    }
    // A chunk of the other symbol alone is skipped whole.
    chunks.splice(3, 0, { ...chunks[2]!, symbols: ['QQQ'] });
    const got = await expectSameAsReference('us_equity', chunks);
    expect(got.symbol).toBe('SPY');
  });
});
