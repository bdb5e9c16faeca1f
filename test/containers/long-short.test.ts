import { expect, it } from 'vitest';
import { runConfig } from '../helpers/run.ts';

it('with allow_short, a crossover flips long ↔ short and the books still balance', async () => {
  const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
    sets: ['portfolio.allow_short=true', 'portfolio.account=margin'],
  });
  expect(outcome.status).toBe('completed');
  const book = outcome.books[0]!;
  const trades = book.trades!;
  const shorts = trades.filter((t) => t.direction === 'short');
  expect(shorts.length).toBeGreaterThan(100);
  // Every reversal closes one direction and opens the other at the same fill.
  for (let i = 1; i < trades.length - 1; i++) {
    expect(trades[i]!.direction).not.toBe(trades[i - 1]!.direction);
    expect(trades[i]!.entryTs).toBe(trades[i - 1]!.exitTs);
  }
  // A short's gross P&L is (entry − exit) × quantity.
  for (const t of shorts) expect(t.grossPnl).toBeCloseTo((t.entryPrice - t.exitPrice) * t.quantity, 6);
  // Flat at the end, so equity is the initial cash plus every trade's net P&L.
  const net = trades.reduce((s, t) => s + t.pnl, 0);
  expect(book.metrics.final_equity).toBeCloseTo(100_000 + net, 6);
  // Always in the market once the first signal has come.
  expect(book.metrics.exposure).toBeGreaterThan(0.99);
});
