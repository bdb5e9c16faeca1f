/**
 * The wire format of feeds: what `sluice replay` sends and `sluice live` reads by default
 * (docs/live.md), and the configurable mapping from any JSON message to a bar or a trade.
 *
 * A message is one JSON object (a WebSocket text message, or one NDJSON line):
 *
 * ```
 * {"type":"hello","feed":"sluice-replay","version":1,"symbols":["SPY"],"speed":"max"}
 * {"type":"bar","symbol":"SPY","ts":"2024-03-26T13:30:00.000Z","open":521.23,"high":521.44,"low":520.88,"close":521.36,"volume":888901}
 * {"type":"trade","symbol":"SPY","ts":"2024-03-26T13:30:01.250Z","price":521.3,"size":100}
 * {"type":"end","reason":"complete","bars":20769}
 * ```
 */
import type { FeedMapping } from '../../config/schema/live.ts';
import { parseCamel } from '../../config/schema-keys.ts';
import { FeedMappingSchema } from '../../config/schema/live.ts';
import { barFault, barIsSound, type BarFault } from '../bar-check.ts';
import { parseNumber } from '../parse-number.ts';
import { epochToMs, parseTimestamp } from '../parse-timestamp.ts';
import { parseTimeframe } from '../../domain/metrics/timeframe.ts';

/** Version of the message format, sent in `hello`. */
export const FEED_FORMAT_VERSION = 1;

/**
 * A bar as it travels on the wire (and in `sluice replay`'s NDJSON output): the format's
 * documentation, which {@link encodeBar} writes by hand.
 * @public
 */
export interface BarMessage {
  readonly type: 'bar';
  readonly symbol: string;
  /** ISO 8601 UTC, the start of the bar's interval. */
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The last message of a feed. */
export interface EndMessage {
  readonly type: 'end';
  /** `complete`: the data ran out; `interrupted`: the feed was stopped (Ctrl-C). */
  readonly reason: 'complete' | 'interrupted';
  /** Bars sent in all. */
  readonly bars: number;
}

/**
 * One bar as a JSON line (no trailing newline). Hand-built rather than `JSON.stringify`d:
 * the key order is fixed and numbers print as JavaScript's shortest round-trip form, so
 * the receiver parses back the very same doubles.
 */
export function encodeBar(
  symbol: string,
  ts: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string {
  return `{"type":"bar","symbol":${JSON.stringify(symbol)},"ts":"${new Date(ts).toISOString()}","open":${num(open)},"high":${num(high)},"low":${num(low)},"close":${num(close)},"volume":${num(volume)}}`;
}

/** A number as JSON; NaN and ±Infinity (a missing volume) as null. */
function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/**
 * Longest message read, in UTF-8 bytes (a stdin line, a WebSocket message; a decoded text
 * longer in characters is longer in bytes too). A bar is ~150 bytes; an array message of
 * 5,000 bars fits. A longer message is malformed, and never parsed.
 */
export const MAX_MESSAGE_BYTES = 1 << 20;
/** Deepest nesting of arrays and objects in a message (a bar needs 2 or 3 levels). */
export const MAX_MESSAGE_DEPTH = 32;
/** Timestamps of bars and trades lie in [1900-01-01, 2200-01-01) UTC; others are malformed. */
export const MIN_FEED_TS = Date.UTC(1900, 0, 1);
export const MAX_FEED_TS = Date.UTC(2200, 0, 1);

/** A feed message after mapping. Timestamps are epoch ms UTC (bar: start of its interval). */
export type FeedItem =
  | {
      readonly kind: 'bar';
      readonly symbol: string;
      readonly ts: number;
      readonly open: number;
      readonly high: number;
      readonly low: number;
      readonly close: number;
      readonly volume: number;
    }
  | {
      readonly kind: 'trade';
      readonly symbol: string;
      readonly ts: number;
      readonly price: number;
      readonly size: number;
    }
  | { readonly kind: 'end'; readonly reason: string }
  /** A message of another type (hello, heartbeat…): not an error, not data. */
  | { readonly kind: 'other'; readonly type: string }
  | { readonly kind: 'malformed'; readonly reason: string };

type Path = readonly string[];

/**
 * Turns raw messages into {@link FeedItem}s by a {@link FeedMapping}. Never throws: a
 * message it cannot read becomes a `malformed` item saying why.
 */
export class MessageDecoder {
  private readonly m: FeedMapping;
  private readonly typeField: Path | null;
  private readonly symbol: Path | null;
  private readonly fields: Record<'ts' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'price' | 'size', Path>;
  private readonly barTypes: ReadonlySet<string>;
  private readonly tradeTypes: ReadonlySet<string>;
  private readonly endTypes: ReadonlySet<string>;
  private readonly defaultSymbol: string | undefined;
  /** Subtracted from a bar's timestamp: one timeframe when feeds stamp bars at their end. */
  private readonly barShift: number;

  /**
   * @param mapping the config's `live.feed.mapping` (default: the sluice format)
   * @param defaultSymbol symbol of messages without one (mapping.default_symbol wins)
   * @param timeframe the bar timeframe, needed when `bar_ts: end`
   */
  constructor(mapping: FeedMapping = parseCamel(FeedMappingSchema, {}), defaultSymbol?: string, timeframe?: string) {
    this.m = mapping;
    const split = (p: string): Path => p.split('.');
    this.typeField = mapping.typeField === null ? null : split(mapping.typeField);
    this.symbol = mapping.symbol === null ? null : split(mapping.symbol);
    this.fields = {
      ts: split(mapping.ts),
      open: split(mapping.open),
      high: split(mapping.high),
      low: split(mapping.low),
      close: split(mapping.close),
      volume: split(mapping.volume),
      price: split(mapping.price),
      size: split(mapping.size),
    };
    this.barTypes = new Set(mapping.barTypes);
    this.tradeTypes = new Set(mapping.tradeTypes);
    this.endTypes = new Set(mapping.endTypes);
    this.defaultSymbol = mapping.defaultSymbol ?? defaultSymbol;
    this.barShift = mapping.barTs === 'end' ? parseTimeframe(timeframe ?? '') : 0;
  }

  /** Decodes one raw message (a JSON text); an array message gives several items. */
  decode(text: string): FeedItem[] {
    const parsed = parseFeedMessage(text);
    if ('malformed' in parsed) return [{ kind: 'malformed', reason: parsed.malformed }];
    const value = parsed.value;
    if (Array.isArray(value)) return value.map((v) => this.item(v));
    return [this.item(value)];
  }

  /** Maps one parsed JSON value. */
  item(value: unknown): FeedItem {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { kind: 'malformed', reason: `not a JSON object: ${preview(JSON.stringify(value) ?? String(value))}` };
    }
    let kind: 'bar' | 'trade';
    if (this.typeField === null) {
      kind = this.m.kind;
    } else {
      const t = get(value, this.typeField);
      const type = typeof t === 'string' ? t : t === undefined ? '' : String(t);
      if (this.barTypes.has(type)) kind = 'bar';
      else if (this.tradeTypes.has(type)) kind = 'trade';
      else if (this.endTypes.has(type)) {
        const reason = (value as Record<string, unknown>)['reason'];
        return { kind: 'end', reason: typeof reason === 'string' ? reason : 'end' };
      } else if (t === undefined) return { kind: 'malformed', reason: `no ${this.m.typeField ?? ''} field` };
      else return { kind: 'other', type };
    }
    const symbolValue = this.symbol === null ? undefined : get(value, this.symbol);
    const symbol =
      typeof symbolValue === 'string' && symbolValue !== ''
        ? symbolValue
        : symbolValue === undefined
          ? this.defaultSymbol
          : undefined;
    if (symbol === undefined)
      return {
        kind: 'malformed',
        reason:
          symbolValue === undefined
            ? `no ${this.m.symbol ?? 'symbol'} field`
            : `${this.m.symbol ?? 'symbol'} is not a string`,
      };
    const ts = this.time(get(value, this.fields.ts));
    if (Number.isNaN(ts))
      return {
        kind: 'malformed',
        reason: `${this.m.ts}: not a timestamp: ${preview(JSON.stringify(get(value, this.fields.ts)) ?? 'missing')}`,
      };
    if (!(ts >= MIN_FEED_TS && ts < MAX_FEED_TS)) {
      return {
        kind: 'malformed',
        reason: `${this.m.ts}: timestamp out of range (years 1900 to 2199): ${preview(JSON.stringify(get(value, this.fields.ts)) ?? '')}`,
      };
    }
    if (kind === 'trade') {
      const price = number(get(value, this.fields.price));
      const sizeValue = get(value, this.fields.size);
      const size = sizeValue === undefined ? 0 : number(sizeValue);
      if (infinite(price))
        return { kind: 'malformed', reason: `${this.m.price}: expected a finite number, got ${price}` };
      if (infinite(size)) return { kind: 'malformed', reason: `${this.m.size}: expected a finite number, got ${size}` };
      if (!(price > 0)) return { kind: 'malformed', reason: `${this.m.price}: expected a positive number` };
      if (!(size >= 0)) return { kind: 'malformed', reason: `${this.m.size}: expected a number ≥ 0` };
      return { kind: 'trade', symbol, ts, price, size };
    }
    const o = number(get(value, this.fields.open));
    const h = number(get(value, this.fields.high));
    const l = number(get(value, this.fields.low));
    const c = number(get(value, this.fields.close));
    const volumeValue = get(value, this.fields.volume);
    const v = volumeValue === undefined || volumeValue === null ? Number.NaN : number(volumeValue);
    // A missing volume is NaN, as in a file without a volume column; one present but not a
    // number is malformed.
    if (Number.isNaN(v) && !(volumeValue === undefined || volumeValue === null)) {
      return {
        kind: 'malformed',
        reason: `${this.m.volume}: expected a number ≥ 0, got ${preview(JSON.stringify(volumeValue) ?? String(volumeValue))}`,
      };
    }
    // The rule of the file sources (data/bar-check.ts), worded for a feed: a JSON number
    // too large for a double (1e400) parses as Infinity and is refused like the CSV reader
    // refuses it.
    if (!barIsSound(o, h, l, c, v))
      return { kind: 'malformed', reason: this.faultReason(barFault(o, h, l, c, v), value) };
    return { kind: 'bar', symbol, ts: ts - this.barShift, open: o, high: h, low: l, close: c, volume: v };
  }

  /** A bar's fault as a malformed message's reason, naming the field by its mapped path. */
  private faultReason(fault: BarFault | null, value: object): string {
    if (fault === null) return 'not a bar';
    const path = this.m[fault.field];
    switch (fault.kind) {
      case 'price':
        return `open, high, low and close must be positive numbers: ${path} is ${preview(JSON.stringify(get(value, this.fields[fault.field])) ?? 'missing')}`;
      case 'infinite':
        return `${path}: expected a finite number, got ${fault.value}`;
      case 'volume':
        return `${path}: expected a number ≥ 0, got ${fault.value}`;
      case 'high':
      case 'low':
        return `inconsistent bar: ${fault.what}`;
    }
  }

  private time(v: unknown): number {
    const f = this.m.tsFormat;
    if (typeof v === 'string') {
      if (f === 'auto' || f === 'iso') return parseTimestamp(v);
      const n = v.trim() === '' ? Number.NaN : Number(v);
      return this.epoch(n);
    }
    if (typeof v === 'number' && Number.isFinite(v) && f !== 'iso') return f === 'auto' ? epochToMs(v) : this.epoch(v);
    return Number.NaN;
  }

  private epoch(n: number): number {
    switch (this.m.tsFormat) {
      case 'epoch_s':
        return n * 1000;
      case 'epoch_us':
        return n / 1e3;
      case 'epoch_ns':
        return n / 1e6;
      default:
        return n;
    }
  }
}

/** The value at a dotted path, or undefined. */
function get(obj: object, path: Path): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A JSON number, or a numeric string (many feeds quote prices) read like a bar file's
 * field ({@link parseNumber}); NaN otherwise.
 */
function number(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseNumber(v);
  return Number.NaN;
}

function infinite(v: number): boolean {
  return v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY;
}

/**
 * Parses one raw message under the limits every feed applies (size, nesting depth): the
 * value, or why it is malformed. The first step of the decoder, and of provider protocols
 * that read the JSON themselves.
 */
export function parseFeedMessage(text: string): { readonly value: unknown } | { readonly malformed: string } {
  if (text.length > MAX_MESSAGE_BYTES)
    return {
      malformed: `message longer than ${MAX_MESSAGE_BYTES.toLocaleString('en-US')} bytes (${text.length.toLocaleString('en-US')} characters)`,
    };
  // Checked before parsing: a deeply nested value would overflow the stack of every
  // recursive walk after it (JSON.stringify in a log line among them).
  if (nestedDeeperThan(text, MAX_MESSAGE_DEPTH))
    return { malformed: `arrays or objects nested more than ${MAX_MESSAGE_DEPTH} levels deep` };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { malformed: `not JSON: ${preview(text)}` };
  }
}

/** Whether JSON text nests arrays and objects more than `max` deep (brackets in strings do not count). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
