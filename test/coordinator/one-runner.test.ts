import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { planWorkflow } from '../../src/coordinator/plan-workflow.ts';
import { runComposedWorkflow } from '../../src/coordinator/run-composed.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { silent } from '../helpers/run.ts';
import { baseConfig, tempDir, writeFile } from './helpers.ts';

const files = (dir: string): string[] =>
  readdirSync(dir)
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
    .sort();

/** Every file of a phase folder by its relative path, with the run's id and config file named neutrally. */
function phaseFiles(phaseDir: string, workflowId: string, configFile: string): Map<string, string> {
  return new Map(
    files(phaseDir).map((f) => [
      relative(phaseDir, f),
      readFileSync(f, 'utf8').replaceAll(workflowId, '<id>').replaceAll(configFile, '<config>'),
    ]),
  );
}

describe('one workflow runner', () => {
  // A plain config is a one-phase workflow: run plainly, and written as a workflow with one
  // inline phase, it gives the same phase and the same files, byte for byte.
  for (const [kind, sequence] of [
    ['single pass', ''],
    ['parameter sweep', 'sequence: { type: parameter_sweep, shard_size: 2, resume: false }\n'],
  ] as const) {
    it(`a plain config and the same config as a one-phase workflow give the same results (${kind})`, async () => {
      const dir = tempDir('sluice-one-');
      const text = baseConfig('one_runner') + sequence;
      const plainFile = writeFile(dir, 'plain.yaml', text);
      const workflowFile = writeFile(dir, 'workflow.yaml', `${text}phases:\n  - name: backtest\n`);
      const clock = () => new ManualClock(Date.parse('2026-01-02T03:04:05.000Z'));

      const plain = await runWorkflow(await loadWorkflow(plainFile), {
        logger: silent,
        outDir: join(dir, 'plain'),
        clock: clock(),
      });
      const composed = await runComposedWorkflow(await planWorkflow(workflowFile), {
        logger: silent,
        outDir: join(dir, 'workflow'),
        clock: clock(),
      });

      expect(plain.status).toBe('completed');
      expect(composed.status).toBe('completed');
      expect(composed.phases.map((p) => p.name)).toEqual([plain.phase]);
      const phase = composed.phases[0]!;
      expect(phase.sequence).toBe(plain.result.sequence);
      expect(phase.result!.metrics).toEqual(plain.result.metrics);
      expect(phase.result!.best).toEqual(plain.result.best);
      expect(phase.result!.iterations).toEqual(plain.result.iterations);
      expect(phase.result!.ranking.map((b) => [b.key, b.metrics])).toEqual(
        plain.ranking.map((b) => [b.key, b.metrics]),
      );

      const a = phaseFiles(join(plain.dir!, 'backtest'), plain.workflowId, plainFile);
      const b = phaseFiles(join(composed.dir!, 'backtest'), composed.workflowId, workflowFile);
      expect([...a.keys()]).toEqual([...b.keys()]);
      expect([...a.keys()]).toEqual(
        expect.arrayContaining(['phase_summary.json', 'aggregate_results.json', 'trades.ndjson']),
      );
      for (const [name, content] of a) expect(b.get(name), name).toBe(content);

      // Both manifests come from the one builder: the plain one states its phase briefly.
      const read = (d: string) =>
        JSON.parse(readFileSync(join(d, 'workflow.json'), 'utf8')) as {
          status: string;
          phases: Record<string, unknown>[];
          config: Record<string, unknown>;
        };
      const pm = read(plain.dir!);
      const wm = read(composed.dir!);
      expect(pm.status).toBe(wm.status);
      expect(pm.phases).toEqual([{ name: 'backtest', topology: 'backtest', status: 'completed' }]);
      expect(wm.phases[0]).toMatchObject({
        name: 'backtest',
        topology: 'backtest',
        status: 'completed',
        dir: 'backtest',
      });
      const { phases: _phases, ...workflowConfig } = wm.config;
      expect(pm.config).toEqual(workflowConfig);
      // Written as the YAML names it, never in the engine's camelCase.
      expect(pm.config).toMatchObject({
        portfolio: { initial_cash: expect.any(Number) as number },
        results: { primary_metric: expect.any(String) as string },
      });
      expect(JSON.stringify(wm.config)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/);
    });
  }
});
