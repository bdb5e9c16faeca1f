/**
 * The authoring API and the plugin loader, in process: definitions checked when made, one
 * registry with origins and collisions, plugin code fingerprints, loading from files,
 * globs and packages (outside the repository too), and a plugin indicator read by the
 * shared feature hub exactly as its published definition says.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineClassifier,
  defineIndicator,
  defineStrategy,
  definitionKind,
  DefinitionError,
} from '../../src/domain/define.ts';
import { Registry, registry, RegistryCollisionError, BUILT_IN } from '../../src/domain/registry.ts';
import { FeatureHub } from '../../src/domain/indicators/feature-hub.ts';
import { loadPlugins, PluginError } from '../../src/plugins/load-plugins.ts';
import { pluginCode, relativeImports } from '../../src/plugins/plugin-code.ts';
import { strategyCode } from '../../src/config/code-dependencies.ts';
import { UserCodeError } from '../../src/domain/user-code-error.ts';
import { asUserCodeError } from '../../src/domain/plugin-frame.ts';
import { ROOT } from '../helpers/cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sluice-plugins-'));
const noop = { params: z.strictObject({}), features: () => [], create: () => () => null };

describe('defineStrategy, defineIndicator, defineClassifier', () => {
  it('return the definition frozen and marked with its kind', () => {
    const s = defineStrategy({ name: 'my_s', description: 'A strategy.', ...noop });
    expect(Object.isFrozen(s)).toBe(true);
    expect(definitionKind(s)).toBe('strategy');
    expect(definitionKind({ ...s })).toBeUndefined(); // a copy is not a definition
    const c = defineClassifier({ name: 'my_c', description: 'A classifier.', labels: ['a', 'b'], ...noop });
    expect(definitionKind(c)).toBe('classifier');
  });

  it.each([
    [
      'a name that is not snake_case',
      () => defineStrategy({ name: 'My Strategy', description: 'x', ...noop }),
      /name must be lower-case snake_case/,
    ],
    [
      'a description over two lines',
      () => defineStrategy({ name: 'a', description: 'one\ntwo', ...noop }),
      /description must be one non-empty line/,
    ],
    [
      'params that are not a zod schema',
      () => defineStrategy({ name: 'a', description: 'x', ...noop, params: { period: 3 } as never }),
      /params must be a zod object schema/,
    ],
    [
      'no create',
      () => defineStrategy({ name: 'a', description: 'x', params: noop.params, features: noop.features } as never),
      /create must be a function/,
    ],
    [
      'a grid that is neither a list nor a range',
      () => defineStrategy({ name: 'a', description: 'x', ...noop, defaultGrid: { period: 3 } as never }),
      /defaultGrid\.period must be a list/,
    ],
    [
      'no outputs',
      () =>
        defineIndicator({
          name: 'i',
          description: 'x',
          params: noop.params,
          outputs: [],
          reads: 'price',
          warmup: () => 1,
          create: () => ({}) as never,
        }),
      /outputs must be a non-empty list/,
    ],
    [
      'an unknown reads',
      () =>
        defineIndicator({
          name: 'i',
          description: 'x',
          params: noop.params,
          outputs: ['value'],
          reads: 'tick' as never,
          warmup: () => 1,
          create: () => ({}) as never,
        }),
      /reads must be 'price'/,
    ],
    [
      'a label twice',
      () => defineClassifier({ name: 'c', description: 'x', labels: ['up', 'up'], ...noop }),
      /labels lists a name twice/,
    ],
  ])('refuse %s, naming the definition and the field', (_, make, message) => {
    expect(make).toThrow(DefinitionError);
    expect(make).toThrow(message);
  });
});

describe('the registry', () => {
  it('holds every built-in, registered through the same add a plugin goes through', () => {
    expect(registry.strategies.size).toBe(22);
    expect(registry.indicators.size).toBe(40);
    expect(registry.classifiers.size).toBe(2);
    for (const d of [
      ...registry.strategies.values(),
      ...registry.indicators.values(),
      ...registry.classifiers.values(),
    ]) {
      expect(definitionKind(d), d.name).toBeDefined();
      expect(Object.isFrozen(d), d.name).toBe(true);
    }
    expect(registry.originOf('strategy', 'sma_crossover')).toEqual(BUILT_IN);
  });

  it('refuses a second definition under a taken name, naming both origins; the same one again is a no-op', () => {
    const r = new Registry();
    const a = defineStrategy({ name: 'x', description: 'x', ...noop });
    const origin = { kind: 'plugin', file: '/p/a.ts', fingerprint: 'f1' } as const;
    r.add(a, origin);
    r.add(a, origin);
    const b = defineStrategy({ name: 'x', description: 'y', ...noop });
    expect(() => r.add(b, { kind: 'plugin', file: '/p/b.ts', fingerprint: 'f2' })).toThrow(RegistryCollisionError);
    expect(() => r.add(b, { kind: 'plugin', file: '/p/b.ts', fingerprint: 'f2' })).toThrow(
      /plugin \/p\/b\.ts collides with the strategy of that name of plugin \/p\/a\.ts/,
    );
    // The composite kinds are reserved strategy names.
    expect(() => r.add(defineStrategy({ name: 'ensemble', description: 'x', ...noop }), origin)).toThrow(
      /the built-in catalogue/,
    );
  });
});

describe('plugin code fingerprints', () => {
  it('follow relative imports transitively and change with any file of the code', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(
      join(dir, 'p.ts'),
      "import { h } from './lib/h.js';\nimport { z } from 'zod';\nexport const x = h;\n",
    );
    writeFileSync(join(dir, 'lib', 'h.ts'), "export * from './deeper';\nexport const h = 1;\n");
    writeFileSync(join(dir, 'lib', 'deeper.ts'), 'export const d = 2;\n');
    const before = pluginCode(join(dir, 'p.ts'));
    expect(before.files.map((f) => f.path)).toEqual(['p.ts', 'lib/deeper.ts', 'lib/h.ts']);
    writeFileSync(join(dir, 'lib', 'deeper.ts'), 'export const d = 3;\n');
    const after = pluginCode(join(dir, 'p.ts'));
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(after.files[0]).toEqual(before.files[0]);
  });

  it('read static, re-export, side-effect and literal dynamic imports, not packages', () => {
    const text =
      "import a from './a';\nexport { b } from \"../b.js\";\nimport './c.ts';\nconst d = await import('./d');\nimport z from 'zod';\nimport type { T } from './t.ts';";
    expect(relativeImports(text)).toEqual(['./a', '../b.js', './c.ts', './d', './t.ts']);
  });
});

describe('loading plugins', () => {
  it('loads a TypeScript plugin from a folder outside any npm project: `sluice` is the running engine', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'outside.ts'),
      "import { defineStrategy, z } from 'sluice';\nexport const outside = defineStrategy({ name: 'outside_strategy', description: 'Flat.', params: z.strictObject({}), features: () => [], create: () => () => ({ direction: 0, strength: 0 }) });\n",
    );
    const [loaded] = await loadPlugins([{ spec: './outside.ts', baseDir: dir }]);
    expect(loaded?.definitions).toEqual([{ kind: 'strategy', name: 'outside_strategy' }]);
    expect(registry.originOf('strategy', 'outside_strategy')).toMatchObject({
      kind: 'plugin',
      file: join(dir, 'outside.ts'),
      fingerprint: loaded?.fingerprint,
    });
    // Loaded once per process: asking again gives the same load, no second registration.
    const [again] = await loadPlugins([{ spec: join(dir, 'outside.ts'), baseDir: '/' }]);
    expect(again).toBe(loaded);
  });

  it('expands a glob in name order', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'plugins'));
    for (const n of ['b', 'a']) {
      writeFileSync(
        join(dir, 'plugins', `${n}.js`),
        `import { defineStrategy, z } from 'sluice';\nexport default defineStrategy({ name: 'glob_${n}', description: 'x', params: z.strictObject({}), features: () => [], create: () => () => null });\n`,
      );
    }
    const loaded = await loadPlugins([{ spec: 'plugins/*.js', baseDir: dir }]);
    expect(loaded.map((p) => p.definitions[0]!.name)).toEqual(['glob_a', 'glob_b']);
  });

  it('refuses a plugin whose name another plugin has, naming both files', async () => {
    const dir = tmp();
    const body =
      "import { defineStrategy, z } from 'sluice';\nexport const s = defineStrategy({ name: 'twice_defined', description: 'x', params: z.strictObject({}), features: () => [], create: () => () => null });\n";
    writeFileSync(join(dir, 'one.ts'), body);
    writeFileSync(join(dir, 'two.ts'), body);
    await loadPlugins([{ spec: './one.ts', baseDir: dir }]);
    const err = await loadPlugins([{ spec: './two.ts', baseDir: dir }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as Error).message).toMatch(
      /two\.ts defines the strategy 'twice_defined', which plugin .*one\.ts already defines/,
    );
  });

  it.each([
    ['a missing file', './nope.ts', /plugin file not found: .*nope\.ts/],
    ['a glob that matches nothing', './none/*.ts', /plugin glob '\.\/none\/\*\.ts' matches no file/],
    [
      'a package that is not installed',
      'sluice-plugin-absent',
      /plugin package 'sluice-plugin-absent' is not installed/,
    ],
  ])('says what is wrong with %s', async (_, spec, message) => {
    await expect(loadPlugins([{ spec, baseDir: tmp() }])).rejects.toThrow(message);
  });
});

describe('a plugin indicator in the shared feature hub', () => {
  it("efficiency_ratio (examples/plugins) equals Kaufman's definition on the SPY closes, warm-up included", async () => {
    await loadPlugins([{ spec: 'examples/plugins/efficiency-ratio.ts', baseDir: ROOT }]);
    const closes = readFileSync(join(ROOT, 'examples/data/SPY_5m.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[4]));
    const n = 10;
    const hub = new FeatureHub();
    const slot = hub.register({ indicator: 'efficiency_ratio', params: { period: n } });
    const state = hub.createState();
    const out = new Float64Array(hub.size);
    let checked = 0;
    closes.forEach((close, t) => {
      hub.update(state, { open: close, high: close, low: close, close, volume: 0 }, out);
      if (t < n) {
        expect(out[slot], `bar ${t} warms up`).toBeNaN();
        return;
      }
      // Independent calculation: the whole window summed afresh.
      let noise = 0;
      for (let i = t - n + 1; i <= t; i++) noise += Math.abs(closes[i]! - closes[i - 1]!);
      const expected = noise > 0 ? Math.abs(close - closes[t - n]!) / noise : 0;
      expect(Math.abs(out[slot]! - expected), `bar ${t}`).toBeLessThan(1e-12);
      checked++;
    });
    expect(checked).toBe(closes.length - n);
  });

  it("counts in a strategy's code identity, which built-ins alone leave empty", async () => {
    await loadPlugins([{ spec: 'examples/plugins/*.ts', baseDir: ROOT }]);
    const trend = registry.strategy('trend_efficiency');
    const params = trend.params.parse({}) as Record<string, unknown>;
    const code = strategyCode({ type: 'trend_efficiency', params, definition: trend, filter: undefined });
    expect(code).toHaveLength(2); // the strategy's plugin and the indicator's
    const sma = registry.strategy('sma_crossover');
    expect(
      strategyCode({
        type: 'sma_crossover',
        params: sma.params.parse({}) as Record<string, unknown>,
        definition: sma,
        filter: undefined,
      }),
    ).toEqual([]);
  });
});

describe('errors thrown by plugin code at run time', () => {
  it("name the plugin file, the line and the bar; a built-in's error stays an engine error", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'thrower.ts'),
      "import { defineStrategy, z } from 'sluice';\nexport const t = defineStrategy({ name: 'thrower', description: 'x', params: z.strictObject({}), features: () => [],\n  create: () => () => { throw new RangeError('bad bar'); } });\n",
    );
    await loadPlugins([{ spec: './thrower.ts', baseDir: dir }]);
    let thrown: unknown;
    try {
      registry.strategy('thrower').create!({})(new Float64Array(0), {} as never);
    } catch (err) {
      thrown = err;
    }
    const wrapped = asUserCodeError(thrown, "strategy 'thrower'", { ts: Date.UTC(2024, 0, 2, 15, 30), symbol: 'SPY' });
    expect(wrapped).toBeInstanceOf(UserCodeError);
    expect(wrapped?.message).toMatch(
      /^strategy 'thrower' threw on SPY bar 2024-01-02T15:30:00\.000Z at .*thrower\.ts:3:\d+ \(plugin .*thrower\.ts\): RangeError: bad bar$/,
    );
    expect(wrapped?.cause).toBe(thrown);
    expect(asUserCodeError(new Error('engine'), 'x', undefined)).toBeUndefined();
  });
});
