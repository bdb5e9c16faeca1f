import type { z } from 'zod';
import { valueAt } from './config-path.ts';

/**
 * Any zod 4 schema (classic `z.*` or `zod/mini`): everything here reads only the core
 * definition `schema._zod.def`, which both share.
 */
export type AnySchema = z.core.$ZodType;

/**
 * The loose view of a zod 4 definition this file relies on. zod documents `_zod.def` as
 * the schema's introspection surface; reading it structurally keeps us independent of
 * the many generic definition types.
 */
interface LooseDef {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  out?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: readonly AnySchema[];
  discriminator?: string;
  left?: AnySchema;
  right?: AnySchema;
  items?: readonly AnySchema[];
  rest?: AnySchema | null;
  shape?: Record<string, AnySchema>;
  catchall?: AnySchema;
  getter?: () => AnySchema;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
  format?: string;
  checks?: readonly { _zod: { def: { check?: string; format?: string } } }[];
}

/** The definition of `schema`, read structurally. */
function defOf(schema: AnySchema): LooseDef {
  return schema._zod.def as unknown as LooseDef;
}

/** Wrappers that add behaviour but not shape; the data sits in `innerType`. */
const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
  'promise',
  'success',
]);

/** Guards against `z.lazy` cycles; real configs are nowhere near this deep. */
const MAX_DEPTH = 64;

/**
 * The concrete schemas (objects, arrays, records, primitives…) that may describe `data`
 * under `schema`: wrappers (optional, default, nullable, pipe, lazy…) are unwrapped,
 * unions and intersections fan out. A discriminated union with a known discriminator
 * value in `data` keeps only the matching option, so the keys offered as suggestions
 * belong to the strategy the user actually chose.
 *
 * @param visit called with every schema met on the way, wrappers and unions included
 *   (to read metadata such as a union's `noun`).
 */
export function expandSchema(
  schema: AnySchema,
  data?: unknown,
  visit?: (s: AnySchema) => void,
  depth = 0,
): AnySchema[] {
  if (depth > MAX_DEPTH) return [];
  visit?.(schema);
  const def = defOf(schema);
  const recur = (s: AnySchema): AnySchema[] => expandSchema(s, data, visit, depth + 1);
  if (WRAPPERS.has(def.type) && def.innerType !== undefined) return recur(def.innerType);
  switch (def.type) {
    case 'pipe': {
      // A preprocess (transform → schema) validates the transform's output; otherwise
      // the input side is what the user wrote.
      const inner = def.in !== undefined && defOf(def.in).type === 'transform' ? def.out : def.in;
      return inner === undefined ? [] : recur(inner);
    }
    case 'lazy':
      return def.getter === undefined ? [] : recur(def.getter());
    case 'intersection':
      return [def.left, def.right].flatMap((s) => (s === undefined ? [] : recur(s)));
    case 'union': {
      const options = def.options ?? [];
      let chosen = options;
      if (def.discriminator !== undefined && data !== null && typeof data === 'object') {
        const tag = (data as Record<string, unknown>)[def.discriminator];
        const matching = options.filter((o) => discriminatorValues(o, def.discriminator!).includes(tag));
        if (matching.length > 0) chosen = matching;
      }
      return chosen.flatMap(recur);
    }
    default:
      return [schema];
  }
}

/**
 * The literal values an option of a discriminated union accepts for its discriminator
 * key (`type: z.literal('sma_crossover')` → `['sma_crossover']`).
 */
export function discriminatorValues(option: AnySchema, key: string): unknown[] {
  const out: unknown[] = [];
  for (const s of expandSchema(option)) {
    const field = defOf(s).shape?.[key];
    if (field === undefined) continue;
    for (const f of expandSchema(field)) {
      const d = defOf(f);
      if (d.type === 'literal') out.push(...(d.values ?? []));
      else if (d.type === 'enum') out.push(...Object.values(d.entries ?? {}));
    }
  }
  return out;
}

/**
 * The concrete schemas that describe the value at `path`, following object keys, array
 * and tuple indices and record values. Empty when the path leaves the schema.
 *
 * @param data the data being validated (root of `path`); used to pick union options.
 * @param visit called with every schema met while unwrapping the value at the end of
 *   `path` (see {@link expandSchema}).
 */
export function schemasAt(
  schema: AnySchema,
  path: readonly (string | number)[],
  data?: unknown,
  visit?: (s: AnySchema) => void,
): AnySchema[] {
  let current = expandSchema(schema, data, path.length === 0 ? visit : undefined);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const here = valueAt(data, path.slice(0, i + 1));
    const last = i === path.length - 1;
    const next: AnySchema[] = [];
    for (const s of current) {
      const child = childSchema(s, seg);
      if (child !== undefined) next.push(...expandSchema(child, here, last ? visit : undefined));
    }
    current = next;
  }
  return current;
}

function childSchema(schema: AnySchema, seg: string | number): AnySchema | undefined {
  const def = defOf(schema);
  const index = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : undefined;
  switch (def.type) {
    case 'object': {
      const field = def.shape?.[String(seg)];
      if (field !== undefined) return field;
      const rest = def.catchall;
      return rest !== undefined && !['never', 'unknown', 'any'].includes(defOf(rest).type) ? rest : undefined;
    }
    case 'array':
    case 'set':
      return index === undefined ? undefined : (def.element ?? def.valueType);
    case 'tuple':
      return index === undefined ? undefined : (def.items?.[index] ?? def.rest ?? undefined);
    case 'record':
    case 'map':
      return def.valueType;
    default:
      return undefined;
  }
}

/**
 * The keys the schema allows at `path` (an object schema, or the union of the object
 * options there), in declaration order. Used to suggest a fix for an unknown key.
 *
 * @example knownKeysAt(Config, ['strategies', 0, 'params'], data) // ['fast_period', 'slow_period']
 */
export function knownKeysAt(schema: AnySchema, path: readonly (string | number)[], data?: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path, data)) {
    const shape = defOf(s).shape;
    if (shape !== undefined) for (const k of Object.keys(shape)) keys.add(k);
  }
  return [...keys];
}

/** True when the number schema only accepts integers (`z.int()`, `z.number().int()`). */
export function isIntegerSchema(schema: AnySchema): boolean {
  const def = defOf(schema);
  if (def.type !== 'number' && def.type !== 'bigint') return false;
  if (def.type === 'bigint' || /int/.test(def.format ?? '')) return true;
  return (def.checks ?? []).some((c) => c._zod.def.check === 'number_format' && /int/.test(c._zod.def.format ?? ''));
}
