import { z } from 'zod';
import type { CamelCaseKeys } from '../case-keys.ts';

/**
 * How a feed message becomes a bar, a trade or the end of the feed. The defaults are the
 * format of `sluice replay` (docs/live.md): `{"type":"bar","symbol":"SPY","ts":"2024-…Z",
 * "open":…,"high":…,"low":…,"close":…,"volume":…}`, `{"type":"trade","symbol":…,"ts":…,
 * "price":…,"size":…}` and `{"type":"end"}`. Field names may be dotted paths into nested
 * objects (`data.c`); a message that is a JSON array is read as several messages.
 */
export const FeedMappingSchema = z
  .object({
    type_field: z
      .string()
      .min(1)
      .nullable()
      .default('type')
      .describe('Field telling the message kind; null: every message is a `kind` message.'),
    kind: z.enum(['bar', 'trade']).default('bar').describe('With type_field null: what every message is.'),
    bar_types: z.array(z.string()).default(['bar']).describe('Values of type_field that mean a bar.'),
    trade_types: z
      .array(z.string())
      .default(['trade'])
      .describe('Values of type_field that mean a trade (tick), aggregated into bars.'),
    end_types: z.array(z.string()).default(['end']).describe('Values of type_field that end the feed.'),
    symbol: z
      .string()
      .min(1)
      .nullable()
      .default('symbol')
      .describe('Field with the symbol; null: every message is for default_symbol.'),
    default_symbol: z
      .string()
      .min(1)
      .optional()
      .describe("Symbol of messages without one; default the config's symbol when it has exactly one."),
    ts: z.string().min(1).default('ts').describe('Field with the timestamp.'),
    ts_format: z
      .enum(['auto', 'iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns'])
      .default('auto')
      .describe('auto: ISO 8601 strings, epoch numbers by magnitude (as bar files); or one fixed form.'),
    bar_ts: z
      .enum(['start', 'end'])
      .default('start')
      .describe(
        "What a bar's timestamp marks: its interval's start (as the bundled data) or end (then one timeframe is subtracted).",
      ),
    open: z.string().min(1).default('open'),
    high: z.string().min(1).default('high'),
    low: z.string().min(1).default('low'),
    close: z.string().min(1).default('close'),
    volume: z.string().min(1).default('volume').describe('Bar volume; a missing volume is NaN.'),
    price: z.string().min(1).default('price').describe('Trade price.'),
    size: z.string().min(1).default('size').describe('Trade size; a missing size counts 0.'),
  })
  .strict();

export const ReconnectSchema = z
  .object({
    initial_delay_ms: z.number().int().min(1).default(200).describe('Wait before the first reconnect attempt.'),
    max_delay_ms: z.number().int().min(1).default(10_000).describe('Longest wait between attempts.'),
    factor: z.number().min(1).default(2).describe('Each failed attempt multiplies the wait by this.'),
    jitter: z.number().min(0).max(1).default(0.2).describe('Each wait is randomized by ± this fraction.'),
    max_attempts: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Consecutive failed attempts before the run fails; 0: never give up.'),
  })
  .strict();

/** A duration such as `120s`, `2m`, `7d` (the units of a timeframe). */
const DurationSchema = z.string().regex(/^[1-9][0-9]*[smhdw]$/, "expected a duration like '120s', '2m', '12h' or '7d'");

/**
 * A JetStream stream that Sluice creates when it does not exist yet (an existing stream is
 * used as it is): retention by limits, so every consumer reads the same history.
 */
export const StreamSettingsSchema = z
  .object({
    create: z.boolean().default(true).describe('Create the stream when it does not exist; false: it must exist.'),
    duplicate_window: DurationSchema.default('2m').describe(
      'Messages with a message id seen within this window are stored once (de-duplication of restarted publishers).',
    ),
    max_age: DurationSchema.nullable()
      .default(null)
      .describe('Messages older than this are removed; null: no age limit.'),
    max_bytes: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe('Size limit of the stream; the oldest messages go first. null: none.'),
    max_msgs_per_subject: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe('Messages kept per subject (per symbol and strategy); null: no limit.'),
    storage: z.enum(['file', 'memory']).default('file').describe('file (survives a server restart) or memory.'),
    replicas: z.number().int().min(1).max(5).default(1).describe('Copies in a NATS cluster (3 in production).'),
  })
  .strict();

export const NatsFeedSchema = z
  .object({
    stream: z.string().min(1).default('SLUICE_BARS').describe('JetStream stream holding the bars.'),
    subject: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Subject filter, e.g. 'sluice.bars.>' (default) or 'sluice.bars.SPY'; a subject in the feed URL's path wins.",
      ),
    durable: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .nullable()
      .default(null)
      .describe(
        'null (default): an ordered consumer from the start of the stream, rebuilt by each run (the warm-up, not the server, holds the position); a name: a durable consumer that resumes where the last run acknowledged.',
      ),
    deliver: z
      .enum(['all', 'new', 'last_per_subject'])
      .default('all')
      .describe(
        'Where a new consumer starts: the whole retained stream, only new messages, or the last message of each subject.',
      ),
    batch: z.number().int().min(1).max(10_000).default(256).describe('Messages asked for per pull request.'),
  })
  .strict();

/** Binance spot public kline streams (no credentials). */
export const BinanceFeedSchema = z
  .object({
    interval: z
      .enum(['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'])
      .default('1m')
      .describe(
        'Kline interval subscribed to (`<symbol>@kline_<interval>`); closed klines are aggregated to data.timeframe, which must be a whole multiple of it.',
      ),
  })
  .strict();

/** Alpaca market data v2 (stocks) or v1beta3 (crypto) bars. */
export const AlpacaFeedSchema = z
  .object({
    feed: z
      .enum(['iex', 'sip', 'crypto'])
      .default('iex')
      .describe('Data feed: iex (free stocks), sip (all US exchanges, paid plan) or crypto (v1beta3/crypto/us).'),
    credentials_file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'File with `APCA_API_KEY_ID=…` and `APCA_API_SECRET_KEY=…` lines, relative to the config; default: those environment variables. Keys never go into the config itself.',
      ),
    bars_from: z
      .enum(['bars', 'trades'])
      .default('bars')
      .describe(
        'bars: Alpaca\'s minute bars (`T: "b"`), aggregated to data.timeframe; trades: every trade (`T: "t"`), aggregated into bars of live.aggregate.timeframe by the tick aggregator (no session cut; trade corrections and cancels are not applied).',
      ),
    updated_bars: z
      .boolean()
      .default(true)
      .describe(
        'Subscribe to updated bars (`T: "u"`, corrections of a minute already sent): a correction replaces its minute while the bar it belongs to is still open; later ones are counted and logged.',
      ),
    regular_hours_only: z
      .boolean()
      .default(false)
      .describe(
        'Stocks: only minutes of the regular session (09:30–16:00 New York) make bars; default: pre-market, regular and after-hours sessions, each cut apart.',
      ),
  })
  .strict();

export const LiveFeedSchema = z
  .object({
    type: z
      .enum(['sluice', 'binance', 'alpaca'])
      .default('sluice')
      .describe(
        'sluice: the sluice feed format (or a `mapping`) over url; binance: Binance spot kline streams; alpaca: Alpaca market data bars (credentials from APCA_API_KEY_ID / APCA_API_SECRET_KEY or alpaca.credentials_file). `--feed binance|alpaca` selects one too.',
      ),
    url: z
      .string()
      .min(1)
      .optional()
      .describe(
        "ws://host:port/path of a WebSocket feed, nats://host:port[/subject] of a JetStream stream, or 'stdin' for NDJSON on standard input; `--feed` overrides it. For binance: the stream base (default wss://stream.binance.com:9443; `/stream?streams=…` is appended); for alpaca: the whole endpoint (default wss://stream.data.alpaca.markets/v2/<feed>) — for proxies and tests.",
      ),
    binance: BinanceFeedSchema.prefault({}).describe('type: binance — the kline stream.'),
    alpaca: AlpacaFeedSchema.prefault({}).describe('type: alpaca — the data feed and where the credentials are.'),
    mapping: FeedMappingSchema.prefault({}).describe('Message → bar mapping; the defaults read `sluice replay`.'),
    subscribe: z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
      .default([])
      .describe('Messages sent after every (re)connect, e.g. a subscription request (mappings are sent as JSON).'),
    reconnect: ReconnectSchema.prefault({}).describe(
      'Reconnection after a dropped or refused connection (exponential backoff with jitter).',
    ),
    heartbeat_ms: z
      .number()
      .int()
      .min(0)
      .default(15_000)
      .describe(
        'A WebSocket feed is pinged this often; when neither a message nor a pong came back within one interval the connection is taken as dead (a silent half-open socket) and reconnected. 0: no heartbeat.',
      ),
    nats: NatsFeedSchema.prefault({}).describe(
      'A nats:// feed: the JetStream stream, subject and consumer bars are read from (docs/distributed.md).',
    ),
  })
  .strict();

export const LiveSinkSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z
        .literal('store')
        .describe(
          "The Parquet signal store, written in parts (one file per row group) so it can be read while the run goes on (docs/signal-store.md). Holds the warm-up bars' signals too. Replaces a store already at `path`.",
        ),
      path: z.string().min(1).describe('Store folder, relative to the working directory.'),
      row_group_rows: z
        .number()
        .int()
        .min(1)
        .default(10_000)
        .describe('Signal (or regime) rows per part: a part file and the metadata are written every this many.'),
    })
    .strict(),
  z.object({ type: z.literal('stdout').describe('NDJSON on standard output.') }).strict(),
  z
    .object({
      type: z.literal('file').describe('NDJSON file, appended to and flushed per message.'),
      path: z.string().min(1).describe('File path, relative to the working directory.'),
    })
    .strict(),
  z
    .object({
      type: z.literal('websocket').describe('A WebSocket server; every connected client gets every message.'),
      url: z.string().min(1).describe('ws://host:port to listen on (port 0: any free port, logged).'),
    })
    .strict(),
  z
    .object({
      type: z
        .literal('nats')
        .describe(
          'Publish signals to a NATS JetStream stream, one subject per symbol and strategy (docs/distributed.md).',
        ),
      url: z
        .string()
        .min(1)
        .default('nats://127.0.0.1:4222')
        .describe('nats://host:port of a server (several: comma-separated).'),
      stream: z
        .string()
        .min(1)
        .default('SLUICE_SIGNALS')
        .describe('Stream the signals are stored in; created when missing.'),
      subject_prefix: z
        .string()
        .min(1)
        .default('sluice.signals')
        .describe('Signals go to <subject_prefix>.<symbol>.<strategy_id>, both tokens escaped.'),
      publish_bars: z
        .boolean()
        .default(false)
        .describe("Also publish the run's live bars, in the feed format, so other processes can read them as a feed."),
      bars_stream: z.string().min(1).default('SLUICE_BARS').describe('Stream of the published bars (publish_bars).'),
      bars_prefix: z.string().min(1).default('sluice.bars').describe('Bars go to <bars_prefix>.<symbol>.'),
      max_in_flight: z
        .number()
        .int()
        .min(1)
        .default(256)
        .describe('Publishes awaiting their ack before the run waits (back-pressure).'),
      ack_timeout_ms: z.number().int().min(1).default(5000).describe('Wait for one ack before the publish is retried.'),
      retries: z
        .number()
        .int()
        .min(0)
        .default(5)
        .describe('Retries of a publish that got no ack (same message id: never stored twice); then the run fails.'),
      stream_settings: StreamSettingsSchema.prefault({}).describe('How the streams are created when missing.'),
    })
    .strict(),
]);

export const WarmupSchema = z
  .object({
    path: z.string().min(1).describe('Bar file (CSV or Parquet), relative to the config file.'),
    symbol: z
      .string()
      .min(1)
      .optional()
      .describe("Symbol of the file's bars; default the config's symbol when it has exactly one."),
    format: z.enum(['csv', 'parquet']).optional(),
  })
  .strict();

/** `live:` — how `sluice live` runs the config on a feed (docs/live.md). */
export const LiveSchema = z
  .object({
    feed: LiveFeedSchema.prefault({}).describe('Where bars come from and how messages read.'),
    warmup: z
      .union([z.enum(['none', 'data']), WarmupSchema])
      .default('none')
      .describe(
        "Bars that prime indicators and strategies before the first live bar: 'none', 'data' (the config's data files) or a bar file; `--warmup` overrides it.",
      ),
    symbols: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Symbols taken from the feed (others are counted and ignored); default the config's data symbols."),
    strategies: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        "Strategy ids this process runs (after grid expansion; '*' matches any characters), so several processes can share one feed; default all.",
      ),
    buffer: z
      .object({
        max_bars: z
          .number()
          .int()
          .min(1)
          .default(100_000)
          .describe('Bars the input buffer holds before the overflow policy applies.'),
        overflow: z
          .enum(['block', 'drop_oldest', 'error'])
          .default('block')
          .describe(
            'Full buffer: block (pause reading the feed until it drains), drop_oldest (counted), error (fail the run).',
          ),
      })
      .strict()
      .prefault({})
      .describe('The bounded buffer between the feed and the graph.'),
    out_of_order: z
      .enum(['skip', 'fail'])
      .default('skip')
      .describe(
        'A bar older than the last of its symbol: skip it with a warning (counted), or fail the run. Duplicates (same symbol and time) are always dropped and counted.',
      ),
    gaps: z
      .enum(['warn', 'ignore'])
      .default('warn')
      .describe('Missing bars within a session: a warning log and a gap message to the sinks, or nothing.'),
    aggregate: z
      .object({
        timeframe: z.string().optional().describe('Bar length trades are aggregated into; default data.timeframe.'),
        close_after_ms: z
          .number()
          .int()
          .min(0)
          .nullable()
          .default(1000)
          .describe(
            'A bar also closes this long after its interval ends by the wall clock, when no later trade came (only while trades are in real time); null: only a later trade closes it.',
          ),
      })
      .strict()
      .prefault({})
      .describe('How trade (tick) messages are aggregated into bars.'),
    sinks: z
      .array(LiveSinkSchema)
      .default([])
      .describe('Where signals go; none: stdout. `--stdout`, `--file`, `--serve` replace these.'),
  })
  .strict();

export type FeedMapping = CamelCaseKeys<z.infer<typeof FeedMappingSchema>>;
export type ReconnectConfig = CamelCaseKeys<z.infer<typeof ReconnectSchema>>;
export type LiveSinkConfig = CamelCaseKeys<z.infer<typeof LiveSinkSchema>>;
export type LiveConfig = CamelCaseKeys<z.infer<typeof LiveSchema>>;
export type BinanceFeedConfig = CamelCaseKeys<z.infer<typeof BinanceFeedSchema>>;
export type AlpacaFeedConfig = CamelCaseKeys<z.infer<typeof AlpacaFeedSchema>>;
export type NatsFeedConfig = CamelCaseKeys<z.infer<typeof NatsFeedSchema>>;
export type StreamSettings = CamelCaseKeys<z.infer<typeof StreamSettingsSchema>>;
export type NatsSinkConfig = Extract<LiveSinkConfig, { type: 'nats' }>;
