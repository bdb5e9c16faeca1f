import type { z } from 'zod';
import { camelKey, type CamelCaseKeys } from './case-keys.ts';
import { isPlainObject } from './deep-merge.ts';
import { expandSchema, type AnySchema } from './schema-walk.ts';

/**
 * The schema boundary of STYLE.md: a config is validated in its YAML spelling
 * (snake_case, so errors and did-you-mean hints name what the user wrote), then mapped
 * once to the camelCase the engine reads ({@link toCamelKeys}); where config values are
 * written back out (workflow.json, resume keys) they are mapped back ({@link toSnakeKeys}),
 * byte for byte what the YAML spelling gives.
 *
 * The schema says which keys are names: only the keys an object schema declares are
 * renamed. Everything else keeps its keys:
 * - records (`container_settings: { <container id>: … }`): their keys are user values;
 * - `unknown` subtrees: strategy/classifier `params` (named by the definition that declares
 *   them, which reads them as declared), overlays (phase `config:`, `modify`,
 *   `replay_variants[].portfolio`, which address YAML paths), inline sequence settings
 *   (parsed later by the sequence kind's own schema, like params);
 * - catch-all keys of a loose object (workflow `outputs:`, named by the user).
 */

/** The loose view of a zod definition read here (see schema-walk.ts). */
interface LooseDef {
  type: string;
  shape?: Record<string, AnySchema>;
  catchall?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  items?: readonly AnySchema[];
  rest?: AnySchema | null;
}

const defOf = (schema: AnySchema): LooseDef => schema._zod.def as unknown as LooseDef;

type Direction = 'camel' | 'snake';

/** A declared key's name in the target spelling, and the reverse lookup for the snake direction. */
const reverseShapes = new WeakMap<object, Map<string, string>>();
function shapeKey(shape: Record<string, AnySchema>, key: string, to: Direction): string | undefined {
  if (to === 'camel') return Object.prototype.hasOwnProperty.call(shape, key) ? key : undefined;
  let reverse = reverseShapes.get(shape);
  if (reverse === undefined) {
    reverse = new Map(Object.keys(shape).map((k) => [camelKey(k), k]));
    reverseShapes.set(shape, reverse);
  }
  return reverse.get(key);
}

/**
 * Of the concrete schemas a union or wrapper leaves for `value`, the one that describes
 * it: an object schema declaring every key (a discriminated union was already narrowed by
 * expandSchema), else the first of the right kind.
 */
function pick(candidates: readonly AnySchema[], value: unknown, to: Direction): AnySchema | undefined {
  if (Array.isArray(value)) return candidates.find((s) => ['array', 'tuple'].includes(defOf(s).type));
  if (!isPlainObject(value)) return undefined;
  const objects = candidates.filter((s) => defOf(s).type === 'object');
  const keys = Object.keys(value);
  const fits = objects.find((s) => keys.every((k) => shapeKey(defOf(s).shape ?? {}, k, to) !== undefined));
  return fits ?? objects[0] ?? candidates.find((s) => defOf(s).type === 'record');
}

function mapKeys(schema: AnySchema, value: unknown, to: Direction): unknown {
  if (value === null || typeof value !== 'object') return value;
  const s = pick(expandSchema(schema, value), value, to);
  if (s === undefined) return value;
  const def = defOf(s);
  if (Array.isArray(value)) {
    if (def.type === 'array' && def.element !== undefined)
      return value.map((v: unknown) => mapKeys(def.element!, v, to));
    if (def.type === 'tuple')
      return value.map((v: unknown, i) => {
        const item = def.items?.[i] ?? def.rest;
        return item == null ? v : mapKeys(item, v, to);
      });
    return value;
  }
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (def.type === 'record') {
    for (const [k, v] of Object.entries(obj)) out[k] = def.valueType === undefined ? v : mapKeys(def.valueType, v, to);
    return out;
  }
  const shape = def.shape ?? {};
  for (const [k, v] of Object.entries(obj)) {
    const declared = shapeKey(shape, k, to);
    if (declared !== undefined) out[to === 'camel' ? camelKey(declared) : declared] = mapKeys(shape[declared]!, v, to);
    else out[k] = def.catchall === undefined ? v : mapKeys(def.catchall, v, to);
  }
  return out;
}

/**
 * A value parsed by `schema` with the keys the schema declares camelCased (see the file
 * comment for what keeps its keys). Returns new objects; the input is left alone.
 *
 * @example toCamelKeys(ExecutionSchema, { slippage_bps: 2, fill: 'close' }) // { slippageBps: 2, fill: 'close' }
 */
export function toCamelKeys<S extends AnySchema>(schema: S, value: z.output<S>): CamelCaseKeys<z.output<S>> {
  return mapKeys(schema, value, 'camel') as CamelCaseKeys<z.output<S>>;
}

/**
 * The inverse of {@link toCamelKeys}: the YAML spelling of a config value the engine
 * holds, for everything written out (workflow.json, resume keys). Key order is kept, so
 * `toSnakeKeys(s, toCamelKeys(s, v))` serializes byte for byte as `v`.
 */
export function toSnakeKeys<S extends AnySchema>(schema: S, value: CamelCaseKeys<z.output<S>>): z.output<S> {
  return mapKeys(schema, value, 'snake') as z.output<S>;
}

/**
 * `schema.parse(data)` across the boundary: for values the code itself builds in the YAML
 * spelling (a section's defaults, `LiveSchema.parse({})`), which then read like parsed config.
 *
 * @throws ZodError when `data` does not fit, as `parse` does.
 */
export function parseCamel<S extends z.ZodType>(schema: S, data: unknown): CamelCaseKeys<z.output<S>> {
  return toCamelKeys(schema, schema.parse(data));
}
