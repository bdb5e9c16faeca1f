import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planWorkflow } from '../../src/coordinator/plan-workflow.ts';
import {
  runComposedWorkflow,
  type ComposedWorkflowResult,
  type PhaseRecord,
} from '../../src/coordinator/run-composed.ts';
import { isConfigError } from '../../src/config/config-error.ts';
import { silent } from '../helpers/run.ts';
import { baseConfig, tempDir, writeFile } from './helpers.ts';

/** Writes the base config plus `extra`, plans and runs it into a temporary results folder. */
async function run(
  extra: string,
  opts: { sets?: string[]; name?: string; end?: string; base?: string } = {},
): Promise<{ result: ComposedWorkflowResult; manifest: Record<string, unknown>; dir: string }> {
  const dir = tempDir();
  const file = writeFile(dir, 'wf.yaml', (opts.base ?? baseConfig(opts.name, opts.end)) + extra);
  const plan = await planWorkflow(file, { sets: opts.sets ?? [] });
  const result = await runComposedWorkflow(plan, { logger: silent, outDir: join(dir, 'results') });
  const manifest = JSON.parse(readFileSync(join(result.dir!, 'workflow.json'), 'utf8')) as Record<string, unknown>;
  return { result, manifest, dir: result.dir! };
}

const phase = (r: ComposedWorkflowResult, name: string): PhaseRecord => {
  const p = r.phases.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no phase ${name}`);
  return p;
};

describe('optimize_validate', () => {
  it('carries the best parameters into validate, which runs exactly them out of sample', async () => {
    const { result, manifest, dir } = await run(
      'workflow: optimize_validate\nworkflow_params: { min_sharpe: -1000 }\n',
    );
    expect(result.status).toBe('completed');
    const optimize = phase(result, 'optimize');
    const validate = phase(result, 'validate');
    expect(optimize.sequence).toBe('parameter_sweep');
    expect(optimize.result!.iterations).toHaveLength(4);
    const best = optimize.view.best!;
    expect(best.type).toBe('sma_crossover');
    // The validate phase's config holds the best combination, and its one book ran it.
    expect(best.strategy).toEqual({ type: best.type, params: best.parameters });
    expect(validate.config!['strategies']).toEqual([{ type: best.type, params: best.parameters }]);
    expect(validate.result!.ranking).toHaveLength(1);
    expect(validate.result!.ranking[0]!.params).toEqual(best.parameters);
    expect(validate.view.best!.parameters).toEqual(best.parameters);
    // Out of sample: validate trades after the last bar optimize saw.
    expect(validate.view.metrics['start_ts']!).toBeGreaterThan(optimize.view.metrics['end_ts']!);
    expect(validate.condition).toEqual({
      holds: true,
      reason: expect.stringMatching(/^optimize sharpe_ratio -?[\d.]+ > -1000$/) as unknown as string,
    });
    expect(result.outputs['best_parameters']).toEqual(best.parameters);
    expect(result.outputs['out_of_sample_sharpe']).toBe(validate.view.metrics['sharpe_ratio']);
    expect(result.outputs['validated']).toBe('completed');

    expect(manifest['status']).toBe('completed');
    expect(manifest['workflow']).toBe('optimize_validate');
    expect(manifest['params']).toEqual({ split: 0.7, min_sharpe: -1000 });
    const phases = manifest['phases'] as Record<string, unknown>[];
    expect(phases.map((p) => [p['name'], p['status'], p['dir']])).toEqual([
      ['optimize', 'completed', 'optimize'],
      ['validate', 'completed', 'validate'],
    ]);
    expect((phases[1]!['config'] as Record<string, unknown>)['strategies']).toEqual([
      { type: best.type, params: best.parameters },
    ]);
    expect((phases[1]!['config'] as Record<string, unknown>)['workflow']).toBeUndefined();
    expect(manifest['outputs']).toEqual(result.outputs);
    for (const p of ['optimize', 'validate']) expect(existsSync(join(dir, p, 'phase_summary.json'))).toBe(true);
  });

  it('skips validate when the in-sample Sharpe misses the threshold, saying why', async () => {
    const { result, manifest, dir } = await run('workflow: optimize_validate\nworkflow_params: { min_sharpe: 1000 }\n');
    expect(result.status).toBe('completed');
    const validate = phase(result, 'validate');
    expect(validate.status).toBe('skipped');
    expect(validate.reason).toMatch(/^optimize sharpe_ratio -?[\d.]+ is not > 1000$/);
    expect(validate.dir).toBeNull();
    expect(existsSync(join(dir, 'validate'))).toBe(false);
    expect(result.outputs['out_of_sample_sharpe']).toBeNull();
    expect(result.outputs['validated']).toBe('skipped');
    const phases = manifest['phases'] as Record<string, unknown>[];
    expect(phases[1]).toMatchObject({ name: 'validate', status: 'skipped', reason: validate.reason, metrics: null });
  });

  it('the best entry keeps its filter and id in the validate phase', async () => {
    const strategies = `strategies:
  - type: sma_crossover
    id: smac
    params: { fast_period: [3, 5], slow_period: [20, 30] }
    constraint: slow_period > fast_period
    filter: volume > 0
`;
    const { result } = await run(`workflow: optimize_validate\nworkflow_params: { min_sharpe: -1000 }\n${strategies}`, {
      base: baseConfig().replace(/strategies:\n( {2}.*\n)+/, ''),
    });
    const best = phase(result, 'optimize').view.best!;
    const validate = phase(result, 'validate');
    expect(best.strategy).toEqual({ type: 'sma_crossover', id: 'smac', filter: 'volume > 0', params: best.parameters });
    expect(validate.config!['strategies']).toEqual([best.strategy]);
    expect(validate.result!.ranking.map((b) => b.params)).toEqual([best.parameters]);
  });

  it('--set reaches workflow_params', async () => {
    const { result } = await run('workflow: optimize_validate\n', { sets: ['workflow_params.min_sharpe=1000'] });
    expect(phase(result, 'validate').status).toBe('skipped');
  });
});

describe('inline phases', () => {
  it('skips phases that depend on a skipped phase, and runs independent ones side by side in a fixed order', async () => {
    const { result } = await run(`phases:
  - name: left
    config: { strategies: [{ type: sma_crossover, params: { fast_period: 3, slow_period: 20 } }] }
  - name: right
    config: { strategies: [{ type: sma_crossover, params: { fast_period: 5, slow_period: 30 } }] }
  - name: gate
    depends_on: [left]
    condition: { expression: "phases.left.metrics.trade_count > 100000" }
  - name: after_gate
    depends_on: [gate, right]
  - name: report
    depends_on: [left, right]
    condition: { phase_status: { phase: gate, status: skipped } }
`);
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ['left', 'completed'],
      ['right', 'completed'],
      ['gate', 'skipped'],
      ['after_gate', 'skipped'],
      ['report', 'completed'],
    ]);
    expect(phase(result, 'gate').reason).toMatch(
      /^phases\.left\.metrics\.trade_count > 100000 is false \(phases\.left\.metrics\.trade_count = \d+\)$/,
    );
    expect(phase(result, 'after_gate').reason).toMatch(
      /^depends on gate, which was skipped \(phases\.left\.metrics\.trade_count > 100000 is false/,
    );
    expect(phase(result, 'left').view.best!.parameters).toEqual({ fast_period: 3, slow_period: 20 });
    expect(phase(result, 'right').view.best!.parameters).toEqual({ fast_period: 5, slow_period: 30 });
  });

  it('independent phases give the same results side by side as one by one', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}phases:
  - name: a
    sequence: parameter_sweep
  - name: b
    config: { execution: { slippage_bps: 10 } }
  - name: c
    sequence: { type: monte_carlo, draws: 50, seed: 3 }
  - name: d
    depends_on: [a, b, c]
    config: { strategies: ["{{ phases.a.best.strategy }}"] }
`,
    );
    const plan = await planWorkflow(file);
    const parallel = await runComposedWorkflow(plan, { logger: silent, inMemory: true, concurrency: 3 });
    const serial = await runComposedWorkflow(plan, { logger: silent, inMemory: true, concurrency: 1 });
    expect(parallel.phases.map((p) => p.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(parallel.phases.map((p) => [p.status, p.view])).toEqual(serial.phases.map((p) => [p.status, p.view]));
  });

  it('a template that gives a phase an invalid config fails that phase with a located error; dependents are skipped', async () => {
    const extra = `phases:
  - name: first
  - name: second
    depends_on: [first]
    config:
      portfolio: { initial_cash: "{{ phases.first.status }}" }
  - name: third
    depends_on: [second]
`;
    const { result, manifest } = await run(extra);
    expect(result.status).toBe('failed');
    const second = phase(result, 'second');
    expect(second.status).toBe('failed');
    expect(isConfigError(second.error)).toBe(true);
    const issue = (second.error as { issues: { file: string; line: number; path: unknown[]; message: string }[] })
      .issues[0]!;
    expect(issue.file).toMatch(/wf\.yaml$/);
    expect(issue.line).toBe(baseConfig().split('\n').length - 1 + 6);
    expect(issue.path).toEqual(['portfolio', 'initial_cash']);
    expect(issue.message).toMatch(/^phase 'second': /);
    expect(phase(result, 'third').reason).toMatch(/^depends on second, which failed/);
    expect(manifest['status']).toBe('failed');
    expect(manifest['error']).toMatchObject({ phase: 'second' });
  });

  it('a reference that cannot be resolved at run time names the phase and the path', async () => {
    const { result } = await run(`phases:
  - name: first
  - name: second
    depends_on: [first]
    config: { strategies: [{ type: sma_crossover, params: "{{ phases.first.best.parameters.nope }}" }] }
`);
    const second = phase(result, 'second');
    expect(second.status).toBe('failed');
    expect(second.reason).toContain(
      "phase 'second': cannot resolve {{ phases.first.best.parameters.nope }}: phases.first.best.parameters has no 'nope'",
    );
  });

  it('writes outputs to workflow.json and to files inside the results folder', async () => {
    const { result, manifest, dir } = await run(`phases:
  - name: optimize
    sequence: parameter_sweep
    outputs: { trades: "{{ phases.optimize.metrics.trade_count }}" }
outputs:
  best: "{{ phases.optimize.best.parameters }}"
  line: "sharpe {{ phases.optimize.metrics.sharpe_ratio }} with {{ phases.optimize.best.parameters }}"
  trades: "{{ phases.optimize.outputs.trades }}"
  missing: "{{ phases.optimize.best.parameters.nope }}"
  files:
    - { path: best_params.json, value: "{{ phases.optimize.best.parameters }}" }
    - { path: reports/best.yaml, value: { best: "{{ phases.optimize.best.parameters }}", status: "{{ phases.optimize.status }}" } }
    - { path: reports/summary.txt, template: "optimize {{ phases.optimize.status }}: {{ phases.optimize.best.strategy_id }}\\n" }
`);
    const best = phase(result, 'optimize').view.best!;
    expect(result.outputs['best']).toEqual(best.parameters);
    expect(result.outputs['line']).toBe(
      `sharpe ${String(best.metrics['sharpe_ratio'])} with ${JSON.stringify(best.parameters)}`,
    );
    expect(result.outputs['trades']).toBe(phase(result, 'optimize').view.metrics['trade_count']);
    expect(result.outputs['missing']).toBeNull();
    expect(result.outputErrors['missing']).toMatch(
      /^cannot resolve \{\{ phases\.optimize\.best\.parameters\.nope \}\}: phases\.optimize\.best\.parameters has no 'nope' \(.*wf\.yaml:\d+:\d+\)$/,
    );
    expect(JSON.parse(readFileSync(join(dir, 'best_params.json'), 'utf8'))).toEqual(best.parameters);
    expect(readFileSync(join(dir, 'reports', 'best.yaml'), 'utf8')).toBe(
      `best:\n  fast_period: ${String(best.parameters['fast_period'])}\n  slow_period: ${String(best.parameters['slow_period'])}\nstatus: completed\n`,
    );
    expect(readFileSync(join(dir, 'reports', 'summary.txt'), 'utf8')).toBe(`optimize completed: ${best.strategy_id}\n`);
    expect(manifest['outputs']).toEqual(result.outputs);
    expect(manifest['output_errors']).toEqual(result.outputErrors);
  });
});

describe('iteration and branching', () => {
  it('repeats until the condition holds, applying modify with the last results', async () => {
    const { result, manifest, dir } = await run(`phases:
  - name: search
    sequence: parameter_sweep
iteration:
  max_iterations: 5
  until: "iteration >= 2 and phases.search.metrics.trade_count > 0"
  modify:
    strategies: [{ type: "{{ phases.search.best.type }}", params: "{{ phases.search.best.parameters }}" }]
`);
    expect(result.status).toBe('completed');
    expect(result.iterations).toHaveLength(2);
    const [first, second] = result.iterations;
    const best1 = first!.phases[0]!.view.best!;
    expect(first!.next.continue).toBe(true);
    expect(first!.until).toEqual({
      holds: false,
      expression: 'iteration >= 2 and phases.search.metrics.trade_count > 0',
    });
    expect(first!.config_changes).toEqual({ strategies: [{ type: best1.type, params: best1.parameters }] });
    expect(first!.phases[0]!.result!.iterations).toHaveLength(4);
    // The second iteration ran only the first one's best combination.
    expect(second!.phases[0]!.config!['strategies']).toEqual([{ type: best1.type, params: best1.parameters }]);
    expect(second!.phases[0]!.result!.iterations).toHaveLength(1);
    expect(second!.next).toEqual({
      continue: false,
      reason: 'until holds: iteration >= 2 and phases.search.metrics.trade_count > 0',
    });
    expect(readdirSync(join(dir, 'iterations')).sort()).toEqual(['1', '2']);
    expect(existsSync(join(dir, 'iterations', '2', 'search', 'phase_summary.json'))).toBe(true);
    expect(existsSync(join(dir, 'search'))).toBe(false);
    const iterationResults = manifest['iteration_results'] as Record<string, unknown>[];
    expect(
      iterationResults.map((i) => [i['iteration'], i['dir'], (i['next'] as { continue: boolean }).continue]),
    ).toEqual([
      [1, 'iterations/1', true],
      [2, 'iterations/2', false],
    ]);
    expect((manifest['phases'] as Record<string, unknown>[])[0]!['dir']).toBe('iterations/2/search');
  });

  it('stops at max_iterations', async () => {
    const { result } = await run(`phases:
  - name: once
    config: { strategies: [{ type: sma_crossover, params: { fast_period: 3, slow_period: 20 } }] }
iteration: { max_iterations: 2, until: "phases.once.metrics.trade_count < 0" }
`);
    expect(result.iterations.map((i) => i.next)).toEqual([
      { continue: true, reason: 'until does not hold: phases.once.metrics.trade_count < 0' },
      { continue: false, reason: 'max_iterations (2) reached' },
    ]);
  });

  it('takes the first branch whose condition holds and records the others', async () => {
    const { result, manifest } = await run(`phases:
  - name: screen
    config: { strategies: [{ type: sma_crossover, params: { fast_period: 3, slow_period: 20 } }] }
branches:
  - name: strong
    when: { metric_threshold: { phase: screen, metric: sharpe_ratio, operator: '>', threshold: 1000 } }
    phases:
      - name: confirm
  - name: weak
    when: { phase_status: { phase: screen, status: completed } }
    phases:
      - name: widen
        config: { strategies: [{ type: sma_crossover, params: { fast_period: 8, slow_period: 40 } }] }
      - name: widen_check
        depends_on: [widen]
        condition: { expression: "phases.widen.metrics.trade_count >= 0 and phases.screen.status == 'completed'" }
  - name: never
    phases:
      - name: fallback
`);
    expect(result.status).toBe('completed');
    expect(result.branches.map((b) => [b.branch, b.taken])).toEqual([
      ['strong', false],
      ['weak', true],
      ['never', false],
    ]);
    expect(result.branches[0]!.reason).toMatch(/^screen sharpe_ratio -?[\d.]+ is not > 1000$/);
    expect(result.branches[2]!.reason).toBe("branch 'weak' was taken first");
    expect(result.phases.map((p) => [p.name, p.branch, p.status])).toEqual([
      ['screen', null, 'completed'],
      ['confirm', 'strong', 'skipped'],
      ['widen', 'weak', 'completed'],
      ['widen_check', 'weak', 'completed'],
      ['fallback', 'never', 'skipped'],
    ]);
    expect(phase(result, 'confirm').reason).toMatch(/^branch 'strong' not taken: screen sharpe_ratio/);
    expect(phase(result, 'widen').view.best!.parameters).toEqual({ fast_period: 8, slow_period: 40 });
    expect(manifest['branch_results']).toEqual(result.branches);
  });

  it('a ComposableWorkflow module decides iterations, the next config and the branches', async () => {
    const module = resolve('test/coordinator/fixtures/composable-workflow.ts');
    const { result, manifest } = await run(`workflow_module: ${module}
phases:
  - name: screen
    sequence: parameter_sweep
branches:
  - name: deep
    phases: [{ name: deep_run }]
  - name: quick
    phases: [{ name: quick_run }]
`);
    expect(result.status).toBe('completed');
    expect(result.iterations).toHaveLength(2);
    const [first, second] = result.iterations;
    expect(first!.phases.map((p) => [p.name, p.status])).toEqual([
      ['screen', 'completed'],
      ['deep_run', 'completed'],
      ['quick_run', 'skipped'],
    ]);
    expect(second!.phases.map((p) => [p.name, p.status])).toEqual([
      ['screen', 'completed'],
      ['deep_run', 'skipped'],
      ['quick_run', 'completed'],
    ]);
    expect(first!.phases[2]!.reason).toBe("branch 'quick' not taken: not chosen by the workflow module");
    // modifyConfigForNext: more data and only the best combination of the first iteration.
    const best1 = first!.phases[0]!.view.best!;
    expect(second!.phases[0]!.config!['data']).toMatchObject({ end: '2024-04-12' });
    expect(second!.phases[0]!.config!['strategies']).toEqual([{ type: best1.type, params: best1.parameters }]);
    expect(second!.phases[0]!.view.metrics['bars']!).toBeGreaterThan(first!.phases[0]!.view.metrics['bars']!);
    expect(second!.next.reason).toBe('workflow module: shouldContinue returned false');
    expect(manifest['workflow_module']).toBe(module);
    expect((manifest['branch_results'] as unknown[]).length).toBe(4);
  });

  it('a workflow module may be a plain JavaScript class', async () => {
    const { result } = await run(
      `workflow_module: ${resolve('test/coordinator/fixtures/composable-class.mjs')}\nphase: only\n`,
    );
    expect(result.iterations).toHaveLength(1);
    expect(result.iterations[0]!.dir).toBe('iterations/1');
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([['only', 'completed']]);
  });
});

describe('walk_forward', () => {
  it('the built-in pattern runs one walk-forward phase with its params', async () => {
    const { result } = await run('workflow: walk_forward\nworkflow_params: { train: 300, test: 150 }\n');
    expect(result.status).toBe('completed');
    const wf = phase(result, 'walk_forward');
    expect(wf.sequence).toBe('walk_forward');
    const section = wf.view.extra['walk_forward'] as { windows: number; out_of_sample: Record<string, unknown> };
    expect(section.windows).toBeGreaterThanOrEqual(2);
    expect(result.outputs['out_of_sample']).toEqual(wf.view.metrics);
    expect(result.outputs['last_parameters']).toEqual(wf.view.best!.parameters);
  });
});

describe('cancellation', () => {
  it('a cancelled workflow records its phases cancelled and says so in workflow.json', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'wf.yaml', `${baseConfig()}workflow: optimize_validate\n`);
    const plan = await planWorkflow(file);
    const abort = new AbortController();
    abort.abort();
    const result = await runComposedWorkflow(plan, {
      logger: silent,
      outDir: join(dir, 'results'),
      signal: abort.signal,
    });
    expect(result.status).toBe('cancelled');
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ['optimize', 'cancelled'],
      ['validate', 'skipped'],
    ]);
    expect(phase(result, 'validate').reason).toBe(
      'depends on optimize, which was cancelled (the workflow was cancelled before the phase started)',
    );
    const manifest = JSON.parse(readFileSync(join(result.dir!, 'workflow.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['status']).toBe('cancelled');
  });
});

describe('in memory', () => {
  it('writes nothing and gives the same results on every run', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}workflow: optimize_validate\nworkflow_params: { min_sharpe: -1000 }\nresults: { dir: ${join(dir, 'results')} }\n`,
    );
    const plan = await planWorkflow(file);
    const a = await runComposedWorkflow(plan, { logger: silent, inMemory: true });
    const b = await runComposedWorkflow(plan, { logger: silent, inMemory: true });
    expect(a.dir).toBeNull();
    expect(existsSync(join(dir, 'results'))).toBe(false);
    expect(a.phases.map((p) => p.view)).toEqual(b.phases.map((p) => p.view));
    expect(a.outputs).toEqual(b.outputs);
  });
});
