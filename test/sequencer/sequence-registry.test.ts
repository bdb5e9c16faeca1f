/**
 * Sequence kinds as a registry: the built-in kinds registered as a plugin's are, a
 * plugin's own kind run from a config, and `sequence:` checked when the config loads
 * (so `sluice validate` refuses what `sluice run` would).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { DefinitionError } from '../../src/domain/define.ts';
import { defineSequence } from '../../src/sequencer/define-sequence.ts';
import { sequenceDefinition, sequenceTypes } from '../../src/sequencer/sequence-registry.ts';
import { sequenceSettingsSchema } from '../../src/config/schema/sequence.ts';
import { listCommand } from '../../src/cli/list.ts';
import { silent } from '../helpers/run.ts';
import { ROOT, sluice } from '../helpers/cli.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'sluice-seq-registry-'));

describe('the sequence registry', () => {
  it('holds the five built-in kinds, each made by defineSequence', () => {
    expect(sequenceTypes().slice(0, 5)).toEqual([
      'single_pass',
      'parameter_sweep',
      'train_test',
      'walk_forward',
      'monte_carlo',
    ]);
    for (const type of sequenceTypes().slice(0, 5)) {
      const d = sequenceDefinition(type)!;
      expect(d.type).toBe(type);
      expect(Object.isFrozen(d), type).toBe(true);
      expect(d.settings.safeParse({ type: 'not_this_kind' }).success, type).toBe(false);
    }
    expect(sequenceDefinition('walk_forwad')).toBeUndefined();
    expect(listCommand('sequences', [])).toMatch(
      /sequence kinds \(sequence: \{ type: … \}\):\n {2}single_pass {10}One graph over the data/,
    );
  });

  it.each([
    ['a type that is not snake_case', { type: 'First Part' }, /type must be lower-case snake_case/],
    ['no description', { type: 'a', description: '' }, /description must be one non-empty line/],
    ['settings that are not a zod schema', { type: 'a', settings: { part: 1 } }, /settings must be a zod schema/],
    ['no run', { type: 'a', run: undefined }, /run must be a function/],
  ])('defineSequence refuses %s', (_, override, message) => {
    const base = {
      type: 'a',
      description: 'A kind.',
      settings: sequenceSettingsSchema('a', {}),
      run: () => Promise.reject(new Error('not run')),
    };
    expect(() => defineSequence({ ...base, ...override } as never)).toThrow(DefinitionError);
    expect(() => defineSequence({ ...base, ...override } as never)).toThrow(message);
  });
});

describe('a plugin sequence kind', () => {
  it('is registered by the plugin loader and runs from a config, its settings checked by its own schema', async () => {
    const dir = tmp();
    const plugin = join(dir, 'first-part.ts');
    // A kind that runs another (ctx.runSequence): a single pass over the first `part` of the bars.
    writeFileSync(
      plugin,
      [
        "import { defineSequence, sequenceSettingsSchema, z } from 'sluice';",
        'export const firstPart = defineSequence({',
        "  type: 'first_part',",
        "  description: 'A single pass over the first part of the bars.',",
        "  settings: sequenceSettingsSchema('first_part', { part: z.number().gt(0).lt(1).default(0.5) }),",
        "  run: async (req, s, ctx) => ({ ...(await ctx.runSequence({ ...req, sequence: { type: 'single_pass', warmup: s.warmup, window: { to: s.part } } })), sequence: 'first_part' }),",
        '});',
        '',
      ].join('\n'),
    );
    const loaded = await loadWorkflow(CONFIG, { plugins: [plugin], sets: ['sequence={type: first_part, part: 0.3}'] });
    expect(loaded.sequence).toEqual({ type: 'first_part', part: 0.3, warmup: 'auto' });
    const viaPlugin = await runWorkflow(loaded, { logger: silent, inMemory: true });
    expect(viaPlugin.result.sequence).toBe('first_part');
    expect(sequenceTypes()).toContain('first_part');
    expect(listCommand('sequences', [])).toMatch(
      /first_part\s+A single pass over the first part of the bars\.\n\s+plugin {2}\S*first-part\.ts/,
    );

    // The same as the built-in single pass on that window.
    const direct = await runWorkflow(
      await loadWorkflow(CONFIG, { sets: ['sequence={type: single_pass, window: {to: 0.3}}'] }),
      { logger: silent, inMemory: true },
    );
    expect(viaPlugin.result.metrics).toEqual(direct.result.metrics);
    expect(viaPlugin.outcome?.bars).toBe(direct.outcome?.bars);
    expect(direct.result.metrics['trade_count']).toBeGreaterThan(0);

    // Its schema checks its settings at load, located.
    await expect(
      loadWorkflow(CONFIG, { plugins: [plugin], sets: ['sequence={type: first_part, part: 2}'] }),
    ).rejects.toThrow(/sequence\.part/);

    // Through the command, a config naming the plugin under plugins: (another process: its own registry).
    writeFileSync(
      join(dir, 'c.yaml'),
      `name: t\nplugins: [./first-part.ts]\nsequence: { type: first_part, part: 0.3 }\ndata: { symbol: SPY, path: ${join(ROOT, 'examples/data/SPY_5m.csv')}, timeframe: 5m }\nstrategies: [ { type: sma_crossover, params: { fast_period: 5, slow_period: 20 } } ]\n`,
    );
    const r = await sluice(['run', join(dir, 'c.yaml'), '--out', join(dir, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    const [id] = readdirSync(join(dir, 'out')).filter((d) => !d.startsWith('.'));
    const manifest = JSON.parse(readFileSync(join(dir, 'out', id!, 'workflow.json'), 'utf8')) as {
      status: string;
      plugins: { defines: { kind: string; name: string }[] }[];
    };
    expect(manifest.status).toBe('completed');
    expect(manifest.plugins.flatMap((p) => p.defines)).toEqual([{ kind: 'sequence', name: 'first_part' }]);
    const bad = await sluice(['validate', join(dir, 'c.yaml'), '--set', 'sequence.part=2']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/sequence\.part/);
  }, 90_000);
});

describe('sluice validate', () => {
  it('refuses an unknown sequence located in the file, with a did-you-mean, and an unknown nested one', async () => {
    const dir = tmp();
    const config = (sequence: string): string =>
      `name: t\ndata: { symbol: SPY, path: ${join(ROOT, 'examples/data/SPY_5m.csv')}, timeframe: 5m }\nstrategies: [ { type: sma_crossover } ]\nsequence: ${sequence}\n`;
    writeFileSync(join(dir, 'typo.yaml'), config('walk_forwad'));
    const r = await sluice(['validate', join(dir, 'typo.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/typo\.yaml:4:11 {2}sequence: unknown sequence 'walk_forwad'/);
    expect(r.stderr).toMatch(/did you mean 'walk_forward'\?/);

    writeFileSync(
      join(dir, 'inner.yaml'),
      config('{ type: walk_forward, train: 3000, test: 1000, test_sequence: { type: monte_carol } }'),
    );
    const inner = await sluice(['validate', join(dir, 'inner.yaml')]);
    expect(inner.code).not.toBe(0);
    expect(inner.stderr).toMatch(
      /inner\.yaml:4:\d+ {2}sequence\.test_sequence\.type: unknown sequence type 'monte_carol'/,
    );
    expect(inner.stderr).toMatch(/did you mean 'monte_carlo'\?/);

    writeFileSync(
      join(dir, 'ok.yaml'),
      config('{ type: walk_forward, train: 3000, test: 1000, test_sequence: { type: monte_carlo, draws: 100 } }'),
    );
    const ok = await sluice(['validate', join(dir, 'ok.yaml')]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/ok\.yaml: OK/);
  }, 60_000);
});
