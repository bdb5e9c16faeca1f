import { z } from 'zod';
import type { EventType, SluiceEvent } from '../events/index.ts';

/**
 * The fields of every event type as a marble spec writes them: snake_case, as in every
 * YAML file of the project, while the events themselves are camelCase objects. One
 * table serves input events (hand-written values), expected values (partial objects)
 * and the diff (which fields to show); a type-level check below keeps it in step with
 * `src/events/events.ts`.
 */

/** Any number, `.nan` included: a feature value may legitimately be NaN while warming up. */
export const anyNumber = z.union([z.number(), z.nan()]);
const int = z.number().int();
const text = z.string();
const side = z.enum(['buy', 'sell']);
const direction = z.union([z.literal(-1), z.literal(0), z.literal(1)]);

const base = { seq: int.min(0), ts: anyNumber, symbol: text, source: text };

/** Field schemas per event type, snake_case keys. FEATURES' `bar` is left out: it is the BAR event. */
export const EVENT_FIELDS = {
  BAR: {
    ...base,
    index: int.min(0),
    open: anyNumber,
    high: anyNumber,
    low: anyNumber,
    close: anyNumber,
    volume: anyNumber,
  },
  FEATURES: { ...base, values: z.array(anyNumber) },
  CLASSIFICATION: { ...base, classifier: text, regime: text },
  SIGNAL: {
    ...base,
    key: text,
    strategy_id: text,
    signal_id: int,
    direction,
    strength: anyNumber,
    price: anyNumber,
    target: z.strictObject({ weight: anyNumber, pending: int.min(0) }),
  },
  ORDER: {
    ...base,
    key: text,
    order_id: int,
    signal_id: int,
    side,
    quantity: anyNumber,
    reason: text,
    price: anyNumber,
    position: anyNumber,
    equity: anyNumber,
    gross_exposure: anyNumber,
    risk_note: text,
    order_type: z.enum(['market', 'limit', 'stop']),
    limit_price: anyNumber,
    stop_price: anyNumber,
    expires_after_bars: int.min(1),
    reduce_only: z.boolean(),
    oco_group: int,
  },
  CANCEL: { ...base, key: text, order_id: int, reason: text },
  REJECT: { ...base, key: text, order_id: int, signal_id: int, reason: text, remaining: anyNumber },
  FILL: {
    ...base,
    key: text,
    order_id: int,
    signal_id: int,
    fill_seq: int,
    fill_ts: anyNumber,
    side,
    quantity: anyNumber,
    remaining: anyNumber,
    price: anyNumber,
    commission: anyNumber,
    slippage: anyNumber,
    reason: text,
  },
  PORTFOLIO: {
    ...base,
    key: text,
    cash: anyNumber,
    equity: anyNumber,
    gross_exposure: anyNumber,
    invested: z.boolean(),
    realized_pnl: anyNumber,
    unrealized_pnl: anyNumber,
  },
  TRADE: {
    ...base,
    key: text,
    trade_id: int,
    direction: z.enum(['long', 'short']),
    quantity: anyNumber,
    entry_ts: anyNumber,
    entry_price: anyNumber,
    exit_ts: anyNumber,
    exit_price: anyNumber,
    pnl: anyNumber,
    gross_pnl: anyNumber,
    commission: anyNumber,
    return_pct: anyNumber,
    bars_held: int,
    exit_reason: text,
  },
} as const satisfies Record<EventType, z.ZodRawShape>;

// Compile-time guard: the snake_case names, camelized, are exactly the event's fields.
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type FieldsOf<T extends EventType> = Exclude<
  keyof Extract<SluiceEvent, { type: T }>,
  'type' | (T extends 'FEATURES' ? 'bar' : never)
>;
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type TableMatches = { [T in EventType]: SameKeys<Camel<keyof (typeof EVENT_FIELDS)[T] & string>, FieldsOf<T>> };
const tableMatches: TableMatches[EventType] = true;
void tableMatches;

/**
 * Fields shown for an event when nothing says which ones matter (an event no expected
 * value asked for): enough to recognise it in a diff.
 */
export const SUMMARY_FIELDS: Readonly<Record<EventType, readonly string[]>> = {
  BAR: ['open', 'high', 'low', 'close'],
  FEATURES: ['values'],
  CLASSIFICATION: ['classifier', 'regime'],
  SIGNAL: ['direction', 'strength', 'price'],
  ORDER: ['side', 'quantity', 'price', 'reason'],
  CANCEL: ['order_id', 'reason'],
  REJECT: ['order_id', 'reason'],
  FILL: ['side', 'quantity', 'price', 'fill_seq'],
  PORTFOLIO: ['cash', 'equity', 'invested'],
  TRADE: ['direction', 'quantity', 'entry_price', 'exit_price', 'pnl'],
};

/** `gross_exposure` → `grossExposure`. */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Streams named after an event type, in every subject: an input or expected stream with
 * one of these names carries that type.
 */
export const STREAM_TYPES: Readonly<Record<string, EventType>> = {
  bars: 'BAR',
  features: 'FEATURES',
  signals: 'SIGNAL',
  orders: 'ORDER',
  cancels: 'CANCEL',
  rejects: 'REJECT',
  fills: 'FILL',
  snapshots: 'PORTFOLIO',
  trades: 'TRADE',
};

/** The event type a stream of this name carries, if the name is one of {@link STREAM_TYPES}. */
export function streamType(name: string): EventType | undefined {
  // Own keys only: a stream called `constructor` names no event type.
  return Object.hasOwn(STREAM_TYPES, name) ? STREAM_TYPES[name] : undefined;
}

/** The stream name of an event type (`ORDER` → `orders`). */
export function streamNameOf(type: EventType): string | undefined {
  return Object.keys(STREAM_TYPES).find((k) => STREAM_TYPES[k] === type);
}
