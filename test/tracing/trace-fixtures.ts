import type {
  BarEvent,
  FeaturesEvent,
  FillEvent,
  OrderEvent,
  PortfolioEvent,
  RejectEvent,
  SignalEvent,
  TradeEvent,
} from '../../src/events/index.ts';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { createRoute, type Route } from '../../src/routes/index.ts';
import type { RouteKind } from '../../src/config/schema/topology.ts';
import type { EventType } from '../../src/events/index.ts';
import { TraceSettingsSchema, type TraceSettings } from '../../src/config/schema/trading.ts';

/** Trace settings as the config would resolve them, from a partial YAML-like object. */
export const settings = (raw: Record<string, unknown>): TraceSettings => parseCamel(TraceSettingsSchema, raw);

/** A compiled-style route with no consumers subscribed (delivery to nobody is fine for a tap). */
export function route(
  name: string,
  kind: RouteKind,
  from: string[],
  to: { id: string; key?: string }[],
  events: EventType[],
  byKey = false,
): Route {
  return createRoute({ name, kind, from, targets: to, events, byKey });
}

const T0 = Date.UTC(2025, 0, 2, 14, 30);

export const bar = (seq: number, symbol = 'SPY'): BarEvent => ({
  type: 'BAR',
  seq,
  ts: T0 + seq * 300_000,
  symbol,
  source: 'data',
  index: seq,
  open: 100 + seq,
  high: 101 + seq,
  low: 99 + seq,
  close: 100.5 + seq,
  volume: 1000 + seq,
});

export const features = (seq: number): FeaturesEvent => ({
  type: 'FEATURES',
  seq,
  ts: bar(seq).ts,
  symbol: 'SPY',
  source: 'features',
  bar: bar(seq),
  values: Float64Array.of(1.5, Number.NaN),
});

export const signal = (seq: number, key: string, signalId: number, direction: -1 | 0 | 1 = 1): SignalEvent => ({
  type: 'SIGNAL',
  seq,
  ts: bar(seq).ts,
  symbol: 'SPY',
  source: `strategy_${key}`,
  key,
  strategyId: key,
  signalId,
  direction,
  strength: direction * 0.5,
  price: bar(seq).close,
});

export const order = (
  seq: number,
  key: string,
  orderId: number,
  signalId: number,
  side: 'buy' | 'sell',
  quantity = 100,
): OrderEvent => ({
  type: 'ORDER',
  seq,
  ts: bar(seq).ts,
  symbol: 'SPY',
  source: `portfolio_${key}`,
  key,
  orderId,
  signalId,
  side,
  quantity,
  reason: signalId > 0 ? 'signal' : 'end_of_data',
  price: bar(seq).close,
  position: 0,
  equity: 100_000,
  grossExposure: 0,
});

export const fill = (o: OrderEvent, fillSeq = o.seq + 1): FillEvent => ({
  type: 'FILL',
  seq: o.seq,
  ts: o.ts,
  symbol: o.symbol,
  source: 'execution',
  key: o.key,
  orderId: o.orderId,
  signalId: o.signalId,
  fillSeq,
  fillTs: bar(fillSeq).ts,
  fillIndex: fillSeq,
  side: o.side,
  quantity: o.quantity,
  remaining: 0,
  price: bar(fillSeq).open,
  commission: 1,
  slippage: 0.01,
  reason: o.reason,
});

export const reject = (o: OrderEvent): RejectEvent => ({
  type: 'REJECT',
  seq: o.seq,
  ts: o.ts,
  symbol: o.symbol,
  source: 'risk',
  key: o.key,
  orderId: o.orderId,
  signalId: o.signalId,
  reason: 'max_position',
});

export const snapshot = (seq: number, key: string): PortfolioEvent => ({
  type: 'PORTFOLIO',
  seq,
  ts: bar(seq).ts,
  symbol: '*',
  source: `portfolio_${key}`,
  key,
  cash: 1,
  equity: 2,
  grossExposure: 0,
  invested: false,
  realizedPnl: 0,
  unrealizedPnl: 0,
});

export const trade = (f: FillEvent, tradeId: number): TradeEvent => ({
  type: 'TRADE',
  seq: f.fillSeq,
  ts: f.fillTs,
  symbol: f.symbol,
  source: `portfolio_${f.key}`,
  key: f.key,
  tradeId,
  direction: 'long',
  quantity: f.quantity,
  entryTs: T0,
  entryPrice: 100,
  exitTs: f.fillTs,
  exitPrice: f.price,
  pnl: 1,
  grossPnl: 2,
  commission: 1,
  returnPct: 0.01,
  barsHeld: 3,
  exitReason: 'signal',
});

/** The backtest topology's routes for books `keys` (as patterns/topologies/backtest.yaml expands them). */
export function backtestRoutes(
  keys: string[],
): Record<'bars' | 'features' | 'signals' | 'orders' | 'approved' | 'rejections' | 'fills', Route> {
  const portfolios = keys.map((k) => ({ id: `portfolio_${k}`, key: k }));
  return {
    bars: route('bars', 'broadcast', ['data'], [...portfolios, { id: 'execution' }, { id: 'features' }], ['BAR']),
    features: route(
      'features',
      'broadcast',
      ['features'],
      keys.map((k) => ({ id: `strategy_${k}`, key: k })),
      ['FEATURES'],
    ),
    signals: route(
      'signals',
      'selective',
      keys.map((k) => `strategy_${k}`),
      portfolios,
      ['SIGNAL'],
      true,
    ),
    orders: route(
      'orders',
      'merge',
      portfolios.map((p) => p.id),
      [{ id: 'risk' }],
      ['ORDER'],
    ),
    approved: route('approved', 'pipeline', ['risk'], [{ id: 'execution' }], ['ORDER']),
    rejections: route('rejections', 'feedback', ['risk'], portfolios, ['REJECT'], true),
    fills: route('fills', 'feedback', ['execution'], portfolios, ['FILL'], true),
  };
}
