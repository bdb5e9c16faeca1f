import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  JSON_SCHEMA_KINDS,
  JSON_SCHEMAS,
  jsonSchema,
  SCHEMA_DIR,
  type JsonSchemaKind,
} from '../../src/config/schema/json-schema.ts';
import { WorkflowConfigSchema } from '../../src/config/schema/workflow.ts';
import { sluice } from '../helpers/cli.ts';
import { loadPlugins } from '../../src/plugins/load-plugins.ts';

// A real JSON Schema validator (ajv, draft 2020-12), as an editor's YAML language server
// would apply it: the schemas must accept every shipped file and reject real mistakes.
const ajv = new Ajv2020({ allErrors: true });
const validators = Object.fromEntries(JSON_SCHEMA_KINDS.map((k) => [k, ajv.compile(jsonSchema(k))])) as Record<
  JsonSchemaKind,
  ReturnType<typeof ajv.compile>
>;

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
// Configs with plugins: validated against a schema that knows their plugins (below).
const usesPlugins = (file: string): boolean =>
  Array.isArray((parse(readFileSync(file, 'utf8')) as { plugins?: unknown }).plugins);
const FILES: readonly (readonly [JsonSchemaKind, string])[] = [
  ...yamlIn('examples')
    .filter((f) => !usesPlugins(f))
    .map((f) => ['config', f] as const),
  ...yamlIn('test/fixtures/configs').map((f) => ['config', f] as const),
  ...yamlIn('patterns/topologies').map((f) => ['topology', f] as const),
  ...yamlIn('patterns/workflows').map((f) => ['workflow', f] as const),
  ...yamlIn('patterns/sequences').map((f) => ['sequence', f] as const),
];

describe('the shipped YAML files against the generated schemas', () => {
  it.each(FILES)('%s schema accepts %s', (kind, file) => {
    const validate = validators[kind];
    const ok = validate(parse(readFileSync(file, 'utf8')));
    expect(validate.errors ?? [], file).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(yamlIn('examples').filter(usesPlugins))(
    'config schema, generated with its plugins loaded, accepts %s',
    async (file) => {
      const plugins = (parse(readFileSync(file, 'utf8')) as { plugins: string[] }).plugins;
      await loadPlugins(plugins.map((spec) => ({ spec, baseDir: dirname(resolve(file)) })));
      const validate = new Ajv2020({ allErrors: true }).compile(jsonSchema('config'));
      const ok = validate(parse(readFileSync(file, 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it.each(
    [
      ...FILES,
      ...yamlIn('examples')
        .filter(usesPlugins)
        .map((f) => ['config', f] as const),
    ].filter(([, f]) => !f.startsWith('test/')),
  )('%s file %s names its schema on its first line, by a path that resolves', (kind, file) => {
    const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    const expected = relative(dirname(resolve(file)), resolve(SCHEMA_DIR, JSON_SCHEMAS[kind].file));
    expect(first).toBe(`# yaml-language-server: $schema=${expected}`);
  });
});

describe('mistakes the config schema rejects, as the loader does', () => {
  const good = {
    name: 'ok',
    data: { symbol: 'SPY', path: 'bars.csv', timeframe: '5m' },
    strategies: [{ type: 'sma_crossover' }],
  };
  const bad: Record<string, unknown> = {
    'unknown top-level key': { ...good, colour: 'red' },
    'unknown nested key': { ...good, portfolio: { initial_csh: 1000 } },
    'wrong type (string for a number)': { ...good, portfolio: { initial_cash: 'lots' } },
    'wrong type (number for a string)': { ...good, data: { ...good.data, timeframe: 5 } },
    'bad enum': { ...good, results: { storage: 'dsk' } },
    'bad enum in a union member': { ...good, portfolio: { sizing: { type: 'percent_equity', percent: 'all' } } },
    'out of range': { ...good, execution: { slippage_bps: -1 } },
    'missing required key': { data: good.data, strategies: good.strategies },
  };

  it('a minimal config with every default left out is valid', () => {
    expect(validators.config(good)).toBe(true);
    expect(WorkflowConfigSchema.safeParse(good).success).toBe(true);
  });

  it.each(Object.entries(bad))('%s does not validate, and zod refuses it too', (_, config) => {
    expect(validators.config(config)).toBe(false);
    expect(WorkflowConfigSchema.safeParse(config).success).toBe(false);
  });

  it("types each strategy's params: a misspelt param, a wrong value or an unknown type is flagged; grids are accepted", () => {
    const withParams = (type: string, params: Record<string, unknown>) => ({ ...good, strategies: [{ type, params }] });
    expect(validators.config(withParams('sma_crossover', { fast_period: 5, slow_period: 'range(10, 50, 10)' }))).toBe(
      true,
    );
    expect(validators.config(withParams('sma_crossover', { fast_period: [5, 10] }))).toBe(true);
    expect(validators.config(withParams('sma_crossover', { fast_perod: 5 }))).toBe(false);
    expect(validators.config(withParams('sma_crossover', { fast_period: -5 }))).toBe(false);
    expect(validators.config(withParams('rsi_threshold', { fast_period: 5 }))).toBe(false);
    expect(validators.config(withParams('sma_crosover', {}))).toBe(false);
    expect(validators.config(withParams('ensemble', {}))).toBe(true);
  });

  it('a topology with an unknown container role does not validate', () => {
    expect(validators.topology({ name: 't', containers: [{ id: 'x', role: 'broker' }] })).toBe(false);
    expect(validators.topology({ name: 't', containers: [{ id: 'x', role: 'data' }] })).toBe(true);
  });
});

describe('sluice schema', () => {
  it('--plugin adds the plugin strategies to the type enum, with their params', async () => {
    const r = await sluice(['schema', '--plugin', 'examples/plugins/*.ts']);
    expect(r.code, r.stderr).toBe(0);
    const entry = (
      JSON.parse(r.stdout) as {
        properties: {
          strategies: {
            items: {
              properties: { type: { enum: string[] } };
              allOf: {
                if: { properties: { type: { const: string } } };
                then: { properties: { params: { properties: Record<string, unknown> } } };
              }[];
            };
          };
        };
      }
    ).properties.strategies.items;
    expect(entry.properties.type.enum).toContain('trend_efficiency');
    const branch = entry.allOf.find((b) => b.if.properties.type.const === 'trend_efficiency');
    expect(Object.keys(branch?.then.properties.params.properties ?? {})).toEqual([
      'fast_period',
      'slow_period',
      'er_period',
      'min_efficiency',
    ]);
  });

  it('--out writes the committed schema file, and the process exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-schema-'));
    try {
      const r = await sluice(['schema', '--out', join(dir, 's.json')]);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(
        readFileSync(join(SCHEMA_DIR, 'sluice.schema.json'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
