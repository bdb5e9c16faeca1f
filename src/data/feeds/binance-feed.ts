/**
 * Binance spot public market data: kline (candlestick) streams, no credentials.
 *
 * One connection to the combined stream `<base>/stream?streams=<symbol>@kline_<interval>/…`
 * (symbols lower-case). Each message is `{"stream":"btcusdt@kline_1m","data":{"e":"kline",
 * "E":<event ms>,"s":"BTCUSDT","k":{"t":<start ms>,"T":<end ms>,"s":"BTCUSDT","i":"1m",
 * "o":"…","h":"…","l":"…","c":"…","v":"…","x":<closed>,…}}}` with prices as strings. A
 * kline is pushed every second or two while it is open (`x: false`: skipped, counted as
 * "other") and once more when it closes (`x: true`): only that one makes a bar.
 *
 * The server pings every few seconds to minutes and drops a client that does not pong
 * (the `ws` library answers pings by itself), and closes every connection after 24 hours:
 * the feed's reconnect opens a new one. Klines that closed while disconnected are not
 * sent again: they show as a gap.
 */
import type { Logger } from 'pino';
import { parseCamel } from '../../config/schema-keys.ts';
import type { BinanceFeedConfig } from '../../config/schema/live.ts';
import { FeedMappingSchema } from '../../config/schema/live.ts';
import { parseTimeframe } from '../../domain/metrics/timeframe.ts';
import type { BarAggregator } from './bar-aggregator.ts';
import type { FeedIntake } from './feed-intake.ts';
import type { WsConnection, WsProtocol } from './websocket-feed.ts';
import { MessageDecoder } from './messages.ts';

/** Binance's public spot stream endpoint. */
export const BINANCE_STREAM_BASE = 'wss://stream.binance.com:9443';

/** The combined-stream URL of the symbols' kline streams on `base` (e.g. a proxy or a test server). */
export function binanceStreamUrl(base: string, symbols: readonly string[], interval: string): string {
  const streams = symbols.map((s) => `${s.toLowerCase()}@kline_${interval}`).join('/');
  return `${base.replace(/\/+$/, '')}/stream?streams=${streams}`;
}

/** The kline interval in ms ('1m' → 60,000). */
export function binanceIntervalMs(interval: BinanceFeedConfig['interval']): number {
  return parseTimeframe(interval);
}

/**
 * Reads the combined kline stream: closed klines become bars (through the aggregator,
 * to the config's timeframe), with the same checks as any feed bar (positive finite
 * prices, a consistent bar, a timestamp in range). Symbols are matched to the config's
 * case-insensitively (`BTCUSDT` in the message is `btcusdt` in a config that spells it so).
 */
export class BinanceProtocol implements WsProtocol {
  /** Klines skipped because still open (`x: false`). */
  openKlines = 0;
  private readonly decoder: MessageDecoder;
  private readonly symbols: Map<string, string>;

  constructor(
    private readonly intake: FeedIntake,
    private readonly aggregator: BarAggregator,
    symbols: readonly string[],
    private readonly logger: Logger,
  ) {
    this.symbols = new Map(symbols.map((s) => [s.toUpperCase(), s]));
    this.decoder = new MessageDecoder(
      parseCamel(FeedMappingSchema, {
        type_field: 'e',
        bar_types: ['kline'],
        end_types: [],
        symbol: 'k.s',
        ts: 'k.t',
        ts_format: 'epoch_ms',
        open: 'k.o',
        high: 'k.h',
        low: 'k.l',
        close: 'k.c',
        volume: 'k.v',
      }),
    );
  }

  open(): void {
    this.logger.debug('binance: connected to the kline streams');
  }

  message(text: string, connection: WsConnection): boolean {
    const { intake } = this;
    const parsed = intake.receivedJson(text);
    if (parsed === undefined) return false;
    const value = parsed.value;
    const data =
      value !== null && typeof value === 'object' && 'data' in value ? (value as { data: unknown }).data : value;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      intake.item({ kind: 'malformed', reason: 'not a combined-stream message ({"stream":…,"data":{…}})' }, text);
      return false;
    }
    const k = (data as { k?: unknown }).k;
    const closed = k !== null && typeof k === 'object' ? (k as { x?: unknown }).x : undefined;
    if ((data as { e?: unknown }).e === 'kline') connection.delivered();
    if ((data as { e?: unknown }).e === 'kline' && closed === false) {
      this.openKlines++;
      intake.item({ kind: 'other', type: 'kline (open)' }, text);
      return false;
    }
    const item = this.decoder.item(data);
    if (item.kind !== 'bar') return intake.item(item, text);
    if (closed !== true)
      return intake.item({ kind: 'malformed', reason: 'k.x: expected true (closed) or false (open)' }, text);
    if (!intake.inTime(item.ts, text)) return false;
    const symbol = this.symbols.get(item.symbol.toUpperCase()) ?? item.symbol;
    this.aggregator.bar(symbol, item.ts, item.open, item.high, item.low, item.close, item.volume);
    return false;
  }
}
