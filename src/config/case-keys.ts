/**
 * The two spellings of a config key: snake_case in YAML (what users write, what docs,
 * error messages and written files show) and camelCase in TypeScript (what the engine
 * reads). STYLE.md: the YAML names are mapped once, at the schema boundary; see
 * {@link ./schema-keys.ts} for the mapping of whole values and docs/architecture.md for
 * where it happens.
 */

/** `fast_period` → `fastPeriod`, as a type. Keys without `_` (and `string` itself) stay as they are. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/**
 * A parsed config value with every object key camelCased, deeply: what
 * {@link toCamelKeys} returns for a value of type `T`. Record keys typed `string` stay
 * `string` (user ids, params), and `unknown` stays `unknown` (overlays, params), which is
 * also what the runtime mapping leaves alone.
 */
export type CamelCaseKeys<T> = T extends readonly unknown[]
  ? { [I in keyof T]: CamelCaseKeys<T[I]> }
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCaseKeys<T[K]> }
      : T;

/** The runtime twin of {@link CamelCase}: `fast_period` → `fastPeriod`, `bar_ts` → `barTs`. */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
