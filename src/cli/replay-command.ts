import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import type { BarSource } from '../data/bar-source.ts';
import { parseTimestamp } from '../data/parse-timestamp.ts';
import { LiveError } from '../errors/live-error.ts';
import type { ReplayOutput, ReplayResult } from '../live/replay.ts';
import { parseSpeed, type ReplaySpeed } from '../live/replay-speed.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of `sluice replay`. */
interface ReplayCommandOptions {
  symbol: string[];
  speed: ReplaySpeed;
  to: string;
  start?: string;
  end?: string;
  waitClients: number;
  pause: boolean;
  maxWait?: number;
  stream?: string;
  logJson?: boolean;
  logLevel: string;
}

/**
 * Registers `sluice replay <data…> --speed 1x|60x|max --to stdout|ws://host:port`: a
 * stand-in for a live feed, replaying bar files in (timestamp, symbol) order as feed
 * messages (docs/live.md).
 */
export function registerReplayCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('replay')
    .description(
      'replay bar files as a live feed: NDJSON on stdout, messages to WebSocket clients, or bars published to NATS JetStream (--to nats://…), at 1x, 60x… or max speed',
    )
    .argument('<data...>', 'bar files (CSV, or Parquet by extension); several are merged by time')
    .option('--symbol <symbol>', 'symbol of each file, in file order (repeatable; default the file name)', collect, [])
    .option(
      '--speed <speed>',
      '1x (real bar spacing), 60x, … or max (as fast as the consumer reads)',
      parseSpeedOption,
      'max' as ReplaySpeed,
    )
    .option(
      '--to <target>',
      'stdout, ws://host:port to serve (port 0: any free port, printed on stderr), or nats://host:port[/prefix] to publish to JetStream',
      'stdout',
    )
    .option('--stream <name>', 'nats: the JetStream stream, created when missing (default SLUICE_BARS)')
    .option('--start <time>', 'first bar to send (ISO 8601, inclusive), e.g. to resume a feed')
    .option('--end <time>', 'stop before this time (ISO 8601, exclusive)')
    .option('--wait-clients <n>', 'WebSocket: clients to wait for before the first bar', parseCount, 1)
    .option('--no-pause', 'WebSocket: keep sending while no client is connected (default: pause until one is)')
    .option('--max-wait <ms>', 'paced speeds: cut longer waits between bars (nights, weekends) to this', parseCount)
    .option('--log-json', 'log JSON lines on stderr even in a terminal')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (files: string[], o: ReplayCommandOptions) => {
      const { createLogger } = await import('../runtime/logger.ts');
      const logger = createLogger({ json: o.logJson === true, level: o.logLevel });
      try {
        await replayCommand(files, o, io, logger);
      } catch (err) {
        if (!(err instanceof LiveError)) throw err;
        io.err(`replay: ${err.message}`);
        setCode(1);
      }
    });
}

async function replayCommand(files: string[], o: ReplayCommandOptions, io: Io, logger: Logger): Promise<void> {
  if (o.symbol.length > files.length)
    throw new LiveError(`${o.symbol.length} --symbol values for ${files.length} file${files.length === 1 ? '' : 's'}`);
  // Imported when the command runs, not when the CLI starts.
  const [
    { mergeSources },
    { openBarSource },
    { replay, replayHello },
    { startReplayServer },
    { openNatsReplayOutput },
  ] = await Promise.all([
    import('../data/merge-sources.ts'),
    import('../data/open-source.ts'),
    import('../live/replay.ts'),
    import('../live/replay-server.ts'),
    import('../live/nats-replay.ts'),
  ]);
  const start = time(o.start, '--start');
  const end = time(o.end, '--end');
  const sources = files.map((file, i) =>
    openBarSource(
      {
        path: file,
        symbol: o.symbol[i] ?? path.basename(file, path.extname(file)),
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
      },
      process.cwd(),
    ),
  );
  const source: BarSource = sources.length === 1 ? sources[0]! : mergeSources(sources);
  const abort = new AbortController();
  const onSignal = (): void => {
    logger.warn('interrupted: sending the end message and closing');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let result: ReplayResult;
    if (o.to.startsWith('nats://')) {
      const nats = await openNatsReplayOutput(o.to, source.symbols, {
        logger,
        ...(o.stream !== undefined ? { stream: o.stream } : {}),
      });
      io.err(`replay: publishing to ${nats.description}`);
      try {
        result = await replay({
          source,
          speed: o.speed,
          output: nats.output,
          logger,
          signal: abort.signal,
          ...(o.maxWait !== undefined ? { maxWaitMs: o.maxWait } : {}),
        });
      } finally {
        const c = await nats.close();
        io.err(`replay: nats: ${c.stored} messages stored, ${c.duplicates} duplicates, ${c.retries} retries`);
      }
    } else if (o.to === 'stdout' || o.to === '-') {
      const output = stdoutOutput(abort, logger);
      output.send(replayHello(source, o.speed));
      result = await replay({
        source,
        speed: o.speed,
        output,
        logger,
        signal: abort.signal,
        ...(o.maxWait !== undefined ? { maxWaitMs: o.maxWait } : {}),
      });
      if (output.needsDrain) await output.drained();
    } else {
      const server = await startReplayServer({
        source,
        listen: o.to,
        speed: o.speed,
        logger,
        waitClients: o.waitClients,
        pause: o.pause,
        signal: abort.signal,
        ...(o.maxWait !== undefined ? { maxWaitMs: o.maxWait } : {}),
      });
      io.err(`replay: listening on ${server.url}`);
      result = await server.done;
    }
    const speed = o.speed === 'max' ? 'max speed' : `${o.speed}x`;
    io.err(`replay: ${result.bars} bars sent in ${result.seconds.toFixed(2)} s (${speed}), end: ${result.reason}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** NDJSON on stdout; a closed pipe stops the replay. */
function stdoutOutput(abort: AbortController, logger: Logger): ReplayOutput {
  const out = process.stdout;
  out.on('error', (err: Error) => {
    if (!abort.signal.aborted) logger.warn({ err: err.message }, 'stdout closed: stopping');
    abort.abort();
  });
  return {
    send: (text) => {
      if (!out.destroyed) out.write(`${text}\n`);
    },
    get needsDrain() {
      return !out.destroyed && out.writableNeedDrain;
    },
    drained: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      }),
  };
}

function time(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ts = parseTimestamp(value);
  if (Number.isNaN(ts)) throw new LiveError(`${flag} '${value}': expected an ISO 8601 time, e.g. 2024-12-24T20:35:00Z`);
  return ts;
}

function parseSpeedOption(value: string): ReplaySpeed {
  const speed = parseSpeed(value);
  if (speed === undefined)
    throw new InvalidArgumentError('expected max, or a multiple of real time like 1x, 60x, 0.5x');
  return speed;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}
