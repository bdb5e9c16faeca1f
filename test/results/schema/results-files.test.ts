/**
 * Every file of real runs parses with its schema (src/results/schema), and with the JSON
 * Schema generated from it: a single backtest with equity on disk, a parameter sweep, a
 * Monte Carlo pass, a failed run, plugins, and multi-phase workflows (backtest,
 * walk-forward, signal generation; iteration and branches). The schemas are strict, so a
 * writer that adds a field without adding it to its schema fails here.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResultsFile, ResultsFileError } from '../../../src/results/schema/results-file-error.ts';
import { RESULTS_FILE_NAMES, RESULTS_FILES, type ResultsFileName } from '../../../src/results/schema/results-files.ts';
import { resultsJsonSchema } from '../../../src/results/schema/results-json-schema.ts';
import { PhaseSummarySchema } from '../../../src/results/schema/phase-summary.ts';
import { TradeRowSchema } from '../../../src/results/schema/trade-row.ts';
import { baseConfig, tempDir, writeFile } from '../../coordinator/helpers.ts';
import { sluice } from '../../report/make-results.ts';

/** The kind of a results file by its name; null for files with a format of their own (signal store, combination store). */
function kindOf(name: string): ResultsFileName | null {
  if (name === 'workflow.json') return 'workflow';
  if (name === 'phase_summary.json') return 'phase_summary';
  if (name === 'aggregate_results.json') return 'aggregate_results';
  if (name.endsWith('_results.json')) return 'container_results';
  if (name === 'trades.ndjson' || name === 'oos_trades.ndjson') return 'trade_row';
  if (name === 'equity.ndjson' || name === 'oos_equity.ndjson') return 'equity_row';
  return null;
}

/** Every (file, JSON value) of a results folder that has a schema, NDJSON files row by row (as `file:line`). */
function documents(dir: string): { kind: ResultsFileName; where: string; value: unknown }[] {
  const out: { kind: ResultsFileName; where: string; value: unknown }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      // A signal store folder (metadata.json, signals.parquet) has a format of its own (signal-store.md).
      if (e.isDirectory()) {
        if (!existsSync(join(p, 'metadata.json'))) walk(p);
        continue;
      }
      const kind = kindOf(e.name);
      if (kind === null) continue;
      const text = readFileSync(p, 'utf8');
      if (RESULTS_FILES[kind].format === 'json') out.push({ kind, where: p, value: JSON.parse(text) });
      else
        text
          .split('\n')
          .forEach((line, i) => line !== '' && out.push({ kind, where: `${p}:${i + 1}`, value: JSON.parse(line) }));
    }
  };
  walk(dir);
  return out;
}

let root: string;
const runs = new Map<string, string>();

async function run(label: string, args: readonly string[]): Promise<void> {
  const r = await sluice(['run', ...args, '--out', join(root, label), '--log-level', 'error']);
  const dir = /^(?:partial )?results: (.+?)(?: \(marked .*\))?$/m.exec(r.out)?.[1];
  if (dir === undefined) throw new Error(`no results folder for ${label} (exit ${r.code}):\n${r.out}`);
  runs.set(label, dir);
}

beforeAll(async () => {
  root = tempDir('sluice-results-schema-');
  const short = ['--set', 'data.end=2024-05-01'];
  await run('backtest', ['examples/spy-sma-crossover.yaml', '--storage', 'disk', ...short]);
  await run('sweep', [
    'examples/spy-sma-crossover.yaml',
    '--set',
    'sequence=parameter_sweep',
    '--set',
    'strategies[0].params.fast_period=[5, 10]',
    '--set',
    'strategies[0].params.slow_period=[30, 60]',
    ...short,
  ]);
  await run('monte_carlo', [
    'examples/spy-sma-crossover.yaml',
    '--set',
    'sequence={type: monte_carlo, draws: 50, seed: 3}',
    ...short,
  ]);
  await run('plugins', ['examples/spy-plugin-strategy.yaml', ...short]);
  await run('futures', ['examples/futures-sma-cross.yaml', '--storage', 'disk']);
  await run('rotation', ['examples/daily-rotation.yaml', '--storage', 'disk']);
  await run('traced_recorded', ['examples/spy-recorded.yaml', '--trace', 'standard', ...short]);
  await run('higher_timeframe', ['examples/spy-higher-timeframe.yaml', ...short]);
  await run('workflow', ['test/fixtures/configs/query-workflow.yaml']);
  const bad = join(root, 'bad.csv');
  writeFileSync(
    bad,
    `${readFileSync('examples/data/SPY_5m.csv', 'utf8').split('\n').slice(0, 300).join('\n')}\n2024-03-26 10:00:00,1,1,1,1,1\n`,
  );
  await run('failed', ['examples/spy-sma-crossover.yaml', '--set', `data.path=${bad}`]);
  const composed = writeFile(
    root,
    'composed.yaml',
    `${baseConfig('composed')}phases:
  - name: search
    sequence: parameter_sweep
  - name: screen
    depends_on: [search]
    config: { strategies: [{ type: sma_crossover, params: { fast_period: 3, slow_period: 20 } }] }
branches:
  - name: strong
    when: { metric_threshold: { phase: screen, metric: sharpe_ratio, operator: '>', threshold: 1000 } }
    phases: [{ name: confirm }]
  - name: weak
    phases: [{ name: widen, config: { strategies: [{ type: sma_crossover, params: { fast_period: 8, slow_period: 40 } }] } }]
iteration: { max_iterations: 2, until: "phases.search.metrics.trade_count < 0" }
outputs:
  best: "{{ phases.search.best.parameters }}"
`,
  );
  await run('composed', [composed]);
}, 180_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('real results folders against the results schemas', () => {
  it('every file of every run parses with its zod schema', () => {
    const seen = new Set<string>();
    for (const [label, dir] of runs) {
      for (const doc of documents(dir)) {
        expect(
          () => parseResultsFile(RESULTS_FILES[doc.kind].schema, doc.value, doc.where),
          `${label}: ${doc.where}`,
        ).not.toThrow();
        seen.add(doc.kind);
        seen.add(basename(doc.where).replace(/:\d+$/, ''));
      }
    }
    // Nothing passes by being absent: each kind of file and each sequence's files were read.
    for (const kind of RESULTS_FILE_NAMES) expect(seen, kind).toContain(kind);
    for (const file of ['equity.ndjson', 'oos_equity.ndjson', 'oos_trades.ndjson', 'trades.ndjson'])
      expect(seen, file).toContain(file);
  });

  it("the sequences' and workflows' own blocks are there to be checked", () => {
    const summaries = [...runs.values()]
      .flatMap((dir) => documents(dir))
      .filter((d) => d.kind === 'phase_summary')
      .map((d) => PhaseSummarySchema.parse(d.value));
    expect(summaries.some((s) => s.sweep !== undefined && s.metrics_across_combinations !== undefined)).toBe(true);
    expect(summaries.some((s) => s.walk_forward !== undefined && s.walk_forward.per_window.length > 0)).toBe(true);
    expect(summaries.some((s) => s.monte_carlo?.paths !== undefined)).toBe(true);
    expect(summaries.some((s) => s.signal_store !== undefined)).toBe(true);
    expect(summaries.some((s) => s.status === 'failed' && s.error?.kind === 'DataError')).toBe(true);
    expect(summaries.some((s) => s.train !== undefined)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(runs.get('composed')!, 'workflow.json'), 'utf8')) as Record<
      string,
      unknown[]
    >;
    expect(manifest['iteration_results']).toHaveLength(2);
    expect(manifest['branch_results']!.length).toBeGreaterThan(0);
    const plugins = JSON.parse(readFileSync(join(runs.get('plugins')!, 'workflow.json'), 'utf8')) as Record<
      string,
      unknown[]
    >;
    expect(plugins['plugins']!.length).toBeGreaterThan(0);
  });

  it('every file also validates against the generated JSON Schema (schema/results/)', () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validators = Object.fromEntries(RESULTS_FILE_NAMES.map((k) => [k, ajv.compile(resultsJsonSchema(k))]));
    for (const dir of runs.values()) {
      for (const doc of documents(dir)) {
        const validate = validators[doc.kind]!;
        expect(validate(doc.value), `${doc.where}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('is strict: a field no schema lists is an error naming the file and the field', () => {
    const [summary] = documents(runs.get('backtest')!).filter((d) => d.kind === 'phase_summary');
    const added = { ...(summary!.value as Record<string, unknown>), new_field: 1 };
    expect(() => parseResultsFile(PhaseSummarySchema, added, 'x/phase_summary.json')).toThrow(ResultsFileError);
    expect(() => parseResultsFile(PhaseSummarySchema, added, 'x/phase_summary.json')).toThrow(
      /^x\/phase_summary\.json: \(the whole file\): Unrecognized key: "new_field"/,
    );
    const [trade] = documents(runs.get('backtest')!).filter((d) => d.kind === 'trade_row');
    const wrong = { ...(trade!.value as Record<string, unknown>), pnl: 'a lot' };
    expect(() => parseResultsFile(TradeRowSchema, wrong, 'x/trades.ndjson:3')).toThrow(
      /^x\/trades\.ndjson:3: pnl: Invalid input: expected number, received string/,
    );
  });
});
