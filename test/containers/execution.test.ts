import { describe, expect, it } from 'vitest';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { Subject } from 'rxjs';
import type { BarEvent, CancelEvent, OrderEvent, SluiceEvent, TradeEvent } from '../../src/events/index.ts';
import { ExecutionContainer } from '../../src/containers/execution.ts';
import { ExecutionSchema } from '../../src/config/schema/trading.ts';
import { runConfig } from '../helpers/run.ts';

const MIN = 60_000;

function bar(seq: number, open: number, close: number, volume = 1000, extra: Partial<BarEvent> = {}): BarEvent {
  return {
    type: 'BAR',
    seq,
    ts: seq * MIN,
    symbol: 'SPY',
    source: 'data',
    index: seq,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume,
    ...extra,
  };
}

function order(seq: number, orderId: number, o: Partial<OrderEvent> = {}): OrderEvent {
  return {
    type: 'ORDER',
    seq,
    ts: seq * MIN,
    symbol: 'SPY',
    source: 'risk',
    key: 'book',
    orderId,
    signalId: orderId,
    side: 'buy',
    quantity: 100,
    reason: 'signal',
    price: 100,
    position: 0,
    equity: 1e5,
    grossExposure: 0,
    ...o,
  };
}

const cancel = (seq: number, orderId: number): CancelEvent => ({
  type: 'CANCEL',
  seq,
  ts: seq * MIN,
  symbol: 'SPY',
  source: 'risk',
  key: 'book',
  orderId,
  reason: 'replaced',
});

/** Runs `inputs` through an execution container configured by `config`, then finishes it. */
function run(config: Record<string, unknown>, inputs: SluiceEvent[]) {
  const c = new ExecutionContainer('execution', parseCamel(ExecutionSchema, config));
  const input = new Subject<SluiceEvent>();
  const out: SluiceEvent[] = [];
  const sub = input.pipe(c.operator()).subscribe((e) => out.push(e));
  for (const ev of inputs) input.next(ev);
  c.finish();
  sub.unsubscribe();
  return { out, results: c.results() };
}

describe('ExecutionContainer', () => {
  it('wires order types, cancels, partial fills and end of data, and reports them', () => {
    const { out, results } = run({ max_volume_share: 0.1, commission: { model: 'fixed', per_order: 1 } }, [
      bar(0, 100, 100),
      order(0, 1, { quantity: 150 }), // market: 100 on bar 1, 50 on bar 2
      order(0, 2, { orderType: 'limit', limitPrice: 90 }), // never reached: cancelled on bar 2
      order(0, 3, { side: 'sell', quantity: 10, reduceOnly: true, orderType: 'stop', stopPrice: 80, ocoGroup: 7 }),
      order(0, 4, { side: 'sell', quantity: 10, reduceOnly: true, orderType: 'limit', limitPrice: 120, ocoGroup: 7 }),
      bar(1, 101, 102),
      cancel(1, 2),
      cancel(1, 99), // unknown: ignored
      order(1, 5, { orderType: 'limit', limitPrice: 50, expiresAfterBars: 1 }),
      bar(2, 103, 104, 1000, { high: 121 }), // take-profit 4 fills, stop 3 is OCO-cancelled; 5 expires
      order(2, 6, { orderType: 'limit', limitPrice: 1 }), // still open at the end
      order(2, 7, { side: 'sell', quantity: 140, reason: 'end_of_data' }),
    ]);
    const brief = out.map((e) =>
      e.type === 'FILL'
        ? `fill ${e.orderId} ${e.quantity}@${e.price} left ${e.remaining} fee ${e.commission}`
        : e.type === 'REJECT'
          ? `end ${e.orderId} ${e.reason} ${e.remaining}`
          : e.type,
    );
    expect(brief).toEqual([
      'fill 1 100@101 left 50 fee 1',
      'end 2 canceled 100',
      'fill 1 50@103 left 0 fee 0',
      'fill 4 10@120 left 0 fee 1',
      'end 3 oco_canceled 10',
      'end 5 expired 100',
      'fill 7 140@104 left 0 fee 1',
      'end 6 end_of_data 100',
    ]);
    expect(results).toMatchObject({
      orders: 7,
      fills: 4,
      partial_fills: 1,
      cancel_requests: 2,
      ended_unfilled: { canceled: 1, oco_canceled: 1, reduce_only_flat: 0, expired: 1, end_of_data: 1 },
      unfilled_at_end: 1,
      max_volume_share: 0.1,
      slippage: { model: 'fixed', bps: 0 },
    });
  });

  it('fill: close fills market orders at their own close; limit orders still rest', () => {
    const { out } = run({ fill: 'close' }, [
      bar(0, 100, 101),
      order(0, 1),
      order(0, 2, { orderType: 'limit', limitPrice: 200 }),
      bar(1, 99, 98),
    ]);
    expect(out.map((e) => (e.type === 'FILL' ? [e.orderId, e.fillSeq, e.price] : e.type))).toEqual([
      [1, 0, 101],
      [2, 1, 99],
    ]);
  });
});

describe('partial fills through the whole graph', () => {
  it('the book stays consistent: pending shrinks by each fill, positions end flat, accounting balances', async () => {
    // SPY 5m bars trade ~0.4–2 M shares: 0.00008 of that is ~30–160 shares, less than the
    // 100 the fixture orders on many bars, so orders fill over two or more bars.
    const outcome = await runConfig('test/fixtures/configs/spy-small.yaml', {
      sets: ['execution.max_volume_share=0.00008'],
    });
    expect(outcome.status).toBe('completed');
    const exec = outcome.containers.get('execution')!;
    const book =
      outcome.containers.get('portfolio_sma_crossover_5_20') ??
      [...outcome.containers.entries()].find(([k]) => k.startsWith('portfolio'))![1];
    expect(exec['partial_fills']).toBeGreaterThan(10);
    expect(book['open_positions']).toEqual({});
    expect(book['fills']).toBe(exec['fills']);
    // flat: equity = cash = initial cash + realized P&L (net of every commission)
    expect(book['final_equity']).toBeCloseTo(book['cash'] as number, 6);
    expect(book['final_equity']).toBeCloseTo(100_000 + (book['realized_pnl'] as number), 6);
    const trades = outcome.books[0]!.trades as readonly TradeEvent[];
    expect(trades.length).toBeGreaterThan(30);
    expect(trades.some((t) => t.quantity < 100)).toBe(true); // exits did fill in parts
  });
});
