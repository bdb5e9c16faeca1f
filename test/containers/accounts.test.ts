import { describe, expect, it } from 'vitest';
import { MemoryBarSource } from '../../src/data/memory-source.ts';
import type { PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { runConfig } from '../helpers/run.ts';

/** The results record of the first container whose id starts with `prefix`. */
function container(outcome: PhaseOutcome, prefix: string): Record<string, unknown> {
  const found = [...outcome.containers.entries()].find(([id]) => id.startsWith(prefix));
  if (found === undefined) throw new Error(`no ${prefix} container`);
  return found[1];
}

// Issue #17: "a $10,000 book sized at 10 shares of a $3,800 index runs its cash to −28,358".
// The futures example's index, traded as shares.
const AS_SHARES = [
  'data.instrument={kind: equity}',
  'portfolio.sizing={type: fixed, quantity: 10}',
  'execution.commission={per_share: 0}',
];

describe('cash account: orders beyond buying power', () => {
  it('reject (the default): every 10-share entry is refused with the shortfall, the book never trades', async () => {
    const outcome = await runConfig('examples/futures-sma-cross.yaml', { sets: AS_SHARES });
    expect(outcome.status).toBe('completed');
    const risk = container(outcome, 'risk');
    const portfolio = container(outcome, 'portfolio');
    expect(risk.rejected).toBe(8); // the 8 crosses up
    expect(portfolio.rejects).toBe(8);
    expect((risk.first_notes as string[])[0]).toMatch(
      /^order \d+ \(sma_crossover\) rejected: insufficient funds: buying power 10000, order buy 10 INDEX @ 3\d+(\.\d+)? needs 3\d{4}/,
    );
    expect(outcome.books[0]!.trades).toEqual([]);
    expect(portfolio.cash).toBe(10_000);
  });

  it('resize: entries shrink to the 2 shares 10,000 pays for, and cash stays positive', async () => {
    const outcome = await runConfig('examples/futures-sma-cross.yaml', {
      sets: [...AS_SHARES, 'portfolio.insufficient_funds=resize'],
    });
    const trades = outcome.books[0]!.trades!;
    expect(trades.length).toBe(7);
    for (const t of trades) expect(t.quantity).toBe(2);
    expect(container(outcome, 'risk').resized).toBe(8);
    // Cash at the end (one position of 2 open) is what the trades left less the open entry.
    const portfolio = container(outcome, 'portfolio');
    expect(portfolio.cash as number).toBeGreaterThan(0);
    expect(portfolio.open_positions).toEqual({ INDEX: 2 });
  });

  it('a margin account allowing 10× leverage takes them all, and its cash goes deep below zero (as every book did before accounts)', async () => {
    const outcome = await runConfig('examples/futures-sma-cross.yaml', {
      sets: [
        ...AS_SHARES,
        'portfolio.account=margin',
        'portfolio.margin={initial: 0.1, maintenance: 0.05, max_leverage: 10}',
      ],
    });
    const trades = outcome.books[0]!.trades!;
    expect(trades.length).toBe(7);
    for (const t of trades) expect(t.quantity).toBe(10);
    expect(container(outcome, 'risk').rejected).toBe(0);
    expect(container(outcome, 'portfolio').cash as number).toBeLessThan(-20_000);
  });
});

/** Rising 0.5 % a bar for 60 bars, then one bar 40 % lower, then flat: a leveraged long gets called. */
function crashBars() {
  const n = 80;
  const ts: number[] = [];
  const close: number[] = [];
  let p = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0) p = i === 60 ? p * 0.6 : i < 60 ? p * 1.005 : p;
    ts.push(Date.UTC(2024, 0, 2, 14, 30) + i * 5 * 60_000);
    close.push(p);
  }
  return { ts, open: close, high: close, low: close, close, volume: close.map(() => 1e6) };
}

describe('margin account: margin call', () => {
  it('equity below maintenance liquidates at the next open, exit reason margin_call', async () => {
    const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
      sets: [
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}]',
        'portfolio.sizing={type: percent_equity, percent: 190}',
        'portfolio.account=margin',
        'portfolio.margin={initial: 0.5, maintenance: 0.45, max_leverage: 2}',
      ],
      source: () => new MemoryBarSource('SPY', crashBars(), 500),
    });
    expect(outcome.status).toBe('completed');
    const trades = outcome.books[0]!.trades!;
    const called = trades.filter((t) => t.exitReason === 'margin_call');
    expect(called).toHaveLength(1);
    // Bar 60 closes 40 % down; the call is decided at that close and fills at bar 61's open.
    expect(called[0]!.exitTs).toBe(crashBars().ts[61]);
    expect(container(outcome, 'portfolio').margin_calls).toBe(1);
  });

  it('the same book in a margin account with a loose maintenance rate rides it out', async () => {
    const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
      sets: [
        'strategies=[{type: sma_crossover, params: {fast_period: 10, slow_period: 30}}]',
        'portfolio.sizing={type: percent_equity, percent: 190}',
        'portfolio.account=margin',
        'portfolio.margin={initial: 0.5, maintenance: 0.1, max_leverage: 2}',
      ],
      source: () => new MemoryBarSource('SPY', crashBars(), 500),
    });
    expect(outcome.books[0]!.trades!.some((t) => t.exitReason === 'margin_call')).toBe(false);
    expect(container(outcome, 'portfolio').margin_calls).toBe(0);
  });
});
