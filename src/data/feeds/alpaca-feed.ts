/**
 * Alpaca market data over WebSocket: stocks (`v2/iex`, `v2/sip`) and crypto
 * (`v1beta3/crypto/us`), minute bars.
 *
 * The conversation, per connection (every message from the server is a JSON array):
 *
 * ```
 * server  [{"T":"success","msg":"connected"}]
 * client  {"action":"auth","key":"…","secret":"…"}
 * server  [{"T":"success","msg":"authenticated"}]      or  [{"T":"error","code":402,"msg":"auth failed"}]
 * client  {"action":"subscribe","bars":["SPY"],"updatedBars":["SPY"]}
 * server  [{"T":"subscription","trades":[],"quotes":[],"bars":["SPY"],"updatedBars":["SPY"],…}]
 * server  [{"T":"b","S":"SPY","o":…,"h":…,"l":…,"c":…,"v":…,"t":"2024-01-02T14:30:00Z","n":…,"vw":…}, …]
 * server  [{"T":"u",…}]   a correction of a minute bar already sent
 * ```
 *
 * With `bars_from: trades` the subscription is `{"action":"subscribe","trades":["SPY"]}` and
 * each trade `{"T":"t","S":"SPY","i":…,"x":"V","p":…,"s":…,"t":"…","c":[…],"z":"C"}` goes
 * to the tick aggregator instead.
 *
 * Errors end the run when retrying cannot help — 402 auth failed, 405 symbol limit
 * exceeded, 409 insufficient subscription, and 406 connection limit exceeded on the first
 * connection — with one line saying what to do. Other errors (and 406 after a reconnect,
 * when the old connection may not be gone yet on the server) drop the connection, which
 * is reconnected with back-off. The key and secret are sent in the auth message only.
 */
import type { Logger } from 'pino';
import { parseCamel } from '../../config/schema-keys.ts';
import type { AlpacaFeedConfig } from '../../config/schema/live.ts';
import { FeedMappingSchema } from '../../config/schema/live.ts';
import type { BarAggregator } from './bar-aggregator.ts';
import type { AlpacaCredentials } from '../credentials.ts';
import type { FeedIntake } from './feed-intake.ts';
import type { WsConnection, WsProtocol } from './websocket-feed.ts';
import { LiveError } from '../../errors/live-error.ts';
import { MessageDecoder } from './messages.ts';

/** The endpoint of a data feed. */
export function alpacaStreamUrl(feed: AlpacaFeedConfig['feed']): string {
  return feed === 'crypto'
    ? 'wss://stream.data.alpaca.markets/v1beta3/crypto/us'
    : `wss://stream.data.alpaca.markets/v2/${feed}`;
}

/** Errors after which retrying cannot help, and what to say. */
const FATAL: Readonly<Record<number, string>> = {
  402: 'the key or secret was rejected: check APCA_API_KEY_ID and APCA_API_SECRET_KEY (or the credentials file)',
  405: 'more symbols than the subscription allows: subscribe to fewer (live.symbols)',
  406: 'the account already has as many data connections open as allowed: close the other one (another sluice live, a notebook) or wait a minute',
  409: "the account's subscription does not include this feed: use live.feed.alpaca.feed: iex (free) instead of sip",
};

type State = 'connecting' | 'authenticating' | 'subscribing' | 'streaming';

export class AlpacaProtocol implements WsProtocol {
  /** Corrections (`T: "u"`) received. */
  updates = 0;
  private state: State = 'connecting';
  private connections = 0;
  private readonly decoder: MessageDecoder;
  private readonly trades: MessageDecoder;

  constructor(
    private readonly intake: FeedIntake,
    private readonly aggregator: BarAggregator,
    private readonly credentials: AlpacaCredentials,
    private readonly cfg: AlpacaFeedConfig,
    private readonly symbols: readonly string[],
    private readonly logger: Logger,
  ) {
    this.decoder = new MessageDecoder(
      parseCamel(FeedMappingSchema, {
        type_field: 'T',
        bar_types: ['b', 'u'],
        end_types: [],
        symbol: 'S',
        ts: 't',
        ts_format: 'iso',
        open: 'o',
        high: 'h',
        low: 'l',
        close: 'c',
        volume: 'v',
      }),
    );
    this.trades = new MessageDecoder(
      parseCamel(FeedMappingSchema, {
        type_field: 'T',
        bar_types: [],
        trade_types: ['t'],
        end_types: [],
        symbol: 'S',
        ts: 't',
        ts_format: 'iso',
        price: 'p',
        size: 's',
      }),
    );
  }

  open(): void {
    this.connections++;
    this.state = 'connecting';
  }

  message(text: string, connection: WsConnection): boolean {
    const send = (t: string): void => connection.send(t);
    const { intake } = this;
    const parsed = intake.receivedJson(text);
    if (parsed === undefined) return false;
    const value = parsed.value;
    for (const m of Array.isArray(value) ? value : [value]) {
      if (m === null || typeof m !== 'object' || Array.isArray(m)) {
        intake.item({ kind: 'malformed', reason: 'not a JSON object' }, text);
        continue;
      }
      const msg = m as Record<string, unknown>;
      switch (msg['T']) {
        case 'success':
          if (msg['msg'] === 'connected' && this.state === 'connecting') {
            this.state = 'authenticating';
            send(
              JSON.stringify({
                action: 'auth',
                key: this.credentials.key.reveal(),
                secret: this.credentials.secret.reveal(),
              }),
            );
          } else if (msg['msg'] === 'authenticated' && this.state === 'authenticating') {
            this.state = 'subscribing';
            send(
              JSON.stringify(
                this.cfg.barsFrom === 'trades'
                  ? { action: 'subscribe', trades: this.symbols }
                  : {
                      action: 'subscribe',
                      bars: this.symbols,
                      ...(this.cfg.updatedBars ? { updatedBars: this.symbols } : {}),
                    },
              ),
            );
          }
          intake.item({ kind: 'other', type: 'success' }, text);
          break;
        case 'subscription':
          this.state = 'streaming';
          connection.delivered();
          this.logger.info({ bars: msg['bars'], updatedBars: msg['updatedBars'] }, 'alpaca: subscribed');
          intake.item({ kind: 'other', type: 'subscription' }, text);
          break;
        case 'error': {
          const code = typeof msg['code'] === 'number' ? msg['code'] : Number.NaN;
          const said = typeof msg['msg'] === 'string' ? msg['msg'] : 'error';
          const advice = FATAL[code];
          if (advice !== undefined && !(code === 406 && this.connections > 1)) {
            intake.fail(new LiveError(`alpaca feed: ${code} ${said}: ${advice}`));
            return true;
          }
          this.logger.warn(
            { code, msg: said, state: this.state },
            `alpaca feed: error ${code} ${said}: dropping the connection to reconnect`,
          );
          intake.item({ kind: 'other', type: 'error' }, text);
          connection.drop();
          return false;
        }
        case 'b':
        case 'u': {
          const item = this.decoder.item(msg);
          if (item.kind !== 'bar') {
            intake.item(item, text);
            break;
          }
          if (!intake.inTime(item.ts, text)) break;
          const update = msg['T'] === 'u';
          if (update) this.updates++;
          const late = this.aggregator.counters.lateUpdates;
          this.aggregator.bar(item.symbol, item.ts, item.open, item.high, item.low, item.close, item.volume, update);
          const n = this.aggregator.counters.lateUpdates;
          if (n > late && (n <= 20 || (n & (n - 1)) === 0)) {
            this.logger.warn(
              { symbol: item.symbol, ts: new Date(item.ts).toISOString(), late_updates: n },
              'alpaca: updated bar for a minute whose bar was already emitted: counted, not applied',
            );
          }
          break;
        }
        case 't': {
          if (this.cfg.barsFrom !== 'trades') {
            intake.item({ kind: 'other', type: 't' }, text);
            break;
          }
          const item = this.trades.item(msg);
          if (item.kind === 'trade' && !intake.inTime(item.ts, text)) break;
          intake.item(item, text);
          break;
        }
        default:
          // Trades, quotes, daily bars, statuses… of a wider subscription: not read.
          intake.item({ kind: 'other', type: typeof msg['T'] === 'string' ? msg['T'] : 'unknown' }, text);
      }
      if (intake.ended !== undefined) return true;
    }
    return false;
  }
}
