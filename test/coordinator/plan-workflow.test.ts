import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planWorkflow, isComposedWorkflow } from '../../src/coordinator/plan-workflow.ts';
import { safeRelative } from '../../src/coordinator/plan-outputs.ts';
import { catchConfigErrorAsync } from '../config/catch-config-error.ts';
import { baseConfig, capturingLogger, tempDir, writeFile } from './helpers.ts';

/** Plans a config made of the base config plus `extra`; returns the ConfigError. */
async function planError(extra: string, files: Record<string, string> = {}) {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFile(dir, name, text);
  const file = writeFile(dir, 'wf.yaml', baseConfig() + extra);
  return catchConfigErrorAsync(() => planWorkflow(file));
}

/** The 1-based line of the first line of `file` text containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

const BASE_LINES = baseConfig().split('\n').length - 1;

describe('planWorkflow: located errors before anything runs', () => {
  it('a depends_on cycle names the cycle, at the depends_on entry', async () => {
    const extra = `phases:
  - name: optimize
    depends_on: [validate]
  - name: validate
    depends_on: [optimize]
`;
    const err = await planError(extra);
    expect(err.issues).toHaveLength(1);
    const issue = err.issues[0]!;
    expect(issue.code).toBe('CYCLE');
    expect(issue.message).toBe('phases wait for each other in a cycle: optimize → validate → optimize');
    expect(issue.path).toEqual(['phases', 0, 'depends_on', 0]);
    expect(issue.line).toBe(BASE_LINES + lineOf(extra, '[validate]'));
    expect(issue.col).toBe(18);
    expect(err.message).toContain('wf.yaml:');
  });

  it('a condition that reads a later phase closes a cycle too', async () => {
    const err = await planError(`phases:
  - name: optimize
    condition: { phase_status: { phase: validate, status: completed } }
  - name: validate
    depends_on: [optimize]
`);
    expect(err.issues[0]!.message).toBe('phases wait for each other in a cycle: optimize → validate → optimize');
  });

  it('an unknown phase in depends_on, with a did-you-mean', async () => {
    const extra = `phases:
  - name: optimize
  - name: validate
    depends_on: [optimise]
`;
    const err = await planError(extra);
    const issue = err.issues[0]!;
    expect(issue.code).toBe('UNKNOWN_NAME');
    expect(issue.message).toBe("phase 'validate' depends on unknown phase 'optimise'");
    expect(issue.hint).toBe("did you mean 'optimize'?");
    expect(issue.line).toBe(BASE_LINES + lineOf(extra, 'optimise'));
  });

  it('templates: unknown phase, own results, unknown metric, unknown root, unresolvable config path', async () => {
    const extra = `phases:
  - name: optimize
    sequence: parameter_sweep
  - name: validate
    depends_on: [optimize]
    config:
      strategies:
        - type: "{{ phases.optimze.best.type }}"
          params: "{{ phases.validate.best.parameters }}"
      portfolio: { initial_cash: "{{ phases.optimize.metrics.sharpe }}" }
      execution: { slippage_bps: "{{ params.nope }}" }
      data: { timeframe: "{{ config.data.timeframes }}" }
      risk: "{{ phase.optimize }}"
`;
    const err = await planError(extra);
    const msgs = err.issues.map((i) => [i.code, i.message, i.hint, i.line]);
    expect(msgs).toEqual([
      [
        'TEMPLATE',
        "phase 'validate': {{ phases.optimze.best.type }}: unknown phase 'optimze'",
        "did you mean 'optimize'?",
        BASE_LINES + lineOf(extra, 'optimze'),
      ],
      [
        'TEMPLATE',
        "phase 'validate': {{ phases.validate.best.parameters }}: a phase cannot read its own results",
        undefined,
        BASE_LINES + lineOf(extra, 'phases.validate'),
      ],
      [
        'TEMPLATE',
        "phase 'validate': {{ phases.optimize.metrics.sharpe }}: unknown metric 'sharpe'",
        "did you mean 'sharpe_ratio'?",
        BASE_LINES + lineOf(extra, 'metrics.sharpe'),
      ],
      [
        'TEMPLATE',
        "phase 'validate': {{ params.nope }}: params has no 'nope'",
        undefined,
        BASE_LINES + lineOf(extra, 'params.nope'),
      ],
      [
        'TEMPLATE',
        "phase 'validate': {{ config.data.timeframes }}: config.data has no 'timeframes'",
        "did you mean 'timeframe'?",
        BASE_LINES + lineOf(extra, 'timeframes'),
      ],
      [
        'TEMPLATE',
        "phase 'validate': {{ phase.optimize }}: unknown root 'phase'",
        "did you mean 'phases'?",
        BASE_LINES + lineOf(extra, 'phase.optimize'),
      ],
    ]);
    expect(err.issues[0]!.path).toEqual(['phases', 1, 'config', 'strategies', 0, 'type']);
  });

  it('an output file outside the results folder is refused, relative or absolute', async () => {
    const extra = `phases:
  - name: optimize
outputs:
  sharpe: "{{ phases.optimize.metrics.sharpe_ratio }}"
  files:
    - { path: ../escape.json, value: "{{ phases.optimize.best }}" }
    - { path: /tmp/abs.txt, template: "x" }
    - { path: sub/../../up.txt, template: "x" }
    - { path: ok/best.json, value: 1 }
`;
    const err = await planError(extra);
    expect(err.issues.map((i) => [i.code, i.message, i.path, i.line])).toEqual([
      [
        'INVALID_VALUE',
        "output file '../escape.json' is outside the results folder",
        ['outputs', 'files', 0, 'path'],
        BASE_LINES + lineOf(extra, 'escape'),
      ],
      [
        'INVALID_VALUE',
        "output file '/tmp/abs.txt' is outside the results folder",
        ['outputs', 'files', 1, 'path'],
        BASE_LINES + lineOf(extra, 'abs.txt'),
      ],
      [
        'INVALID_VALUE',
        "output file 'sub/../../up.txt' is outside the results folder",
        ['outputs', 'files', 2, 'path'],
        BASE_LINES + lineOf(extra, 'up.txt'),
      ],
    ]);
    expect(safeRelative('ok/./best.json')).toBe(join('ok', 'best.json'));
    expect(safeRelative('a/../b.txt')).toBe('b.txt');
    expect(safeRelative('..')).toBeUndefined();
  });

  it("an output file that would overwrite the engine's own files is refused (issue 19)", async () => {
    const extra = `phases:
  - name: optimize
outputs:
  files:
    - { path: workflow.json, template: "x" }
    - { path: optimize/phase_summary.json, template: "x" }
    - { path: ./optimize, template: "x" }
    - { path: .combinations/x, template: "x" }
    - { path: report.html, template: "x" }
    - { path: mine/optimize.json, template: "x" }
`;
    const err = await planError(extra);
    expect(err.issues.map((i) => [i.message, i.path])).toEqual([
      ["output file 'workflow.json' would overwrite the engine's workflow.json", ['outputs', 'files', 0, 'path']],
      [
        "output file 'optimize/phase_summary.json' would overwrite the engine's phase folder 'optimize'",
        ['outputs', 'files', 1, 'path'],
      ],
      [
        "output file './optimize' would overwrite the engine's phase folder 'optimize'",
        ['outputs', 'files', 2, 'path'],
      ],
      [
        "output file '.combinations/x' would overwrite the engine's hidden files (names starting with '.')",
        ['outputs', 'files', 3, 'path'],
      ],
      ["output file 'report.html' would overwrite the engine's report.html", ['outputs', 'files', 4, 'path']],
    ]);
  });

  it('an unknown workflow pattern, with a did-you-mean', async () => {
    const err = await planError('workflow: optimize_validat\n');
    expect(err.issues[0]!.message).toBe("unknown workflow 'optimize_validat'");
    expect(err.issues[0]!.hint).toBe("did you mean 'optimize_validate'?");
    expect(err.issues[0]!.line).toBe(BASE_LINES + 1);
  });

  it('workflow_params the pattern does not declare', async () => {
    const err = await planError('workflow: optimize_validate\nworkflow_params: { min_sharp: 1 }\n');
    expect(err.issues[0]!.code).toBe('UNKNOWN_KEY');
    expect(err.issues[0]!.message).toBe("workflow 'optimize_validate' has no param 'min_sharp'");
    expect(err.issues[0]!.hint).toBe("did you mean 'min_sharpe'?");
  });

  it('workflow: and phases: together', async () => {
    const err = await planError('workflow: walk_forward\nphases:\n  - name: x\n');
    expect(err.issues[0]!.message).toContain("phases: and workflow: 'walk_forward' together");
  });

  it('conditions, branches and until are checked; a branch phase may not read another branch', async () => {
    const extra = `phases:
  - name: optimize
    condition: { expression: "iteration > 1 and config.portfolio.initial_cash > 0 and nope > 1" }
branches:
  - name: good
    when: { metric_threshold: { phase: optimize, metric: sharpe_ratio, threshold: 0 } }
    phases:
      - name: validate
  - name: bad
    phases:
      - name: fallback
        depends_on: [validate]
iteration:
  max_iterations: 3
  until: "phases.validate.metrics.sharpe_rati > 1"
`;
    const err = await planError(extra);
    expect(err.issues.map((i) => [i.code, i.message.split('\n')[0], i.line])).toEqual([
      [
        'CONDITION',
        "phase 'optimize': unknown name 'nope' in the expression at character 57:",
        BASE_LINES + lineOf(extra, 'nope'),
      ],
      [
        'INVALID_VALUE',
        "phase 'fallback' cannot depend on 'validate': it runs in branch 'good'",
        BASE_LINES + lineOf(extra, '[validate]'),
      ],
      [
        'CONDITION',
        "iteration.until: unknown metric 'sharpe_rati' in phases.validate.metrics.sharpe_rati",
        BASE_LINES + lineOf(extra, 'until'),
      ],
    ]);
  });

  it('duplicate phase names across main phases and branches', async () => {
    const err = await planError(`phases:
  - name: optimize
branches:
  - phases:
      - name: optimize
`);
    expect(err.issues[0]!.message).toBe("phase name 'optimize' is used twice");
    expect(err.issues[0]!.path).toEqual(['branches', 0, 'phases', 0, 'name']);
  });

  it('a mistyped phase key is a schema error located in the config', async () => {
    const extra = `phases:
  - name: optimize
  - name: validate
    dependson: [optimize]
`;
    const err = await planError(extra);
    expect(err.issues[0]!.code).toBe('UNKNOWN_KEY');
    expect(err.issues[0]!.path).toEqual(['phases', 1, 'dependson']);
    expect(err.issues[0]!.hint).toBe("did you mean 'depends_on'?");
    expect(err.issues[0]!.line).toBe(BASE_LINES + 4);
  });

  it("a phase overlay's config errors show before anything runs, located in the overlay", async () => {
    const extra = `phases:
  - name: a
    config:
      portfolio: { initial_cash: -5 }
  - name: b
    sequence: paramter_sweep
`;
    const err = await planError(extra);
    expect(err.issues.map((i) => [i.path, i.line, i.message.split(':')[0]])).toEqual([
      [['portfolio', 'initial_cash'], BASE_LINES + lineOf(extra, 'initial_cash'), "phase 'a'"],
      [['phases', 1, 'sequence'], BASE_LINES + lineOf(extra, 'paramter'), "phase 'b'"],
    ]);
    expect(err.issues[1]!.hint).toBe("did you mean 'parameter_sweep'?");
  });

  it('a missing workflow module', async () => {
    const err = await planError('workflow_module: ./nope.ts\n');
    expect(err.issues[0]!.path).toEqual(['workflow_module']);
    expect(err.issues[0]!.message).toMatch(/^workflow module not found: .*nope\.ts$/);
  });

  it('a module that exports no ComposableWorkflow', async () => {
    const err = await planError('workflow_module: ./mod.mjs\n', { 'mod.mjs': 'export const x = 1;\n' });
    expect(err.issues[0]!.message).toContain('exports no ComposableWorkflow');
  });

  it('an error in a user workflow pattern is located in the pattern file', async () => {
    const err = await planError('patterns: [./pats]\nworkflow: mine\n', {
      'pats/workflows/mine.yaml': 'name: mine\nphases:\n  - name: a\n    sequence: 3\n',
    });
    expect(err.issues[0]!.file).toMatch(/pats\/workflows\/mine\.yaml$/);
    expect(err.issues[0]!.line).toBe(4);
  });
});

describe('planWorkflow: plans', () => {
  it('plans optimize_validate with its params and the user override, in run order', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'wf.yaml',
      `${baseConfig()}workflow: optimize_validate\nworkflow_params: { min_sharpe: 1.5 }\n`,
    );
    const plan = await planWorkflow(file);
    expect(plan.pattern?.name).toBe('optimize_validate');
    expect(plan.params).toEqual({ split: 0.7, min_sharpe: 1.5 });
    expect(plan.phases.map((p) => [p.spec.name, p.node.hard, p.node.soft, p.readsPhases])).toEqual([
      ['optimize', [], [], false],
      ['validate', ['optimize'], ['optimize'], true],
    ]);
    expect(plan.outputs.map((o) => o.key)).toContain('best_parameters');
    expect(await isComposedWorkflow(file)).toBe(true);
    expect(await isComposedWorkflow('test/fixtures/configs/spy-small.yaml')).toBe(false);
    expect(await isComposedWorkflow('test/fixtures/configs/spy-small.yaml', ['workflow=walk_forward'])).toBe(true);
  });

  it('a user pattern with a built-in name overrides it, with a notice', async () => {
    const dir = tempDir();
    writeFile(
      dir,
      'pats/workflows/walk_forward.yaml',
      'name: walk_forward\ndescription: mine\nphases:\n  - name: only\n',
    );
    const file = writeFile(dir, 'wf.yaml', `${baseConfig()}workflow: walk_forward\n`);
    const { logger, lines } = capturingLogger();
    const plan = await planWorkflow(file, { patternDirs: [join(dir, 'pats')], logger });
    expect(plan.phases.map((p) => p.spec.name)).toEqual(['only']);
    expect(plan.pattern?.file).toBe(join(dir, 'pats', 'workflows', 'walk_forward.yaml'));
    const notice = lines().find((l) => String(l['msg']).includes('overrides the built-in'));
    expect(notice?.['msg']).toBe("user workflow pattern 'walk_forward' overrides the built-in one");
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it("layers the pattern's defaults under the user config", async () => {
    const dir = tempDir();
    writeFile(
      dir,
      'pats/workflows/mine.yaml',
      'name: mine\ndefaults:\n  results: { primary_metric: total_return }\n  portfolio: { initial_cash: 5000 }\nphases: [{ name: a }]\n',
    );
    const file = writeFile(dir, 'wf.yaml', `${baseConfig()}patterns: [./pats]\nworkflow: mine\n`);
    const plan = await planWorkflow(file);
    expect(plan.base.wf.config.results.primaryMetric).toBe('total_return');
    // The user config's portfolio wins over the pattern's default.
    expect(plan.base.wf.config.portfolio.initialCash).toBe(100000);
    const viaSet = await planWorkflow(file, { sets: ['results.primary_metric=calmar_ratio'] });
    expect(viaSet.base.wf.config.results.primaryMetric).toBe('calmar_ratio');
  });

  it('iteration alone makes a one-phase workflow of the config', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'wf.yaml', `${baseConfig()}phase: run\niteration: { max_iterations: 2 }\n`);
    const plan = await planWorkflow(file);
    expect(plan.phases.map((p) => p.spec.name)).toEqual(['run']);
    expect(plan.iteration?.spec.maxIterations).toBe(2);
  });
});
