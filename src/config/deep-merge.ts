/** True for `{}`-style objects (and null-prototype ones); false for arrays, dates, class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Merges two layers of plain config data; the override wins.
 *
 * - Mappings merge key by key, recursively.
 * - Lists and scalars in `override` replace the base value whole: a list of strategies
 *   is one setting, not something to splice element by element.
 * - `undefined` in `override` leaves the base value alone (an absent option is not a
 *   request to erase); `null` is a value and does replace.
 *
 * Never mutates its inputs, and the result shares no object or array with them, so a
 * caller may freely change it (or freeze it) without touching pattern defaults that
 * other configs reuse.
 *
 * @example deepMerge({ a: { x: 1, y: 2 }, l: [1, 2] }, { a: { y: 3 }, l: [9] }) // { a: { x: 1, y: 3 }, l: [9] }
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return clonePlain(base);
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(base)) setOwn(out, key, clonePlain(base[key]));
    for (const key of Object.keys(override)) {
      const value = override[key];
      if (value === undefined) continue;
      setOwn(
        out,
        key,
        Object.prototype.hasOwnProperty.call(base, key) ? deepMerge(base[key], value) : clonePlain(value),
      );
    }
    return out;
  }
  return clonePlain(override);
}

/**
 * Merges any number of layers left to right (`deepMergeAll([defaults, user, sets])`):
 * each later layer overrides the earlier ones, as in {@link deepMerge}.
 */
export function deepMergeAll(layers: readonly unknown[]): unknown {
  return layers.reduce<unknown>((acc, layer) => deepMerge(acc, layer), undefined);
}

/**
 * A deep copy of plain data (objects and arrays); other values (dates, class instances)
 * are kept by reference, since config data from YAML contains none that are mutated.
 */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => clonePlain(v)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, key, clonePlain(value[key]));
    return out as T;
  }
  return value;
}

/**
 * Assigns an own property even for the key `__proto__`, which plain assignment would
 * turn into a prototype change — YAML happily produces that key from user text.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
