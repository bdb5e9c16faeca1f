import type {
  BarEvent,
  CancelEvent,
  FillEvent,
  OrderEvent,
  RejectEvent,
  SignalEvent,
  SluiceEvent,
} from '../events/index.ts';
import type { InputTemplate } from './marble-values.ts';

/** One next notification of an input diagram, before it is turned into an event. */
export interface InputEmission {
  /** Which input stream, in declaration order. */
  readonly input: number;
  readonly frame: number;
  /** The value-table character, to locate a problem. */
  readonly char: string;
  readonly template: InputTemplate;
}

/** Settings that fill what a value leaves out. */
export interface InputDefaults {
  /** ts = frame × barMs. */
  readonly barMs: number;
  readonly symbol: string;
  /** Key of keyed events (the book). */
  readonly key: string;
}

/** An emission whose event could not be completed (a price with no bar to take it from). */
export interface InputProblem {
  readonly emission: InputEmission;
  readonly message: string;
}

/** Equity an ORDER carries when the spec does not say: a portfolio's default initial cash. */
export const DEFAULT_ORDER_EQUITY = 100_000;

/**
 * Turns every input emission into the event it emits, in time order across all inputs
 * (by frame, then input declaration order, then order within the diagram: the order a
 * TestScheduler delivers them).
 *
 * A bar's `ts` is frame × barMs; `seq` counts bars across all symbols and `index` counts
 * each symbol's bars, as the data container numbers them. Other events descend from the
 * latest bar of their symbol delivered before them: its `seq` and `ts`, and its close as
 * a signal's or order's `price` (a fill's price must be given). Ids count from 1 per
 * kind in delivery order: signals, orders; a fill or reject answers the orders in turn
 * (the n-th fill or reject has order_id n). Fields a value gives always win.
 *
 * @returns the events of each input, in its emission order, and any emission that could
 *   not be completed.
 */
export function buildInputEvents(
  emissions: readonly InputEmission[],
  inputCount: number,
  defaults: InputDefaults,
): { events: SluiceEvent[][]; problems: InputProblem[] } {
  const events: SluiceEvent[][] = Array.from({ length: inputCount }, () => []);
  const problems: InputProblem[] = [];
  const ordered = [...emissions].sort((a, b) => a.frame - b.frame || a.input - b.input);
  let seq = 0;
  const indexBySymbol = new Map<string, number>();
  const lastBar = new Map<string, BarEvent>();
  let signalIds = 0;
  let orderIds = 0;
  let answers = 0;

  for (const e of ordered) {
    const f = e.template.fields;
    const symbol = typeof f['symbol'] === 'string' ? f['symbol'] : defaults.symbol;
    const bar = lastBar.get(symbol);
    const common = {
      seq: bar?.seq ?? 0,
      ts: bar?.ts ?? e.frame * defaults.barMs,
      symbol,
      key: defaults.key,
    };
    const need = (field: string, value: number | undefined): number | undefined => {
      if (value === undefined)
        problems.push({ emission: e, message: `no ${field} given and no earlier bar of ${symbol} to take it from` });
      return value;
    };
    let ev: SluiceEvent;
    switch (e.template.type) {
      case 'BAR': {
        const close = f['close'] as number;
        const open = (f['open'] as number | undefined) ?? close;
        const index = indexBySymbol.get(symbol) ?? 0;
        indexBySymbol.set(symbol, index + 1);
        const b: BarEvent = {
          type: 'BAR',
          seq: seq++,
          ts: e.frame * defaults.barMs,
          symbol,
          source: 'data',
          index,
          open,
          high: (f['high'] as number | undefined) ?? Math.max(open, close),
          low: (f['low'] as number | undefined) ?? Math.min(open, close),
          close,
          volume: (f['volume'] as number | undefined) ?? 0,
        };
        lastBar.set(symbol, b);
        ev = b;
        break;
      }
      case 'SIGNAL': {
        const key = (f['key'] as string | undefined) ?? common.key;
        const direction = f['direction'] as SignalEvent['direction'];
        const s: SignalEvent = {
          type: 'SIGNAL',
          ...common,
          source: `strategy_${key}`,
          key,
          strategyId: key,
          signalId: ++signalIds,
          direction,
          strength: direction,
          price: f['price'] === undefined ? (need('price', bar?.close) ?? Number.NaN) : undefined,
          ...f,
        } as SignalEvent;
        ev = s;
        break;
      }
      case 'ORDER': {
        const key = (f['key'] as string | undefined) ?? common.key;
        const orderId = ++orderIds;
        const o = {
          type: 'ORDER',
          ...common,
          source: `portfolio_${key}`,
          key,
          orderId,
          signalId: orderId,
          reason: 'signal',
          price: f['price'] === undefined ? (need('price', bar?.close) ?? Number.NaN) : undefined,
          position: 0,
          equity: DEFAULT_ORDER_EQUITY,
          grossExposure: 0,
          ...f,
        } as OrderEvent;
        ev = o;
        break;
      }
      case 'FILL': {
        const orderId = ++answers;
        const fill = {
          type: 'FILL',
          ...common,
          source: 'execution',
          orderId,
          signalId: orderId,
          fillSeq: common.seq,
          fillTs: common.ts,
          remaining: 0,
          commission: 0,
          slippage: 0,
          reason: 'signal',
          ...f,
        } as FillEvent;
        ev = fill;
        break;
      }
      case 'CANCEL': {
        const key = (f['key'] as string | undefined) ?? common.key;
        const c = {
          type: 'CANCEL',
          ...common,
          source: `portfolio_${key}`,
          key,
          reason: 'canceled',
          ...f,
        } as CancelEvent;
        ev = c;
        break;
      }
      case 'REJECT': {
        const orderId = ++answers;
        const r = {
          type: 'REJECT',
          ...common,
          source: 'risk',
          orderId,
          signalId: orderId,
          reason: 'rejected',
          ...f,
        } as RejectEvent;
        ev = r;
        break;
      }
    }
    events[e.input]!.push(ev);
  }
  return { events, problems };
}
