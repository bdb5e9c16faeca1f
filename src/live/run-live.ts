import { systemClock, type Clock } from '../runtime/clock.ts';
import { parseCamel } from '../config/schema-keys.ts';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { LoadedWorkflow } from '../load/load-workflow.ts';
import type { LiveConfig } from '../config/schema/live.ts';
import { LiveSchema } from '../config/schema/live.ts';
import type { BarSource } from '../data/bar-source.ts';
import type { ClassificationEvent, SignalEvent, SluiceEvent } from '../events/index.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';
import { runPhase, type RunFailure, type RunStatus } from '../sequencer/run-phase.ts';
import type { Route } from '../routes/index.ts';
import { ENGINE } from '../engine-info.ts';
import type { Feed, FeedCounters, FeedEnd } from '../data/feeds/feed.ts';
import { FeedIntake } from '../data/feeds/feed-intake.ts';
import { StreamFeed } from '../data/feeds/stream-feed.ts';
import { WebSocketFeed } from '../data/feeds/websocket-feed.ts';
import { LatencyRecorder, type LatencySummary } from './latency.ts';
import { LiveError } from '../errors/live-error.ts';
import { LiveBarSource, type LiveCounters } from '../data/feeds/live-source.ts';
import { FEED_FORMAT_VERSION, MessageDecoder } from '../data/feeds/messages.ts';
import { NatsFeed } from '../data/feeds/nats-feed.ts';
import { createProviderFeed, type ProviderCounters } from '../data/feeds/provider-feed.ts';
import type { MessageSink, RegimeMessage, SignalMessage } from '../sinks/message-sink.ts';
import { TickAggregator } from '../data/feeds/tick-aggregator.ts';
import { WarmupSource } from '../data/feeds/warmup-source.ts';

export type { SignalMessage } from '../sinks/message-sink.ts';

export interface RunLiveOptions {
  /** The workflow, loaded with a topology that has a signal_sink (see `loadLiveWorkflow`). */
  readonly loaded: LoadedWorkflow;
  /** `live:` of the config, with CLI overrides applied (default: all defaults). */
  readonly live?: LiveConfig;
  /** ws://… or 'stdin'; default `live.feed.url`. */
  readonly feedUrl?: string;
  /** What 'stdin' reads (default process.stdin). */
  readonly stdin?: Readable;
  /** Bars that prime the graph before the first live bar; undefined: none. */
  readonly warmup?: BarSource;
  /** Opened before the feed starts, closed after it (with a final end message). */
  readonly sinks: readonly MessageSink[];
  readonly logger: Logger;
  /** Abort to stop (Ctrl-C): the current chunk is cut short, sinks are flushed and closed. */
  readonly signal?: AbortSignal;
  /** Told of every live signal with its latency, ms from the arrival of its bar (benchmarks, tests). */
  readonly onSignal?: (signal: SignalMessage, latencyMs: number) => void;
  /** Told once the feed is connecting and the sinks are open (tests start a feed then). */
  readonly onReady?: (info: { readonly sinks: readonly MessageSink[] }) => void;
  /** Random numbers for the reconnect jitter (tests). */
  readonly random?: () => number;
  /** Environment the provider credentials are read from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where arrival times, latencies, the warm-up's duration and the store's stamps are read (default: the system's). */
  readonly clock?: Clock;
}

/** What a live run did. */
export interface LiveOutcome {
  readonly status: RunStatus;
  readonly failure: RunFailure | undefined;
  /** How the feed ended: its end message, EOF, stopped (Ctrl-C) or failed. */
  readonly feedEnd: FeedEnd | undefined;
  readonly warmupBars: number;
  readonly warmupMs: number;
  readonly liveBars: number;
  readonly signals: number;
  readonly regimes: number;
  readonly source: Readonly<LiveCounters>;
  readonly feed: Readonly<FeedCounters>;
  readonly ticks: {
    readonly trades: number;
    readonly late: number;
    readonly bars: number;
    readonly closedByTimer: number;
  };
  /** A provider feed's bar aggregation (Binance, Alpaca): bars made, late source bars and corrections, still-open klines skipped. */
  readonly provider?: ProviderCounters;
  /** Bar arrival → signal sent, over the live signals. */
  readonly latency: LatencySummary;
  /** Wall time from the first live bar's arrival until the graph had processed the last, ms (0 without live bars). */
  readonly liveMs: number;
}

/**
 * Runs a signal-generation graph on a live feed: data → features → classifiers →
 * strategies, with every signal (and regime change) of a live bar sent to the sinks as
 * it happens. The graph runs on the engine's own sequencer (`runPhase`): the source is a
 * {@link WarmupSource}, history first and then a {@link LiveBarSource} fed by the feed.
 * Signals of warm-up bars are not sent, but every container keeps the state they left,
 * so the first live signal is the one a backtest over history + live gives at that bar.
 */
export async function runLive(opts: RunLiveOptions): Promise<LiveOutcome> {
  const { loaded, logger } = opts;
  const { wf, plan } = loaded;
  const clock = opts.clock ?? systemClock;
  const live = opts.live ?? wf.config.live ?? parseCamel(LiveSchema, {});
  const flagType = opts.feedUrl === 'binance' || opts.feedUrl === 'alpaca' ? opts.feedUrl : undefined;
  const feedType = flagType ?? live.feed.type;
  const feedUrl = flagType !== undefined ? live.feed.url : (opts.feedUrl ?? live.feed.url);
  if (feedUrl === undefined && feedType === 'sluice')
    throw new LiveError(
      'no feed: give --feed ws://host:port, --feed stdin or --feed binance|alpaca, or live.feed in the config',
    );
  const sinkIds = new Set(plan.instances.filter((i) => i.role === 'signal_sink').map((i) => i.id));
  if (sinkIds.size === 0)
    throw new LiveError(
      `the topology '${wf.topology.name}' has no signal_sink container: run a signal_generation topology live`,
    );

  const symbols = live.symbols ?? [...new Set(wf.sources.map((s) => s.symbol))];
  const timeframe = wf.config.data.timeframe;
  // The source asks the feed to pause; the feed needs the source: bound once both exist.
  const pressure = { feed: undefined as Feed | undefined };
  const sinks = opts.sinks;
  const sendAll = (json: string): void => {
    for (const s of sinks) s.send(json);
  };
  const source = new LiveBarSource({
    symbols,
    logger,
    maxBars: live.buffer.maxBars,
    overflow: live.buffer.overflow,
    outOfOrder: live.outOfOrder,
    timeframeMs: parseTimeframe(timeframe),
    calendar: wf.config.data.calendar,
    onPressure: (paused) => (paused ? pressure.feed?.pause() : pressure.feed?.resume()),
    ...(live.gaps === 'warn' ? { onGap: (gap) => sendAll(JSON.stringify(gap)) } : {}),
    // Arrivals are stamped per bar: the default stays performance.now itself, not a call through a clock.
    ...(opts.clock !== undefined ? { now: () => clock.monotonic() } : {}),
  });
  const decoder = new MessageDecoder(live.feed.mapping, symbols.length === 1 ? symbols[0] : undefined, timeframe);
  const aggregator = new TickAggregator({
    timeframeMs: parseTimeframe(live.aggregate.timeframe ?? timeframe),
    closeAfterMs: live.aggregate.closeAfterMs,
    emit: (symbol, ts, o, h, l, c, v) => source.push(symbol, ts, o, h, l, c, v),
    ...(opts.clock !== undefined
      ? {
          now: () => clock.now(),
          setTimer: (fn: () => void, ms: number) => clock.setTimeout(fn, ms),
          clearTimer: (h: unknown) => clock.clearTimeout(h),
        }
      : {}),
  });
  const intake = new FeedIntake(source, decoder, aggregator, logger);
  const provider = createProviderFeed({
    type: feedType,
    url: feedUrl,
    intake,
    live,
    symbols,
    timeframeMs: parseTimeframe(live.aggregate.timeframe ?? timeframe),
    calendar: wf.config.data.calendar,
    baseDir: wf.baseDir,
    logger,
    ...(opts.random !== undefined ? { random: opts.random } : {}),
    ...(opts.env !== undefined ? { env: opts.env } : {}),
  });
  const feed = provider?.feed ?? createFeed(feedUrl!, intake, live, logger, opts);
  pressure.feed = feed;
  const combined = new WarmupSource(opts.warmup, source, clock);

  const latency = new LatencyRecorder();
  let signals = 0;
  let regimes = 0;
  const onEvent = (ev: SluiceEvent): void => {
    if (ev.seq < combined.liveFrom) return;
    if (ev.type === 'SIGNAL') {
      const msg = signalMessage(ev);
      sendAll(JSON.stringify(msg));
      signals++;
      const ms = clock.monotonic() - source.arrivalOf(ev.seq - combined.liveFrom);
      latency.add(ms);
      opts.onSignal?.(msg, ms);
    } else if (ev.type === 'CLASSIFICATION') {
      sendAll(JSON.stringify(regimeMessage(ev)));
      regimes++;
    }
  };

  const barSinks = sinks.filter((s) => s.bar !== undefined);
  const onBar = (ev: SluiceEvent): void => {
    if (ev.type !== 'BAR' || ev.seq < combined.liveFrom) return;
    for (const s of barSinks) s.bar?.(ev.symbol, ev.ts, ev.open, ev.high, ev.low, ev.close, ev.volume);
  };

  const stopFeed = (): void => void feed.stop();
  opts.signal?.addEventListener('abort', stopFeed);
  let status: RunStatus = 'failed';
  let failure: RunFailure | undefined;
  const opened: MessageSink[] = [];
  let liveEnd = Number.NaN;
  try {
    for (const s of sinks) {
      await s.open();
      opened.push(s);
    }
    if (opts.signal?.aborted === true) {
      status = 'cancelled';
    } else {
      feed.start();
      opts.onReady?.({ sinks });
      logger.info(
        {
          feed: feed.description,
          warmup: opts.warmup?.description ?? 'none',
          strategies: wf.strategies.length,
          sinks: sinks.map((s) => s.description),
        },
        'live run started',
      );
      const outcome = await runPhase({
        wf,
        plan,
        source: combined,
        phaseDir: null,
        logger,
        sinks,
        clock,
        ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
        onCompiled: (graph) => {
          // The routes that bring signals and regime changes to the signal sink (not its BARs).
          for (const route of graph.routes) {
            if (
              route.targets.some((t) => sinkIds.has(t.id)) &&
              route.events.some((e) => e === 'SIGNAL' || e === 'CLASSIFICATION')
            )
              tapRoute(route, onEvent);
            // The bars the signal sink notes: each live bar once, after the feed's checks (a NATS sink republishes them).
            if (barSinks.length > 0 && route.targets.some((t) => sinkIds.has(t.id)) && route.events.includes('BAR'))
              tapRoute(route, onBar);
          }
        },
      });
      liveEnd = clock.monotonic();
      status = outcome.status;
      failure = outcome.failure;
    }
  } catch (err) {
    failure = { step: 'initialize', container: undefined, error: err };
  } finally {
    opts.signal?.removeEventListener('abort', stopFeed);
    await feed.stop();
    provider?.aggregator.dispose();
    const reason = failure !== undefined ? 'failed' : status === 'cancelled' ? 'interrupted' : 'complete';
    const end = JSON.stringify({ type: 'end', reason, bars: source.counters.accepted, signals });
    for (const s of opened) {
      try {
        await s.close(end);
      } catch (err) {
        logger.error({ err: (err as Error).message, sink: s.description }, 'closing a sink failed');
      }
    }
  }
  if (failure !== undefined) status = 'failed';
  return {
    status,
    failure,
    feedEnd: intake.ended,
    warmupBars: combined.warmupBars,
    warmupMs: combined.warmupMs,
    liveBars: source.counters.accepted,
    signals,
    regimes,
    source: { ...source.counters },
    feed: { ...intake.counters },
    ticks: { ...aggregator.counters },
    ...(provider !== undefined
      ? { provider: { name: provider.name, ...provider.aggregator.counters, ...provider.counters() } }
      : {}),
    latency: latency.summary(),
    liveMs: Number.isNaN(liveEnd) || Number.isNaN(source.firstArrival) ? 0 : liveEnd - source.firstArrival,
  };
}

function createFeed(url: string, intake: FeedIntake, live: LiveConfig, logger: Logger, opts: RunLiveOptions): Feed {
  if (url === 'stdin' || url === '-') return new StreamFeed(opts.stdin ?? process.stdin, intake);
  if (/^wss?:\/\//.test(url)) {
    return new WebSocketFeed({
      url,
      intake,
      reconnect: live.feed.reconnect,
      heartbeatMs: live.feed.heartbeatMs,
      subscribe: live.feed.subscribe,
      logger,
      ...(opts.random !== undefined ? { random: opts.random } : {}),
    });
  }
  if (url.startsWith('nats://')) return new NatsFeed({ url, nats: live.feed.nats, intake, logger });
  throw new LiveError(`feed '${url}': expected ws://host:port[/path], wss://…, nats://host:port[/subject] or stdin`);
}

/** The hello a signal-server client gets on connecting: what this run emits. */
export function signalHello(loaded: LoadedWorkflow): string {
  return JSON.stringify({
    type: 'hello',
    feed: 'sluice-signals',
    version: FEED_FORMAT_VERSION,
    engine: ENGINE.version,
    workflow: loaded.wf.config.name,
    strategies: loaded.wf.strategies.map((s) => ({ id: s.key, type: s.type, params: s.params })),
  });
}

function signalMessage(ev: SignalEvent): SignalMessage {
  return {
    type: 'signal',
    seq: ev.seq,
    ts: new Date(ev.ts).toISOString(),
    symbol: ev.symbol,
    strategy_id: ev.strategyId,
    direction: ev.direction,
    strength: ev.strength,
    price: ev.price,
    ...(ev.target !== undefined ? { weight: ev.target.weight } : {}),
  };
}

function regimeMessage(ev: ClassificationEvent): RegimeMessage {
  return {
    type: 'regime',
    seq: ev.seq,
    ts: new Date(ev.ts).toISOString(),
    symbol: ev.symbol,
    classifier: ev.classifier,
    regime: ev.regime,
  };
}

/** Adds `fn` to the route's tap, after any tap already there (tracing). */
function tapRoute(route: Route, fn: (ev: SluiceEvent) => void): void {
  const prev = route.tap;
  route.tap = prev === undefined ? (_r, ev) => fn(ev) : (r, ev) => (prev(r, ev), fn(ev));
}
