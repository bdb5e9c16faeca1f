import type { Logger } from 'pino';
import type { BarSource } from '../data/bar-source.ts';
import type { DrainableSink } from '../files/drainable-sink.ts';
import { encodeBar, FEED_FORMAT_VERSION, type EndMessage } from '../data/feeds/messages.ts';
import type { ReplaySpeed } from './replay-speed.ts';

// parseSpeed is in a file of its own so the CLI can parse --speed without loading the feed formats.
export { parseSpeed, type ReplaySpeed } from './replay-speed.ts';

/** Where replayed messages go: stdout, or a broadcast WebSocket server. */
export interface ReplayOutput extends DrainableSink {
  send(text: string): void;
  /**
   * Called before every bar: resolves when sending may go on (a WebSocket server with no
   * client waits for one), false to stop. Undefined: always go on.
   */
  ready?(signal: AbortSignal | undefined): Promise<boolean> | true;
}

export interface ReplayOptions {
  readonly source: BarSource;
  readonly speed: ReplaySpeed;
  readonly output: ReplayOutput;
  readonly logger: Logger;
  /** Abort to stop after the current bar (Ctrl-C); the end message says `interrupted`. */
  readonly signal?: AbortSignal;
  /**
   * Longest wait between two bars, ms, at a paced speed: a longer gap in the data (a
   * night, a weekend) is cut to it. Default: no limit (real spacing).
   */
  readonly maxWaitMs?: number;
  /** Told after every bar sent (tests, progress). */
  readonly onBar?: (sent: number) => void;
}

/** How a replay ended. */
export interface ReplayResult {
  readonly bars: number;
  readonly reason: EndMessage['reason'];
  readonly seconds: number;
}

/** Bars sent at max speed between two turns of the event loop (lets Ctrl-C and connections in). */
const YIELD_EVERY = 512;

/**
 * Replays a bar source as feed messages, in the source's (timestamp, symbol) order: one
 * `bar` message per bar, then an `end` message. Returns once the end message is handed
 * to the output (the caller closes it).
 *
 * Pacing: at speed s, the bar with timestamp t is sent `(t - t0) / s` after the first bar
 * (t0), by the wall clock; bars with one timestamp go out together. Lateness (a slow
 * consumer) is never made up by skipping bars: they go out as fast as allowed until the
 * schedule is met again. At `max` there is no schedule. At every speed the output's
 * backpressure is honoured after each bar: while it `needsDrain`, nothing more is sent.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const { source, speed, output, signal } = opts;
  const t0 = performance.now();
  let sent = 0;
  let startWall = Number.NaN;
  let startTs = Number.NaN;
  let shift = 0;
  let reason: EndMessage['reason'] = 'complete';
  const aborted = (): boolean => signal?.aborted === true;
  try {
    outer: for await (const chunk of source.chunks()) {
      const { symbols, symbol, ts, open, high, low, close, volume } = chunk;
      for (let i = 0; i < chunk.length; i++) {
        if (aborted()) break outer;
        if (output.ready !== undefined) {
          const go = output.ready(signal);
          if (go !== true && !(await go)) break outer;
        }
        const t = ts[i]!;
        if (speed !== 'max') {
          if (Number.isNaN(startWall)) {
            startWall = performance.now();
            startTs = t;
          }
          let wait = startWall + shift + (t - startTs) / speed - performance.now();
          if (opts.maxWaitMs !== undefined && wait > opts.maxWaitMs) {
            shift -= wait - opts.maxWaitMs;
            wait = opts.maxWaitMs;
          }
          if (wait >= 1 && !(await sleep(wait, signal))) break outer;
        } else if (sent % YIELD_EVERY === YIELD_EVERY - 1) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        output.send(encodeBar(symbols[symbol[i]!]!, t, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!));
        sent++;
        opts.onBar?.(sent);
        if (output.needsDrain) await output.drained();
      }
    }
  } finally {
    await source.close();
  }
  if (aborted()) reason = 'interrupted';
  const end: EndMessage = { type: 'end', reason, bars: sent };
  output.send(JSON.stringify(end));
  return { bars: sent, reason, seconds: (performance.now() - t0) / 1000 };
}

/** The `hello` of a replay feed: sent first on stdout, and to every client on connecting. */
export function replayHello(source: BarSource, speed: ReplaySpeed): string {
  return JSON.stringify({
    type: 'hello',
    feed: 'sluice-replay',
    version: FEED_FORMAT_VERSION,
    symbols: source.symbols,
    speed: speed === 'max' ? 'max' : `${speed}x`,
  });
}

/** Waits `ms`; resolves false at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve(signal?.aborted !== true);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
