import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { discoverPatterns } from '../patterns/discover.ts';
import { COMPOSITES } from '../domain/composition/catalogue.ts';
import { CLASSIFIERS, INDICATORS, STRATEGIES, registry } from '../domain/registry.ts';
import type { DefinitionKind } from '../domain/define.ts';
import { display } from '../plugins/load-plugins.ts';
import { sequenceDefinition, sequenceOrigin, sequenceTypes } from '../sequencer/sequence-registry.ts';

/** Parameter names with their defaults, read from a zod object schema. */
function paramsOf(schema: z.ZodType): string {
  let defaults: Record<string, unknown> = {};
  try {
    defaults = schema.parse({}) as Record<string, unknown>;
  } catch {
    // a schema with required params has no complete default object
  }
  const shape =
    (schema as unknown as { shape?: Record<string, { safeParse?(v: unknown): { success: boolean } }> }).shape ?? {};
  const names = Object.keys(shape);
  // Required params bare; optional ones without a default in brackets (adxr's [lag]),
  // except optional choices, shown with them (a crossover's trigger (state|cross)).
  const optional = (n: string): boolean => shape[n]?.safeParse?.(undefined).success === true;
  return names
    .map((n) => {
      if (n in defaults) return `${n}=${JSON.stringify(defaults[n])}`;
      const options = choices(shape[n]);
      if (options !== '') return `${n}${options}`;
      return optional(n) ? `[${n}]` : n;
    })
    .join(', ');
}

/** ` (a|b)` for an optional enum param (a crossover's trigger), else ''. */
function choices(field: unknown): string {
  const def = (field as { def?: { type?: string; innerType?: { options?: unknown } } } | undefined)?.def;
  const options = def?.type === 'optional' ? def.innerType?.options : undefined;
  return Array.isArray(options) ? ` (${options.join('|')})` : '';
}

/** The `description:` of a pattern file, on one line ('' when it has none or cannot be read). */
function patternDescription(file: string): string {
  try {
    const data = parseDocument(readFileSync(file, 'utf8')).toJS() as { description?: unknown } | null;
    return typeof data?.description === 'string' ? data.description.replace(/\s+/g, ' ').trim() : '';
  } catch {
    return '';
  }
}

/** A plugin entry's source line (`sluice list` shows where user code comes from); '' for a built-in. */
function from(kind: DefinitionKind, name: string): string {
  const origin = registry.originOf(kind, name);
  return origin?.kind === 'plugin' ? `\n  ${''.padEnd(20)} plugin  ${display(origin.file)}` : '';
}

/** Text for `sluice list [what]`. */
export function listCommand(what: string | undefined, patternDirs: readonly string[]): string {
  const parts: string[] = [];
  for (const kind of ['workflows', 'sequences', 'topologies'] as const) {
    if (what !== undefined && what !== kind) continue;
    parts.push(`${kind}:`);
    for (const p of discoverPatterns(kind, patternDirs).values()) {
      const where = relative(process.cwd(), p.file) || p.file;
      parts.push(
        `  ${p.name.padEnd(20)} ${p.builtIn ? 'built-in' : 'user'}  ${where}${p.overrides !== undefined ? `  (overrides ${p.overrides})` : ''}`,
      );
      const description = patternDescription(p.file);
      if (description !== '') parts.push(`  ${''.padEnd(20)} ${description}`);
    }
    // The kinds patterns (and inline settings) name: built-in and plugin ones (defineSequence).
    if (kind === 'sequences') {
      parts.push('sequence kinds (sequence: { type: … }):');
      for (const type of sequenceTypes()) {
        const origin = sequenceOrigin(type);
        const plugin = origin?.kind === 'plugin' ? `\n  ${''.padEnd(20)} plugin  ${display(origin.file)}` : '';
        parts.push(`  ${type.padEnd(20)} ${sequenceDefinition(type)?.description ?? ''}${plugin}`);
      }
    }
  }
  if (what === undefined || what === 'strategies') {
    parts.push('strategies:');
    for (const s of STRATEGIES.values())
      parts.push(
        `  ${s.name.padEnd(20)} ${paramsOf(s.params)}\n  ${''.padEnd(20)} ${s.description}${from('strategy', s.name)}`,
      );
    parts.push('composite strategies (members are strategy entries, nested composites too):');
    for (const c of COMPOSITES.values()) {
      const params = paramsOf(c.params);
      parts.push(
        `  ${c.name.padEnd(20)} ${params === '' ? '(no params)' : params}; ${c.usage}\n  ${''.padEnd(20)} ${c.description}`,
      );
    }
  }
  if (what === undefined || what === 'classifiers') {
    parts.push('classifiers:');
    for (const c of CLASSIFIERS.values()) {
      parts.push(
        `  ${c.name.padEnd(20)} ${paramsOf(c.params)}  → ${c.labels.join(', ')}\n  ${''.padEnd(20)} ${c.description}${from('classifier', c.name)}`,
      );
    }
  }
  if (what === undefined || what === 'indicators') {
    parts.push('indicators:');
    for (const i of INDICATORS.values()) {
      parts.push(
        `  ${i.name.padEnd(20)} ${paramsOf(i.params)}  → ${i.outputs.join(', ')}\n  ${''.padEnd(20)} ${i.description}${from('indicator', i.name)}`,
      );
    }
  }
  return parts.join('\n');
}
