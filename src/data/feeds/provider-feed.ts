/**
 * Feeds of market-data providers (`live.feed.type: binance | alpaca`): a provider's
 * WebSocket protocol spoken over the engine's {@link WebSocketFeed} (reconnect with
 * back-off, heartbeat, pausing, oversized messages), its bars checked by the feed's
 * decoder, aggregated from the provider's bar length to the config's timeframe by a
 * {@link BarAggregator}, and pushed through the {@link FeedIntake} into the live source
 * (order, duplicates, gaps, warm-up, overflow).
 */
import type { Logger } from 'pino';
import type { LiveConfig } from '../../config/schema/live.ts';
import { AlpacaProtocol, alpacaStreamUrl } from './alpaca-feed.ts';
import { BarAggregator, UsEquitySessions } from './bar-aggregator.ts';
import { BINANCE_STREAM_BASE, BinanceProtocol, binanceIntervalMs, binanceStreamUrl } from './binance-feed.ts';
import { alpacaCredentials } from '../credentials.ts';
import type { Feed } from './feed.ts';
import type { FeedIntake } from './feed-intake.ts';
import { WebSocketFeed, type WsProtocol } from './websocket-feed.ts';
import { encodeBar } from './messages.ts';
import { LiveError } from '../../errors/live-error.ts';

/** A provider feed's counters, for the run summary. */
export interface ProviderCounters {
  readonly name: string;
  /** Aggregated bars emitted. */
  readonly bars: number;
  /** Source bars of a period already emitted (dropped). */
  readonly late: number;
  /** Corrections (`T: "u"`) of a minute whose bar was already emitted: counted and logged, not applied. */
  readonly lateUpdates: number;
  /** Source bars that replaced one received before (corrections, repeats) while their period was open. */
  readonly replaced: number;
  /** Source bars outside every session (`regular_hours_only`). */
  readonly outsideSession: number;
  readonly closedByTimer: number;
  /** Binance: klines skipped because still open (`x: false`). */
  readonly openKlines?: number;
  /** Alpaca: corrections received. */
  readonly updates?: number;
}

export interface ProviderFeedOptions {
  readonly type: LiveConfig['feed']['type'];
  /** The `url:` override; default the provider's endpoint. */
  readonly url: string | undefined;
  readonly intake: FeedIntake;
  readonly live: LiveConfig;
  readonly symbols: readonly string[];
  /** Bars emitted are this long (the config's timeframe). */
  readonly timeframeMs: number;
  readonly calendar: 'us_equity' | 'continuous';
  /** The config's folder (credential files are relative to it). */
  readonly baseDir: string;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProviderFeed {
  readonly name: string;
  readonly feed: Feed;
  readonly aggregator: BarAggregator;
  counters(): Omit<
    ProviderCounters,
    'name' | 'bars' | 'late' | 'lateUpdates' | 'replaced' | 'outsideSession' | 'closedByTimer'
  >;
}

/** The provider feed of `type`, or undefined for the sluice format (`type: sluice`). */
export function createProviderFeed(o: ProviderFeedOptions): ProviderFeed | undefined {
  if (o.type === 'sluice') return undefined;
  const { intake, live, logger } = o;
  const aggregatorFor = (sourceMs: number, sessions?: UsEquitySessions): BarAggregator => {
    if (!(o.timeframeMs >= sourceMs && o.timeframeMs % sourceMs === 0)) {
      throw new LiveError(
        `${o.type} feed: the timeframe (${o.timeframeMs / 60_000} min) is not a whole multiple of the provider's ${sourceMs / 60_000}-minute bars`,
      );
    }
    return new BarAggregator({
      sourceMs,
      timeframeMs: o.timeframeMs,
      closeAfterMs: live.aggregate.closeAfterMs,
      ...(sessions !== undefined ? { sessions } : {}),
      emit: (symbol, ts, op, h, l, c, v) =>
        void intake.item(
          { kind: 'bar', symbol, ts, open: op, high: h, low: l, close: c, volume: v },
          encodeBar(symbol, ts, op, h, l, c, v),
        ),
    });
  };
  const ws = (url: string, protocol: WsProtocol, description: string): WebSocketFeed =>
    new WebSocketFeed({
      url,
      intake,
      reconnect: live.feed.reconnect,
      heartbeatMs: live.feed.heartbeatMs,
      logger,
      protocol,
      description,
      ...(o.random !== undefined ? { random: o.random } : {}),
    });

  switch (o.type) {
    case 'binance': {
      const cfg = live.feed.binance;
      const aggregator = aggregatorFor(binanceIntervalMs(cfg.interval));
      const protocol = new BinanceProtocol(intake, aggregator, o.symbols, logger);
      const url = binanceStreamUrl(o.url ?? BINANCE_STREAM_BASE, o.symbols, cfg.interval);
      return {
        name: 'binance',
        aggregator,
        feed: ws(url, protocol, `binance ${url}`),
        counters: () => ({ openKlines: protocol.openKlines }),
      };
    }
    case 'alpaca': {
      const cfg = live.feed.alpaca;
      // Checked before anything connects: a missing credential is one line, exit 1.
      const credentials = alpacaCredentials(cfg.credentialsFile, o.baseDir, o.env);
      const stocks = cfg.feed !== 'crypto';
      const aggregator = aggregatorFor(
        60_000,
        stocks && o.calendar === 'us_equity' ? new UsEquitySessions(cfg.regularHoursOnly) : undefined,
      );
      const protocol = new AlpacaProtocol(intake, aggregator, credentials, cfg, o.symbols, logger);
      const url = o.url ?? alpacaStreamUrl(cfg.feed);
      return {
        name: 'alpaca',
        aggregator,
        feed: ws(url, protocol, `alpaca ${cfg.feed} ${url}`),
        counters: () => ({ updates: protocol.updates }),
      };
    }
    default:
      throw new LiveError(`feed type '${o.type}' is not supported`);
  }
}
