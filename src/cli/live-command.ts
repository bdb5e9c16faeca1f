import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { LiveConfig, LiveSinkConfig } from '../config/schema/live.ts';
import { reportFor } from '../errors/exit.ts';
import { LiveError } from '../errors/live-error.ts';
import { SignalStoreError } from '../signals/store-format.ts';
import type { LiveOutcome } from '../live/run-live.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of `sluice live`. */
interface LiveCommandOptions {
  feed?: string;
  warmup?: string;
  warmupSymbol?: string;
  stdout?: boolean;
  file: string[];
  serve: string[];
  store?: string;
  set: string[];
  patterns: string[];
  logJson?: boolean;
  logLevel: string;
}

/**
 * Registers `sluice live <config> [--feed ws://host:port | --feed stdin] [--warmup
 * <bars file>|data|store|none] [--stdout] [--file <path>] [--serve ws://host:port]`.
 * Exit code 0 when the feed ends or on Ctrl-C / SIGTERM (after flushing and closing the
 * sinks), 1 when the run fails (2 when an engine bug failed it: errors/exit.ts).
 */
export function registerLiveCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('live')
    .description(
      "run a config's signal generation on a live feed (WebSocket, NATS JetStream or NDJSON on stdin), emitting each signal as its bar arrives (to stdout, files, WebSocket clients, a store or NATS: docs/live.md, docs/distributed.md)",
    )
    .argument('<config>', 'workflow YAML file (its strategies, classifiers and live: section)')
    .option(
      '--feed <url>',
      'ws://host:port[/path], nats://host:port[/subject] (JetStream), stdin, or binance | alpaca (a provider feed, settings from live.feed) (default: live.feed)',
    )
    .option(
      '--warmup <bars>',
      "bars that prime indicators first: a bar file, 'data' (the config's bar files), 'store' (the bar files signals.store was computed from, fingerprints checked) or 'none' (default: live.warmup)",
    )
    .option('--warmup-symbol <symbol>', "symbol of the --warmup file's bars (default: the config's only symbol)")
    .option('--stdout', 'send signals to stdout as NDJSON (the default when no sink is configured)')
    .option('--file <path>', 'append signals to an NDJSON file, flushed per signal (repeatable)', collect, [])
    .option(
      '--serve <url>',
      'serve signals to WebSocket clients on ws://host:port (repeatable; port 0: any free port, logged)',
      collect,
      [],
    )
    .option(
      '--store <dir>',
      'write the Parquet signal store there, one part file per 10,000 rows, readable while the run goes on (replaces a store already there)',
    )
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .option('--log-json', 'log JSON lines on stderr even in a terminal')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (file: string, o: LiveCommandOptions) => {
      const { createLogger } = await import('../runtime/logger.ts');
      const logger = createLogger({ json: o.logJson === true, level: o.logLevel });
      setCode(await liveCommand(file, o, io, logger, program.opts<{ debug?: boolean }>().debug === true));
    });
}

async function liveCommand(
  file: string,
  o: LiveCommandOptions,
  io: Io,
  logger: Logger,
  debug: boolean,
): Promise<number> {
  // Imported when the command runs, not when the CLI starts.
  const [
    { liveConfigOf, loadLiveWorkflow, openStoreWarmup, openWarmup, withLiveStore },
    { runLive, signalHello },
    { createSink },
    { selectStrategies },
  ] = await Promise.all([
    import('../live/load-live.ts'),
    import('../live/run-live.ts'),
    import('../sinks/sinks.ts'),
    import('../live/strategy-filter.ts'),
  ]);
  const abort = new AbortController();
  const onSignal = (): void => {
    logger.warn('interrupted: stopping after the current bar, flushing the sinks');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const configured = selectStrategies(await loadLiveWorkflow(file, { sets: o.set, patternDirs: o.patterns }));
    const live = liveConfigOf(configured);
    const flagged: LiveSinkConfig[] = [
      ...(o.stdout === true ? [{ type: 'stdout' as const }] : []),
      ...o.file.map((path) => ({ type: 'file' as const, path })),
      ...o.serve.map((url) => ({ type: 'websocket' as const, url })),
      ...(o.store !== undefined ? [{ type: 'store' as const, path: o.store, rowGroupRows: 10_000 }] : []),
    ];
    const sinkConfigs: LiveConfig['sinks'] =
      flagged.length > 0 ? flagged : live.sinks.length > 0 ? live.sinks : [{ type: 'stdout' }];
    const stores = sinkConfigs.filter((c) => c.type === 'store');
    if (stores.length > 1) throw new LiveError(`${stores.length} store sinks: a live run writes one signal store`);
    const warmupSpec = o.warmup ?? live.warmup;
    const warmup =
      warmupSpec === 'store'
        ? await openStoreWarmup(configured)
        : openWarmup(
            configured,
            warmupSpec,
            o.warmup !== undefined ? process.cwd() : configured.wf.baseDir,
            o.warmupSymbol,
          );
    const loaded = withLiveStore(
      configured,
      stores[0],
      o.feed ??
        (live.feed.type !== 'sluice'
          ? [live.feed.type, live.feed.url].filter((x) => x !== undefined).join(' ')
          : live.feed.url) ??
        'none',
      warmup?.description ?? 'none',
    );
    const hello = signalHello(loaded);
    const sinks = sinkConfigs.flatMap((cfg) =>
      cfg.type === 'store' ? [] : [createSink(cfg, { logger, stdout: process.stdout, hello: () => hello })],
    );
    const outcome = await runLive({
      loaded,
      live,
      ...(o.feed !== undefined ? { feedUrl: o.feed } : {}),
      ...(warmup !== undefined ? { warmup } : {}),
      sinks,
      logger,
      signal: abort.signal,
    });
    for (const line of liveSummary(loaded.wf.config.name, outcome)) io.err(line);
    if (outcome.status !== 'failed') return 0;
    const err = outcome.failure?.error;
    const where = outcome.failure?.container !== undefined ? ` in container '${outcome.failure.container}'` : '';
    const report = reportFor(err, { debug, heading: `live run failed during ${outcome.failure?.step}${where}: ` });
    for (const line of report.lines) io.err(line);
    return report.exitCode;
  } catch (err) {
    if (!(err instanceof LiveError) && !(err instanceof SignalStoreError)) throw err;
    io.err(`live: ${err.message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The run's summary for stderr: bars, signals, feed health, latency. */
export function liveSummary(name: string, r: LiveOutcome): string[] {
  const s = r.source;
  const f = r.feed;
  const ms = (v: number): string => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(3) : v.toFixed(1));
  const lines = [
    `live: ${name}: ${r.warmupBars} warm-up bars${r.warmupBars > 0 ? ` (${(r.warmupMs / 1000).toFixed(2)} s)` : ''}, ${r.liveBars} live bars, ${r.signals} signals, ${r.regimes} regime changes; ${r.status}${r.feedEnd !== undefined ? `, feed ${r.feedEnd === 'stopped' ? 'stopped' : `ended (${r.feedEnd})`}` : ''}`,
    `feed: ${f.messages} messages, ${f.malformed} malformed, ${f.other} other, ${f.reconnects} reconnects${f.heartbeatTimeouts > 0 ? ` (${f.heartbeatTimeouts} after a silent connection)` : ''}; bars: ${s.duplicates} duplicates, ${s.outOfOrder} out of order, ${s.coveredByWarmup} covered by warm-up, ${s.ignoredSymbol} of other symbols, ${s.dropped} dropped, ${s.pauses} buffer-full pauses, ${s.gaps} gaps (${s.missingBars} bars missing)${r.ticks.trades > 0 ? `; ticks: ${r.ticks.trades} trades → ${r.ticks.bars} bars, ${r.ticks.late} late` : ''}`,
  ];
  const p = r.provider;
  if (p !== undefined) {
    lines.push(
      `${p.name}: ${p.bars} bars aggregated${p.openKlines !== undefined ? `, ${p.openKlines} open klines skipped` : ''}${p.updates !== undefined ? `, ${p.updates} updated bars (${p.lateUpdates} after their bar was out: not applied)` : ''}, ${p.replaced} replaced, ${p.late} late${p.outsideSession > 0 ? `, ${p.outsideSession} outside the session` : ''}`,
    );
  }
  if (r.latency.count > 0) {
    const rate = r.liveMs > 0 ? `, ${Math.round((r.liveBars / r.liveMs) * 1000)} live bars/s` : '';
    lines.push(
      `latency bar→signal (ms): p50 ${ms(r.latency.p50)}, p95 ${ms(r.latency.p95)}, p99 ${ms(r.latency.p99)}, max ${ms(r.latency.max)} over ${r.latency.count} signals${rate}`,
    );
  }
  return lines;
}
