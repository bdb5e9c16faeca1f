import { InvalidArgumentError, type Command } from 'commander';
import type { LookaheadReport, LookaheadViolation, SignalState } from '../analysis/lookahead.ts';

/** Where the command prints. */
interface LookaheadIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of `sluice lookahead`. */
export interface LookaheadCommandOptions {
  readonly samples: number;
  readonly seed: number;
  readonly bar: number[];
  readonly symbol?: string;
  readonly set: string[];
  readonly patterns: string[];
  readonly json?: boolean;
}

/** Violations the text output lists; `--json` lists all. */
export const SHOWN_VIOLATIONS = 20;

function integer(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(
        `${flag}: expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, received '${value}'`,
      );
    }
    return n;
  };
}

/**
 * Registers `sluice lookahead <config> [--samples N] [--seed S] [--bar i]… [--symbol S]
 * [--set k=v]… [--json]` on `program`. `setCode` receives the exit code: 1 when a
 * look-ahead is found or the check cannot be made as asked, 0 otherwise. Config and data
 * errors propagate to `main`, which prints them as `sluice run` does.
 */
export function registerLookaheadCommand(program: Command, io: LookaheadIo, setCode: (code: number) => void): void {
  const collect = (value: string, previous: string[]) => [...previous, value];
  const bars = integer('--bar', 0);
  program
    .command('lookahead')
    .description(
      "rerun the config's strategies on the data cut at sampled bars and report any feature or signal at a bar that changes when later bars are removed",
    )
    .argument('<config>', 'workflow YAML file')
    .option('--samples <n>', 'bars to cut at, the last bar included', integer('--samples', 1), 50)
    .option('--seed <n>', 'seed of the sample (same seed, same bars)', integer('--seed', 0), 1)
    .option(
      '--bar <index>',
      'cut at this bar index instead of a sample (repeatable)',
      (v: string, prev: number[]) => [...prev, bars(v)],
      [] as number[],
    )
    .option('--symbol <symbol>', 'symbol whose bar indexes are sampled (default: the first data source)')
    .option('--set <path=value>', 'override a config value (repeatable)', collect, [])
    .option('--patterns <dir>', 'extra pattern folder (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: LookaheadCommandOptions) => {
      // Imported when the command runs, not when the CLI starts.
      const [{ loadWorkflow }, { checkLookahead, LookaheadError }] = await Promise.all([
        import('../load/load-workflow.ts'),
        import('../analysis/lookahead.ts'),
      ]);
      const loaded = await loadWorkflow(file, { sets: o.set, patternDirs: o.patterns });
      let report: LookaheadReport;
      try {
        report = await checkLookahead(loaded, {
          samples: o.samples,
          seed: o.seed,
          ...(o.bar.length > 0 ? { bars: o.bar } : {}),
          ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
        });
      } catch (err) {
        if (!(err instanceof LookaheadError)) throw err;
        io.err(`${file}: ${err.message}`);
        setCode(1);
        return;
      }
      io.out(o.json === true ? reportJson(report) : reportText(loaded.wf.config.name, report));
      if (report.violations.length > 0) setCode(1);
    });
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The report as text: a one-line summary, then a table of the first violations. */
export function reportText(name: string, r: LookaheadReport): string {
  const checked = `checked ${plural(r.checkedBars.length, 'bar')} × ${plural(r.features.length, 'feature')} × ${plural(r.strategies.length, 'strategy', 'strategies')}`;
  const where = `${r.symbol}, ${r.bars} bars, warm-up ${r.warmup}, ${(r.elapsedMs / 1000).toFixed(1)} s`;
  const warnings = r.warnings.map((w) => `warning: ${w}`);
  if (r.violations.length === 0) return [`${name}: ${checked}: no look-ahead found (${where})`, ...warnings].join('\n');
  const atBars = new Set(r.violations.map((v) => `${v.symbol}@${v.ts}`)).size;
  const lines = [
    `${name}: ${checked}: LOOK-AHEAD FOUND — ${plural(r.violations.length, 'value')} at ${plural(atBars, 'bar')} changed when later bars were removed (${where})`,
    '',
    table([
      ['bar', 'time (UTC)', ...(multiSymbol(r) ? ['symbol'] : []), 'kind', 'name', 'full run', 'cut run'],
      ...r.violations
        .slice(0, SHOWN_VIOLATIONS)
        .map((v) => [
          String(v.bar),
          isoMinute(v.ts),
          ...(multiSymbol(r) ? [v.symbol] : []),
          v.kind,
          v.name,
          valueText(v.full),
          valueText(v.truncated),
        ]),
    ]),
  ];
  if (r.violations.length > SHOWN_VIOLATIONS)
    lines.push(`… and ${r.violations.length - SHOWN_VIOLATIONS} more (--json lists all)`);
  lines.push(...warnings);
  return lines.join('\n');
}

/** The report as JSON; non-finite numbers as strings ("NaN"), times also as ISO 8601. */
export function reportJson(r: LookaheadReport): string {
  const violations = r.violations.map((v: LookaheadViolation) => ({ ...v, time: new Date(v.ts).toISOString() }));
  return JSON.stringify(
    { ...r, violations },
    (_k, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    2,
  );
}

function multiSymbol(r: LookaheadReport): boolean {
  return r.violations.some((v) => v.symbol !== r.symbol);
}

function isoMinute(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
}

const DIRECTION: Record<number, string> = { 1: 'long', 0: 'flat', [-1]: 'short' };

function valueText(v: number | SignalState): string {
  if (typeof v === 'number') return String(v);
  const dir = DIRECTION[v.direction] ?? String(v.direction);
  return v.since === null ? `${dir} (no signal yet)` : `${dir} ${v.strength} since bar ${v.since}`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
