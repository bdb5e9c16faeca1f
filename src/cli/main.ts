// Start-up: `sluice --version`, `--help` and every command's options must not wait for
// DuckDB, BullMQ, NATS, pino-pretty or the engine itself. Only what builds the command
// tree is imported here; each action imports what it runs (`await import(…)`), and so do
// the register* modules below.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ENGINE } from '../engine-info.ts';
import { EXIT, reportFor } from '../errors/exit.ts';
import { DEFAULT_SPEC_GLOB } from '../testing/find-spec-files.ts';
import { registerTraceCommand } from './trace-command.ts';
import { registerLookaheadCommand } from './lookahead-command.ts';
import { registerSignalsCommand, signalStoreLines } from './signals-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerLiveCommand } from './live-command.ts';
import { registerDataCommand } from './data-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerSubscribeCommand } from './subscribe-command.ts';
import { registerQueryCommand } from './query-command.ts';
import { registerSchemaCommand } from './schema-command.ts';
import { registerInitCommand } from './init-command.ts';
import { TRACE_LEVELS } from '../config/schema/trace-levels.ts';
import { positiveInt, registerQueueCommands } from '../distributed/queue-command.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/**
 * The `sluice` command. Returns the exit code rather than exiting, so the process ends
 * by itself once nothing is left open — and a test can see that it does.
 *
 * @param build makes the command tree ({@link buildProgram}); a test may add a command
 *   to it to see how an error no command expects is reported.
 */
export async function main(
  argv: readonly string[],
  io: Io = defaultIo,
  build: typeof buildProgram = buildProgram,
): Promise<number> {
  let code: number = EXIT.ok;
  const program = build(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    code = reportError(err, io, program.opts<{ debug?: boolean }>().debug === true);
  }
  return code;
}

/**
 * The `sluice` command tree, built without parsing anything: `main` runs it, and
 * scripts/generate-docs.ts walks it for docs/cli.md, so the reference lists exactly the
 * commands and options registered here.
 *
 * @param setCode receives the exit code an action decides (the last call wins)
 */
export function buildProgram(io: Io, setCode: (code: number) => void): Command {
  const program = new Command('sluice')
    .description('Reactive streaming engine for trading-strategy research')
    .version(ENGINE.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();

  const collect = (value: string, previous: string[]) => [...previous, value];

  // Options of every command (they may follow the command name): plugins load before any
  // action runs, so every command sees their strategies, indicators and classifiers.
  program
    .option(
      '--plugin <path>',
      'plugin module (repeatable): a file or glob relative to the working directory, or a package name; defines strategies, indicators, classifiers (docs/extending.md)',
      collect,
      [],
    )
    .option('--debug', 'print the stack trace of every error, also of mistakes in configs and plugins')
    .hook('preAction', async (_program, action) => {
      const { plugin } = action.optsWithGlobals<{ plugin: string[] }>();
      if (plugin.length === 0) return;
      const { getProcessPlugins, setProcessPlugins } = await import('../plugins/load-plugins.ts');
      const { loadCliPlugins } = await import('../load/resolve-plugins.ts');
      setProcessPlugins(plugin);
      await loadCliPlugins(getProcessPlugins());
    });

  program
    .command('run')
    .description('run a workflow config and write results/<workflow_id>/')
    .argument('<config>', 'workflow YAML file')
    .option(
      '--set <path=value>',
      'override a config value (repeatable), e.g. strategies[0].params.fast_period=5',
      collect,
      [],
    )
    .option('--out <dir>', 'results root folder (default: results.dir of the config)', folderArg)
    .addOption(new Option('--storage <mode>', 'results storage mode').choices(['memory', 'disk', 'hybrid']))
    .addOption(
      new Option('--trace <level>', 'event tracing level (execution.trace_settings.level)').choices(TRACE_LEVELS),
    )
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .option('--log-json', 'log JSON lines (ISO times) on stderr even in a terminal')
    .option(
      '--log-level <level>',
      'log level: trace, debug, info, warn, error (default: warn in a terminal, info in JSON logs)',
    )
    .option('-v, --verbose', 'log progress and decisions (as --log-level info)')
    .option(
      '--workers <n>',
      'threads that compute sweeps (walk-forward train sweeps too): this one and n − 1 worker threads; results are identical to 1',
      parseWorkers,
      1,
    )
    .option(
      '--force',
      'signal replay: replay a signal store written from other data, other strategy parameters or another engine version (as replay.force: true)',
    )
    .option(
      '--queue <url>',
      'run sweeps as BullMQ jobs on Redis (redis://HOST:PORT) for `sluice worker`s; results are identical to a local run',
    )
    .option(
      '--chunk-size <n>',
      'combinations per queue job (default: about 4 M combination-bars, see docs/distributed.md)',
      positiveInt,
    )
    .option('--report', 'also write report.html into the results folder (as `sluice report`)')
    .addOption(
      new Option(
        '--engine <engine>',
        'how backtest graphs run (execution.engine): auto (fused columnar path where exact) or per_event; results are identical',
      ).choices(['auto', 'per_event']),
    )
    .action(
      async (
        file: string,
        o: {
          set: string[];
          out?: string;
          storage?: string;
          trace?: string;
          patterns: string[];
          logJson?: boolean;
          logLevel?: string;
          verbose?: boolean;
          workers: number;
          force?: boolean;
          queue?: string;
          chunkSize?: number;
          report?: boolean;
          engine?: string;
        },
      ) => {
        const [
          { createLogger },
          { isComposedWorkflow },
          { loadWorkflow },
          { runWorkflow },
          { sequenceSummary },
          { summaryTable },
          { reportAfterRun },
          { openQueueRunner },
          { runHeadline },
        ] = await Promise.all([
          import('../runtime/logger.ts'),
          import('../coordinator/plan-workflow.ts'),
          import('../load/load-workflow.ts'),
          import('../coordinator/run-workflow.ts'),
          import('./sequence-summary.ts'),
          import('./summary-table.ts'),
          import('./report-command.ts'),
          import('../distributed/queue-command.ts'),
          import('./run-headline.ts'),
        ]);
        const logger = createLogger({ json: o.logJson === true, level: o.logLevel, verbose: o.verbose });
        const sets = [
          ...o.set,
          ...(o.storage !== undefined ? [`results.storage=${o.storage}`] : []),
          ...(o.trace !== undefined ? [`execution.trace_settings.level=${o.trace}`] : []),
          ...(o.engine !== undefined ? [`execution.engine=${o.engine}`] : []),
        ];
        if (await isComposedWorkflow(file, sets)) {
          const { runComposedCommand } = await import('./workflow-command.ts');
          const runner = o.queue === undefined ? undefined : await openQueueRunner(o.queue, o.chunkSize, logger);
          try {
            setCode(
              await runComposedCommand(
                file,
                {
                  sets,
                  patternDirs: o.patterns,
                  workers: o.workers,
                  ...(runner !== undefined ? { shardRunner: runner } : {}),
                  ...(o.out !== undefined ? { outDir: o.out } : {}),
                  ...(o.report === true ? { report: (dir: string) => reportAfterRun(dir, io) } : {}),
                  debug: program.opts<{ debug?: boolean }>().debug === true,
                },
                io,
                logger,
              ),
            );
          } finally {
            await runner?.close();
          }
          return;
        }
        const loaded = await loadWorkflow(file, {
          sets,
          patternDirs: o.patterns,
          logger,
          ...(o.force === true ? { force: true } : {}),
        });
        const runner = o.queue === undefined ? undefined : await openQueueRunner(o.queue, o.chunkSize, logger);
        const abort = new AbortController();
        const onSigint = (): void => {
          logger.warn('interrupted: stopping after the current bar, saving results');
          abort.abort();
        };
        process.once('SIGINT', onSigint);
        process.once('SIGTERM', onSigint);
        try {
          // With a queue, its own line shows jobs done, failed and stalled instead of the combination bar.
          const result = await runWorkflow(loaded, {
            logger,
            signal: abort.signal,
            progress: runner === undefined,
            workers: o.workers,
            ...(runner !== undefined ? { shardRunner: runner } : {}),
            ...(o.out !== undefined ? { outDir: o.out } : {}),
          });
          // A failed run prints its error and where the partial results are, not a summary of them.
          if (result.status !== 'failed') {
            const skipped = result.outcome?.source.skipped ?? 0;
            io.out(runHeadline(loaded.wf, result.result, result.outcome?.bars, skipped));
            for (const line of sequenceSummary(result.result)) io.out(line);
            if (result.ranking.length > 0) io.out(summaryTable(result.ranking));
            for (const [id, r] of result.outcome?.containers ?? []) {
              if (r['role'] === 'signal_sink') io.out(`${id}: ${String(r['signal_rows'])} signal changes computed`);
              if (r['role'] === 'signal_sink' && r['regime_rows'] !== undefined)
                io.out(`${id}: ${String(r['regime_rows'])} regime changes computed`);
              if (r['role'] === 'signal_source')
                io.out(
                  `${id}: ${String(r['signals_emitted'])} stored signals replayed from ${loaded.wf.replay?.store ?? '?'} (no indicator computed)`,
                );
            }
            for (const line of signalStoreLines(result)) io.out(line);
            if (result.dir !== null) io.out(`results: ${result.dir}`);
          }
          if (result.dir !== null && o.report === true) await reportAfterRun(result.dir, io);
          if (result.status === 'failed') {
            const err = result.failure?.error;
            const where = result.failure?.container !== undefined ? ` in container '${result.failure.container}'` : '';
            // A sweep that failed outside any graph (a queue job refused) has a reason but no failure.
            const heading = `run failed${result.failure === undefined ? '' : ` during ${result.failure.step}`}${where}: `;
            const report =
              err === undefined
                ? { exitCode: EXIT.failed, lines: [`${heading}${String(result.result.reason)}`] }
                : reportFor(err, { debug: program.opts<{ debug?: boolean }>().debug === true, heading });
            for (const line of report.lines) io.err(line);
            io.err(
              result.dir !== null
                ? `partial results: ${result.dir} (marked "status": "failed")`
                : 'no results folder was written',
            );
            setCode(report.exitCode);
          } else if (result.status === 'cancelled') {
            io.err('run cancelled; partial results were saved, marked "status": "cancelled"');
            setCode(EXIT.interrupted);
          }
        } finally {
          process.off('SIGINT', onSigint);
          process.off('SIGTERM', onSigint);
          await runner?.close();
        }
      },
    );

  program
    .command('validate')
    .description('check a config, its patterns, strategies, data files and graph without running')
    .argument('<config>', 'workflow YAML file')
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .action(async (file: string, o: { set: string[]; patterns: string[] }) => {
      const [{ isComposedWorkflow, planWorkflow }, { describePlan }, { loadWorkflow }] = await Promise.all([
        import('../coordinator/plan-workflow.ts'),
        import('./workflow-command.ts'),
        import('../load/load-workflow.ts'),
      ]);
      if (await isComposedWorkflow(file, o.set)) {
        io.out(
          describePlan(file, await planWorkflow(file, { sets: o.set, patternDirs: o.patterns, fetchData: false })),
        );
        return;
      }
      // A config fed live by a provider (live.feed.type binance, alpaca) need not have its
      // data files: `sluice live` runs without them, as it loads the config the same way.
      const [{ wf, plan, pendingDownloads }, { optimismWarnings }, { existsSync }] = await Promise.all([
        loadWorkflow(file, { sets: o.set, patternDirs: o.patterns, fetchData: false, liveProviderData: true }),
        import('../config/optimism.ts'),
        import('node:fs'),
      ]);
      io.out(
        `${file}: OK — topology ${wf.topology.name}, ${wf.strategies.length} strateg${wf.strategies.length === 1 ? 'y' : 'ies'}, ${plan.instances.length} containers, ${plan.routes.length} routes`,
      );
      for (const w of optimismWarnings(wf.config)) io.err(`warning: ${w}`);
      for (const p of pendingDownloads ?? [])
        io.out(`data: ${p} is not there yet; the first run downloads it (data.provider)`);
      const feed = wf.config.live?.feed.type;
      for (const s of wf.sources) {
        if (feed !== undefined && feed !== 'sluice' && !existsSync(s.path))
          io.out(
            `data: ${s.path} is not there; \`sluice live\` takes its bars from the ${feed} feed without it (only --warmup data and \`sluice run\` read it)`,
          );
      }
    });

  program
    .command('explain')
    .description(
      'print the compiled graph: containers, routes, and a Mermaid diagram; for a multi-phase workflow its phases, sequences and windows first',
    )
    .argument('<config>', 'workflow YAML file')
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output').choices(['text', 'mermaid', 'both']).default('both'))
    .action(async (file: string, o: { set: string[]; patterns: string[]; format: string }) => {
      const [{ loadWorkflow }, { explainEngine, explainMermaid, explainText }, { isComposedWorkflow, planWorkflow }] =
        await Promise.all([
          import('../load/load-workflow.ts'),
          import('../topology/explain.ts'),
          import('../coordinator/plan-workflow.ts'),
        ]);
      // A multi-phase workflow: its phases, their sequences and windows, then the graph.
      if (o.format !== 'mermaid' && (await isComposedWorkflow(file, o.set))) {
        const { explainWorkflow } = await import('./explain-workflow.ts');
        io.out(await explainWorkflow(await planWorkflow(file, { sets: o.set, patternDirs: o.patterns })));
      }
      const loaded = await loadWorkflow(file, { sets: o.set, patternDirs: o.patterns });
      const { plan } = loaded;
      if (o.format !== 'mermaid' && !(await isComposedWorkflow(file, o.set))) {
        // A sequence with a window or walk-forward windows: what it will run over.
        const { describeWindows } = await import('../sequencer/describe-windows.ts');
        const seq = loaded.sequence;
        const windows = await describeWindows(loaded, seq);
        if (windows.length > 0) io.out([`sequence ${seq.type}:`, ...windows.map((l) => `  ${l}`), ''].join('\n'));
      }
      if (o.format !== 'mermaid') io.out(`${explainText(plan)}\n\n${explainEngine(loaded.wf)}`);
      if (o.format === 'both') io.out('');
      if (o.format !== 'text') io.out(o.format === 'both' ? `mermaid:\n${explainMermaid(plan)}` : explainMermaid(plan));
    });

  program
    .command('list')
    .description('list what is discovered: workflows, sequences, topologies, strategies, classifiers, indicators')
    .addArgument(
      program
        .createArgument('[what]', 'workflows | sequences | topologies | strategies | classifiers | indicators')
        .choices(['workflows', 'sequences', 'topologies', 'strategies', 'classifiers', 'indicators']),
    )
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .action(async (what: string | undefined, o: { patterns: string[] }) => {
      const { listCommand } = await import('./list.ts');
      io.out(listCommand(what, o.patterns));
    });

  program
    .command('features')
    .description('compute indicator series over a bar file and write them as CSV, one column per output')
    .argument('<data>', 'bar file (CSV, or Parquet by extension)')
    .option(
      '--indicator <spec>',
      'repeatable: name, name:p1,p2 (positional, in param order) or name:key=value,...',
      collect,
      [],
    )
    .option('--out <file>', 'CSV file to write (default: stdout)')
    .option('--symbol <symbol>', 'symbol of the bars (default: the file name)')
    .option('--bars', "also write each bar's open, high, low, close and volume after its timestamp")
    .option('--short-names', 'name columns like rsi_14 and bbands_20_2_0_upper instead of rsi(period=14).value')
    .option('--timeframe <tf>', "the bars' timeframe (e.g. 5m): needed by a spec on a higher timeframe, sma:50@1h")
    .addOption(
      new Option(
        '--calendar <calendar>',
        'where higher-timeframe bars are cut: us_equity (from the 09:30 open, regular session) or continuous (UTC clock)',
      )
        .choices(['us_equity', 'continuous'])
        .default('us_equity'),
    )
    .action(
      async (
        file: string,
        o: {
          indicator: string[];
          out?: string;
          symbol?: string;
          bars?: boolean;
          shortNames?: boolean;
          timeframe?: string;
          calendar: 'us_equity' | 'continuous';
        },
      ) => {
        const { featuresCommand, FeatureSpecError } = await import('./features-command.ts');
        try {
          const s = await featuresCommand(file, o.indicator, {
            out: o.out,
            symbol: o.symbol,
            write: (t) => io.out(t),
            bars: o.bars,
            names: o.shortNames === true ? 'short' : 'full',
            timeframe: o.timeframe,
            calendar: o.calendar,
          });
          if (o.out !== undefined)
            io.out(`${file}: ${s.rows} bars, ${s.columns.length} feature columns written to ${o.out}`);
        } catch (err) {
          if (!(err instanceof FeatureSpecError)) throw err;
          io.err(err.message);
          setCode(EXIT.failed);
        }
      },
    );

  program
    .command('marbles')
    .description('run marble specs of strategies, containers, routes and pipelines under virtual time')
    .argument('[globs...]', `spec files, folders or globs (default: ${DEFAULT_SPEC_GLOB})`)
    .action(async (globs: string[]) => {
      const { runMarbleFiles } = await import('../testing/run-marble-files.ts');
      const summary = await runMarbleFiles(globs, io);
      if (summary.failed + summary.invalid + summary.unmatched > 0) setCode(EXIT.failed);
    });

  registerTraceCommand(program, io, setCode);
  registerLookaheadCommand(program, io, setCode);
  registerSignalsCommand(program, (args) => main(['node', 'sluice', ...args], io), setCode);
  registerReplayCommand(program, io, setCode);
  registerLiveCommand(program, io, setCode);
  registerDataCommand(program, io, setCode);
  registerReportCommand(program, io, setCode);
  registerQueueCommands(program, io, setCode);
  registerSubscribeCommand(program, io, setCode);
  registerQueryCommand(program, io, setCode);
  registerSchemaCommand(program, io);
  registerInitCommand(program, io, setCode);
  return program;
}

/** Prints an error the way its kind deserves (errors/exit.ts): a user mistake plainly, a bug as one. */
function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? EXIT.ok : EXIT.failed;
  }
  const report = reportFor(err, { debug });
  for (const line of report.lines) io.err(line);
  return report.exitCode;
}

/** `--out`: a folder; an empty string would silently mean the working directory. */
export function folderArg(value: string): string {
  if (value.trim() === '')
    throw new InvalidArgumentError(
      'expected a folder, received an empty string (write --out . for the working directory)',
    );
  return value;
}

/** `--workers`: a whole number from 1 to 64. */
function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number from 1 to 64');
  return n;
}

// Run as a script from the repository (`npx tsx src/cli/main.ts validate …`): what
// bin/sluice.js does, instead of exiting 0 having done nothing. Imported (the bin, tests),
// this does nothing.
if (
  import.meta.url.endsWith('.ts') &&
  process.argv[1] !== undefined &&
  pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url
) {
  await import(new URL('../source-condition.mjs', import.meta.url).href);
  process.exitCode = await main(process.argv);
}
