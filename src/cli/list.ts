import { relative } from 'node:path';
import type { z } from 'zod';
import { discoverPatterns } from '../patterns/discover.ts';
import { STRATEGIES } from '../domain/strategies/catalogue.ts';
import { INDICATORS } from '../domain/indicators/catalogue.ts';

/** Parameter names with their defaults, read from a zod object schema. */
function paramsOf(schema: z.ZodType): string {
  let defaults: Record<string, unknown> = {};
  try {
    defaults = schema.parse({}) as Record<string, unknown>;
  } catch {
    // a schema with required params has no complete default object
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const names = Object.keys(shape);
  return names.map((n) => (n in defaults ? `${n}=${JSON.stringify(defaults[n])}` : n)).join(', ');
}

/** Text for `sluice list [what]`. */
export function listCommand(what: string | undefined, patternDirs: readonly string[]): string {
  const parts: string[] = [];
  if (what === undefined || what === 'topologies') {
    parts.push('topologies:');
    for (const p of discoverPatterns('topologies', patternDirs).values()) {
      const where = relative(process.cwd(), p.file) || p.file;
      parts.push(`  ${p.name.padEnd(20)} ${p.builtIn ? 'built-in' : 'user'}  ${where}${p.overrides !== undefined ? `  (overrides ${p.overrides})` : ''}`);
    }
  }
  if (what === undefined || what === 'strategies') {
    parts.push('strategies:');
    for (const s of STRATEGIES.values()) parts.push(`  ${s.name.padEnd(20)} ${paramsOf(s.params)}\n  ${''.padEnd(20)} ${s.description}`);
  }
  if (what === undefined || what === 'indicators') {
    parts.push('indicators:');
    for (const i of INDICATORS.values()) {
      parts.push(`  ${i.name.padEnd(20)} ${paramsOf(i.params)}  → ${i.outputs.join(', ')}\n  ${''.padEnd(20)} ${i.description}`);
    }
  }
  return parts.join('\n');
}
