import { expect, it } from 'vitest';
import pino from 'pino';
import * as sluice from 'sluice';
import type { ComposableWorkflow, WorkflowResults } from 'sluice';

it('the package entry point plans and runs a multi-phase workflow; ComposableWorkflow is a public type', async () => {
  const decide: ComposableWorkflow = { shouldContinue: (r: WorkflowResults) => r.iteration < 1 };
  expect(decide.shouldContinue?.({ iteration: 1, phases: {}, params: {}, history: [] })).toBe(false);
  expect(await sluice.isComposedWorkflow('test/fixtures/configs/spy-small.yaml')).toBe(false);
  const plan = await sluice.planWorkflow('test/fixtures/configs/spy-small.yaml', {
    sets: ['workflow=optimize_validate', 'data.end=2024-04-05', 'workflow_params.min_sharpe=-1000'],
  });
  const result = await sluice.runComposedWorkflow(plan, { logger: pino({ level: 'silent' }), inMemory: true });
  expect(result.status).toBe('completed');
  expect(result.phases.map((p) => p.name)).toEqual(['optimize', 'validate']);
});
