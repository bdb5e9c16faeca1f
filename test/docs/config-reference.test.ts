import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configReference } from '../../src/config/schema/reference.ts';

it('docs/config-reference.md is current with the zod schemas (regenerate with npm run docs)', () => {
  expect(readFileSync('docs/config-reference.md', 'utf8')).toBe(configReference());
});

it('documents every top-level key with its default', () => {
  const doc = configReference();
  for (const key of [
    '`data.timeframe`',
    '`portfolio.initial_cash`',
    '`execution.fill`',
    '`risk.max_exposure`',
    '`results.storage`',
    '`results.primary_metric`',
  ]) {
    expect(doc).toContain(key);
  }
  expect(doc).toMatch(/`execution\.fill` \| `next_open`, `close` \| `"next_open"`/);
});
