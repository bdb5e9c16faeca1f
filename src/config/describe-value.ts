/** Longest string shown inside a message before it is cut with `…`. */
const MAX_SHOWN = 40;

/**
 * A scalar as the user would write it in YAML: strings in single quotes (cut to 40
 * characters, line breaks shown as `\n`), `.nan` / `.inf` for the non-finite numbers,
 * everything else as is.
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN - 1)}…` : value;
    return `'${shown.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return describeValue(value);
}

/**
 * What was found, with its type, for "expected X, received Y" messages:
 * `a string 'abc'`, `a number 42`, `a boolean true`, `null`, `a list of 3 items`,
 * `an empty mapping`, `nothing` (undefined).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `a string ${quoteValue(value)}`;
  if (typeof value === 'number') return `a number ${quoteValue(value)}`;
  if (typeof value === 'boolean') return `a boolean ${String(value)}`;
  if (typeof value === 'bigint') return `an integer ${String(value)}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${plural(value.length, 'item')}`;
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return `a ${typeof value}`;
}

/** `1 item`, `3 items`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Lists choices for a message: `'a', 'b', 'c'`, cut after `max` with `…` so a list of
 * fifty symbols does not flood the screen.
 */
export function listChoices(values: readonly unknown[], max = 8): string {
  const shown = values.slice(0, max).map(quoteValue);
  if (values.length > max) shown.push('…');
  return shown.join(', ');
}

/** Lower-cases a leading capital so a library's sentence can follow `path: `; keeps acronyms (`YAML`). */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
