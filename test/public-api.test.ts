import { expect, it } from 'vitest';
import pino from 'pino';
import * as sluice from 'sluice';

it('the package entry point runs a workflow in memory', async () => {
  const loaded = await sluice.loadWorkflow('test/fixtures/configs/spy-small.yaml');
  const result = await sluice.runWorkflow(loaded, { logger: pino({ level: 'silent' }), inMemory: true });
  expect(result.status).toBe('completed');
  expect(result.dir).toBeNull();
  expect(result.ranking[0]!.metrics.trade_count).toBeGreaterThan(100);
  expect(sluice.STRATEGIES.has('sma_crossover')).toBe(true);
  expect(sluice.EVENT_TYPES).toContain('FILL');
});
