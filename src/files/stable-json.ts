/**
 * The one JSON format of result files.
 *
 * Results must be byte-identical across runs of the same config and data, so the format
 * is fixed here and nothing in it depends on the clock or the machine: 2-space indent, a
 * trailing newline, numbers exactly as JavaScript prints them (shortest round-trip form,
 * never rounded), and non-finite numbers (NaN, ±Infinity) as `null`, since JSON has no
 * spelling for them. Typed arrays (e.g. a feature vector) are written as plain arrays
 * rather than as `{"0": …, "1": …}` objects. Object keys keep their insertion order, which
 * is deterministic when the code that built the object is.
 */

/** Writes typed arrays as arrays; everything else as JSON.stringify would. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>);
  }
  return value;
}

function serialize(value: unknown, indent: number | undefined): string {
  const text = JSON.stringify(value, replacer, indent);
  // JSON.stringify returns undefined (not a string) for undefined, functions and symbols.
  if (typeof text !== 'string') {
    throw new TypeError(`cannot write ${typeof value} as JSON`);
  }
  return text;
}

/**
 * `value` as pretty JSON for a result file: 2-space indent, trailing newline, non-finite
 * numbers as null, typed arrays as arrays, nothing rounded.
 *
 * @throws TypeError when `value` itself is undefined, a function or a symbol, or (from
 *   JSON.stringify) holds a BigInt or a cycle.
 */
export function toJson(value: unknown): string {
  return serialize(value, 2) + '\n';
}

/**
 * `value` as one line of NDJSON: compact, followed by a newline, with the same value rules
 * as {@link toJson}. JSON.stringify escapes newlines inside strings, so the result is
 * always exactly one line.
 *
 * @throws TypeError as {@link toJson}.
 */
export function toJsonLine(value: unknown): string {
  return serialize(value, undefined) + '\n';
}
