import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { WorkflowResult } from '../coordinator/run-workflow.ts';

interface SignalsOptions {
  store?: string;
  force?: boolean;
  set: string[];
  out?: string;
  storage?: string;
  patterns: string[];
  logJson?: boolean;
  logLevel?: string;
  verbose?: boolean;
}

/**
 * `sluice signals <config>`: `sluice run <config> --set topology=signal_generation`, with
 * `--store <dir>` (a persistent store to reuse and grow: `signals.store`) and `--force`
 * (`signals.force`). Runs through `run` so both print and exit alike.
 *
 * @param run the CLI's own entry, called with the equivalent `run` arguments
 */
export function registerSignalsCommand(
  program: Command,
  run: (argv: string[]) => Promise<number>,
  setCode: (code: number) => void,
): void {
  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('signals')
    .description(
      'generate signals into a sparse signal store (Parquet): run with the signal_generation topology, reusing the strategies a --store already holds',
    )
    .argument('<config>', 'workflow YAML file')
    .option(
      '--store <dir>',
      'persistent store folder: strategies already in it are reused, the others computed and merged in (default: a fresh store in <phase>/signals of the results folder)',
    )
    .option(
      '--force',
      'recompute every strategy, and replace a store computed from other data or by another engine version',
    )
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .option('--out <dir>', 'results root folder (default: results.dir of the config)')
    .option('--storage <mode>', 'results storage mode: memory | disk | hybrid')
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .option('--log-json', 'log JSON lines (ISO times) on stderr even in a terminal')
    .option(
      '--log-level <level>',
      'log level: trace, debug, info, warn, error (default: warn in a terminal, info in JSON logs)',
    )
    .option('-v, --verbose', 'log progress and decisions (as --log-level info)')
    .action(async (file: string, o: SignalsOptions) => {
      const args = ['run', file, '--set', 'topology=signal_generation'];
      // JSON-quoted: --set reads values as YAML, where a bare path with ': ' or '#' would not survive.
      if (o.store !== undefined) args.push('--set', `signals.store=${JSON.stringify(resolve(o.store))}`);
      if (o.force === true) args.push('--set', 'signals.force=true');
      for (const s of o.set) args.push('--set', s);
      if (o.out !== undefined) args.push('--out', o.out);
      if (o.storage !== undefined) args.push('--storage', o.storage);
      for (const p of o.patterns) args.push('--patterns', p);
      if (o.logJson === true) args.push('--log-json');
      if (o.logLevel !== undefined) args.push('--log-level', o.logLevel);
      if (o.verbose === true) args.push('--verbose');
      setCode(await run(args));
    });
}

/** What `run` prints about a signal store after a signal-generation run. */
export function signalStoreLines(result: Pick<WorkflowResult, 'status' | 'result'>): string[] {
  const s = result.result.extra['signal_store'] as
    | {
        dir: string;
        strategies: number;
        reused: number;
        computed: number;
        kept_from_store: number;
        replaced: string[];
        signal_rows: number | null;
        regime_rows: number | null;
      }
    | undefined;
  if (s === undefined) return [];
  const lines = [
    `signal store: ${s.strategies} strateg${s.strategies === 1 ? 'y' : 'ies'}: ${s.reused} reused, ${s.computed} computed${s.kept_from_store > 0 ? `, ${s.kept_from_store} more kept from the store` : ''}${s.replaced.length > 0 ? `, ${s.replaced.length} replaced (${s.replaced.join(', ')})` : ''}`,
  ];
  if (result.status === 'completed')
    lines.push(`signal store: ${s.signal_rows ?? 0} signal rows, ${s.regime_rows ?? 0} regime rows in ${s.dir}`);
  else lines.push(`signal store: not written (run ${result.status}); ${s.dir} keeps what it held`);
  return lines;
}
