import { freeze, produce } from 'immer';
import { clonePlain, deepMerge, isPlainObject } from './deep-merge.ts';

/**
 * Lays a config overlay over a base config: a phase's `config:`, an iteration's
 * `modify`, pattern defaults under the user config. The merge rules are
 * {@link deepMerge}'s (mappings merge key by key, lists and scalars replace whole,
 * `undefined` leaves the base value alone, `null` replaces), but the result is an
 * immutable value produced with immer:
 *
 * - it is deep-frozen, so a phase cannot change the config another phase or the next
 *   iteration starts from;
 * - every subtree the overlay does not touch is the base's own object (structural
 *   sharing): laying a one-key overlay over a large config copies one path, not the tree;
 * - the base keeps its values. Its shared subtrees get frozen along with the result
 *   (they are part of it); a caller that needs a mutable copy uses {@link deepMerge}.
 *
 * Config data only, at load time and between phases — never on the per-bar path.
 *
 * @example overlay({ a: { x: 1 }, b: { y: 2 } }, { a: { x: 3 } }) // { a: { x: 3 }, b } with b the base's own (frozen) object
 */
export function overlay<T>(base: T, layer: unknown): T {
  if (layer === undefined) return freeze(base, true);
  if (!isPlainObject(base) || !isPlainObject(layer)) return freeze(clonePlain(layer), true) as T;
  // An immer draft cannot take an own `__proto__` key (the assignment is a prototype
  // change, which drafts refuse), yet YAML produces that key from user text: such a rare
  // overlay is merged as a fresh copy instead, frozen all the same.
  if (hasProtoKey(layer)) return freeze(deepMerge(base, layer), true) as T;
  return produce(base, (draft) => {
    mergeInto(draft, layer);
  });
}

/** Lays several overlays left to right, as {@link overlay} does: `overlayAll([defaults, user, phase])`. */
export function overlayAll(layers: readonly unknown[]): unknown {
  return layers.reduce<unknown>((acc, layer) => overlay(acc, layer), undefined);
}

/** Writes `layer` into a draft: only the keys it names are touched, so the rest stays shared. */
function mergeInto(draft: Record<string, unknown>, layer: Record<string, unknown>): void {
  for (const key of Object.keys(layer)) {
    const value = layer[key];
    if (value === undefined) continue;
    const current = Object.prototype.hasOwnProperty.call(draft, key) ? draft[key] : undefined;
    // The layer's own objects are copied in, never adopted: freezing them would change the caller's data.
    if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value);
    else draft[key] = clonePlain(value);
  }
}

function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((k) => k === '__proto__' || hasProtoKey(value[k]));
}
