import type { TraceLevel } from '../config/schema/trading.ts';
import { TRACE_PRESETS, type TraceType } from './presets.ts';
import type { Trace } from './read-trace.ts';
import type { TraceHeader, TraceRecord } from './trace-record.ts';

/** What risk did with an order, as far as the trace shows. */
export type RiskVerdict = 'approved' | 'resized' | 'rejected' | 'unknown';

/**
 * The records that explain one order, found by following the correlation chain
 * backwards: fill → order → signal → features → bar (see TraceRecord for the ids).
 * A step the trace does not hold (not recorded at its level, sampled out or dropped by
 * retention) is undefined.
 */
export interface CausalChain {
  readonly orderId: number;
  readonly bar: TraceRecord | undefined;
  readonly features: TraceRecord | undefined;
  readonly signal: TraceRecord | undefined;
  /** The order as its portfolio sent it. */
  readonly order: TraceRecord | undefined;
  /** The order as risk passed it on (absent when risk rejected it, or it was not traced). */
  readonly approved: TraceRecord | undefined;
  /** Risk's rejection, or execution's notice that the order ended unfilled (it carries `remaining`). */
  readonly reject: TraceRecord | undefined;
  /** The order's (first) fill; a partially filled order has more. */
  readonly fill: TraceRecord | undefined;
  /** The trade this order's fill closed, if it closed one. */
  readonly trade: TraceRecord | undefined;
  readonly risk: RiskVerdict;
}

/** Lookups over a trace's records, built once per trace. */
export class TraceIndex {
  private readonly byId = new Map<string, TraceRecord[]>();
  private readonly byCause = new Map<string, TraceRecord[]>();
  private readonly fillsBySeq = new Map<number, TraceRecord[]>();

  constructor(readonly trace: Trace) {
    for (const r of trace.records) {
      push(this.byId, r.id, r);
      if (r.cause !== null) push(this.byCause, r.cause, r);
      if (r.type === 'FILL') {
        const fillSeq = r.data['fill_seq'];
        if (typeof fillSeq === 'number') push(this.fillsBySeq, fillSeq, r);
      }
    }
  }

  /** Records with `id`, in trace order. */
  get(id: string): readonly TraceRecord[] {
    return this.byId.get(id) ?? [];
  }

  /** Records whose cause is `id`, in trace order. */
  causedBy(id: string): readonly TraceRecord[] {
    return this.byCause.get(id) ?? [];
  }

  /** Order ids of the fills that happened on bar `fillSeq` (a trade's `bar_seq` in trades.ndjson). */
  ordersFilledOn(fillSeq: number): number[] {
    return (this.fillsBySeq.get(fillSeq) ?? [])
      .map((r) => r.data['order_id'])
      .filter((id): id is number => typeof id === 'number');
  }

  /** Every order id the trace mentions, ascending. */
  orderIds(): number[] {
    const ids = new Set<number>();
    for (const r of this.trace.records) {
      const id = r.data['order_id'];
      if (typeof id === 'number') ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  }
}

/** The chain of order `orderId`, or undefined when the trace holds no record of that order at all. */
export function orderChain(index: TraceIndex, orderId: number): CausalChain | undefined {
  const orders = index.get(`order:${orderId}`);
  const reject = index.get(`reject:${orderId}`)[0];
  const fill = index.get(`fill:${orderId}`)[0];
  const order = orders[0];
  const any = order ?? fill ?? reject;
  if (any === undefined) return undefined;
  // The first ORDER record is the portfolio's; a later one with the same id is what risk let through.
  const approved = orders.find((o, i) => i > 0 && o.source !== order?.source);
  const signalId = any.data['signal_id'];
  const signal = typeof signalId === 'number' && signalId > 0 ? index.get(`signal:${signalId}`)[0] : undefined;
  const barSeq = signal?.seq ?? any.seq;
  const sameSymbol = (r: TraceRecord): boolean => r.symbol === any.symbol;
  const features = barSeq === null ? undefined : index.get(`features:${barSeq}`).find(sameSymbol);
  const bar = barSeq === null ? undefined : index.get(`bar:${barSeq}`).find(sameSymbol);
  const trade = index.causedBy(`fill:${orderId}`).find((r) => r.type === 'TRADE');
  // Execution's notices (cancelled, expired…) carry `remaining`; risk's rejections do not.
  const riskRejected = reject !== undefined && reject.data['remaining'] === undefined;
  const risk: RiskVerdict = riskRejected
    ? 'rejected'
    : approved?.data['risk_note'] !== undefined
      ? 'resized'
      : approved !== undefined || fill !== undefined
        ? 'approved'
        : 'unknown';
  return { orderId, bar, features, signal, order, approved, reject, fill, trade, risk };
}

/** The chains of every fill on bar `fillSeq` (several books may fill on one bar). */
export function fillChains(index: TraceIndex, fillSeq: number): CausalChain[] {
  return index.ordersFilledOn(fillSeq).flatMap((id) => orderChain(index, id) ?? []);
}

/** Ten significant digits: prices keep every digit the data has, float noise (…0000001) goes. */
const num = (v: unknown): string => (typeof v === 'number' ? String(Number(v.toPrecision(10))) : String(v));
const signed = (d: unknown): string => (d === 1 ? 'long' : d === -1 ? 'short' : d === 0 ? 'flat' : String(d));
const label = (name: string): string => `  ${name.padEnd(9)} `;

/** Why a step is missing: the level does not record its type, or it was sampled out or dropped. */
function missing(type: TraceType, header: TraceHeader | undefined): string {
  const level = header?.level as TraceLevel | undefined;
  if (level !== undefined && level in TRACE_PRESETS && !TRACE_PRESETS[level].includes(type)) {
    return `— not recorded at level ${level} (${type} needs ${type === 'BAR' ? 'debug' : type === 'FEATURES' ? 'detailed' : 'standard'})`;
  }
  return '— not in the trace (sampled out, dropped by retention, or outside this run)';
}

/** The bar's OHLCV from a BAR record or, at detailed level, from the FEATURES record that carries it. */
function barLine(chain: CausalChain, header: TraceHeader | undefined): string {
  const src = chain.bar ?? chain.features;
  const d =
    chain.bar !== undefined ? chain.bar.data : (chain.features?.data['bar'] as Record<string, unknown> | undefined);
  if (src === undefined || d === undefined) return label('bar') + missing('BAR', header);
  return `${label('bar')}#${src.seq}  ${src.ts}  ${src.symbol}  open ${num(d['open'])}  high ${num(d['high'])}  low ${num(d['low'])}  close ${num(d['close'])}  volume ${num(d['volume'])}`;
}

function featuresLine(chain: CausalChain, header: TraceHeader | undefined): string {
  const f = chain.features;
  if (f === undefined) return label('features') + missing('FEATURES', header);
  const values = (f.data['values'] as unknown[] | undefined) ?? [];
  const names = header?.features ?? [];
  const strategy = chain.signal?.data['strategy'];
  const wanted = typeof strategy === 'string' ? header?.strategies[strategy] : undefined;
  const shown = (wanted ?? names).map((name) => ({ name, i: names.indexOf(name) })).filter((x) => x.i >= 0);
  const parts =
    shown.length > 0
      ? shown.map((x) => `${x.name} = ${num(values[x.i] ?? null)}`)
      : values.map((v, i) => `[${i}] = ${num(v)}`);
  return `${label('features')}#${f.seq}  ${parts.join(', ')}`;
}

function riskLine(chain: CausalChain): string {
  switch (chain.risk) {
    case 'rejected':
      return `${label('risk')}rejected: ${String(chain.reject?.data['reason'])}`;
    case 'resized':
      return `${label('risk')}resized to ${num(chain.approved?.data['quantity'])}: ${String(chain.approved?.data['risk_note'])}`;
    case 'approved':
      return `${label('risk')}approved${chain.approved !== undefined ? ` (${chain.approved.source} → ${formatTarget(chain.approved.target)})` : ' (the order was filled)'}`;
    case 'unknown':
      return `${label('risk')}— no decision in the trace`;
  }
}

const formatTarget = (t: TraceRecord['target']): string =>
  t === null ? '—' : typeof t === 'string' ? t : t.join(', ');

/**
 * The chain as text, one line per step, in causal order: bar → features → signal →
 * order → risk → fill (→ the trade it closed).
 */
export function formatChain(chain: CausalChain, header: TraceHeader | undefined): string {
  const o = chain.order ?? chain.fill ?? chain.reject!;
  const lines = [
    `order ${chain.orderId} · book ${o.key ?? '?'} · ${o.symbol ?? '?'}${header !== undefined ? `  (trace ${header.trace_id}, phase ${header.phase}, level ${header.level})` : ''}`,
  ];
  const reason = chain.order?.data['reason'] ?? chain.fill?.data['reason'];
  const fromSignal =
    typeof chain.order?.data['signal_id'] === 'number'
      ? (chain.order.data['signal_id'] as number) > 0
      : reason === 'signal';
  lines.push(barLine(chain, header));
  lines.push(featuresLine(chain, header));
  if (chain.signal !== undefined) {
    const d = chain.signal.data;
    lines.push(
      `${label('signal')}#${num(d['signal_id'])}  strategy ${String(d['strategy'])} → ${signed(d['direction'])}, strength ${num(d['strength'])}, at close ${num(d['price'])} (${chain.signal.source})`,
    );
  } else {
    lines.push(
      label('signal') + (fromSignal ? missing('SIGNAL', header) : `— none: the order's reason is ${String(reason)}`),
    );
  }
  if (chain.order !== undefined) {
    const d = chain.order.data;
    lines.push(
      `${label('order')}#${chain.orderId}  ${String(d['side'])} ${num(d['quantity'])} ${chain.order.symbol} at ref ${num(d['price'])} (reason ${String(d['reason'])}); position ${num(d['position'])}, equity ${num(d['equity'])} (${chain.order.source} → ${formatTarget(chain.order.target)})`,
    );
  } else lines.push(label('order') + missing('ORDER', header));
  lines.push(riskLine(chain));
  if (chain.fill !== undefined) {
    const d = chain.fill.data;
    lines.push(
      `${label('fill')}${String(d['side'])} ${num(d['quantity'])} @ ${num(d['price'])} on bar #${num(d['fill_seq'])} ${String(d['fill_ts'])}; commission ${num(d['commission'])}, slippage ${num(d['slippage'])}` +
        (typeof d['remaining'] === 'number' && d['remaining'] > 0 ? `; partial, ${num(d['remaining'])} left` : ''),
    );
  } else if (chain.risk !== 'rejected' && chain.reject === undefined)
    lines.push(label('fill') + missing('FILL', header));
  if (chain.reject !== undefined && chain.risk !== 'rejected') {
    const d = chain.reject.data;
    lines.push(`${label('ended')}${String(d['reason'])}: ${num(d['remaining'])} unfilled (${chain.reject.source})`);
  }
  if (chain.trade !== undefined) {
    const d = chain.trade.data;
    lines.push(
      `${label('trade')}#${num(d['trade_id'])} closed: ${String(d['direction'])} ${num(d['quantity'])}, entry ${num(d['entry_price'])} → exit ${num(d['exit_price'])}, pnl ${num(d['pnl'])} (${(Number(d['return_pct']) * 100).toFixed(3)}%), ${num(d['bars_held'])} bars`,
    );
  }
  return lines.join('\n');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
