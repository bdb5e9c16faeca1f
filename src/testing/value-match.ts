import type { EventType } from '../events/index.ts';
import { camelCase, SUMMARY_FIELDS } from './event-fields.ts';

/** One field an expected value names: as written (snake_case) and as read from the actual value. */
export interface ExpectedField {
  /** The name as the spec writes it, e.g. `gross_exposure`. */
  readonly name: string;
  /** The property read from the actual value, e.g. `grossExposure`. */
  readonly key: string;
  readonly value: unknown;
}

/**
 * An expected value, normalised: a plain number (an indicator's single output), or a
 * partial object: only the fields written are compared, plus the event type when known.
 */
export type ExpectedValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'fields'; readonly type: EventType | undefined; readonly fields: readonly ExpectedField[] };

/**
 * Numbers match when |actual − expected| ≤ tolerance × max(1, |expected|): absolute
 * near zero, relative for large values (prices, equity). NaN matches NaN.
 */
export function numbersMatch(actual: number, expected: number, tolerance: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}

/** Deep comparison of one field: numbers with tolerance, lists element by element, mappings partially. */
export function fieldMatches(actual: unknown, expected: unknown, tolerance: number): boolean {
  if (typeof expected === 'number') return typeof actual === 'number' && numbersMatch(actual, expected, tolerance);
  if (Array.isArray(expected)) {
    const list = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<number>) : actual;
    return (
      Array.isArray(list) &&
      list.length === expected.length &&
      expected.every((e, i) => fieldMatches(list[i], e, tolerance))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => fieldMatches(a[k] ?? a[camelCase(k)], v, tolerance));
  }
  return actual === expected;
}

/** True when `actual` is what `expected` describes. */
export function valueMatches(actual: unknown, expected: ExpectedValue, tolerance: number): boolean {
  if (expected.kind === 'number') return typeof actual === 'number' && numbersMatch(actual, expected.value, tolerance);
  if (actual === null || typeof actual !== 'object') return false;
  const a = actual as Record<string, unknown>;
  if (expected.type !== undefined && a['type'] !== expected.type) return false;
  return expected.fields.every((f) => fieldMatches(a[f.key], f.value, tolerance));
}

/** A number as a reader wants it: integers as they are, others to 10 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(n)) return String(n);
  return String(Number.parseFloat(n.toPrecision(10)));
}

/** A field value in YAML-ish flow style. */
export function formatField(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return /^[\w.-]+$/.test(v) ? v : JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return formatField(Array.from(v as unknown as ArrayLike<number>));
  if (Array.isArray(v)) return `[${v.map(formatField).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${formatField(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** An expected value as the diff shows it: `SIGNAL {direction: 1}`, `{upper: 12, lower: 8}`, `10.5`. */
export function describeExpected(e: ExpectedValue): string {
  if (e.kind === 'number') return formatNumber(e.value);
  const body = `{${e.fields.map((f) => `${f.name}: ${formatField(f.value)}`).join(', ')}}`;
  return e.type === undefined ? body : `${e.type} ${body}`;
}

/**
 * An actual value as the diff shows it. With the expected value it is compared against,
 * the same fields are shown (like beside like); without one, a summary of the event.
 */
export function describeActual(actual: unknown, like?: ExpectedValue): string {
  if (actual === null || typeof actual !== 'object') return formatField(actual);
  const a = actual as Record<string, unknown>;
  const type = typeof a['type'] === 'string' ? (a['type'] as EventType) : undefined;
  let names: readonly { name: string; key: string }[];
  if (like?.kind === 'fields' && like.fields.length > 0 && (like.type === undefined || like.type === type)) {
    names = like.fields;
  } else if (type !== undefined && SUMMARY_FIELDS[type] !== undefined) {
    names = SUMMARY_FIELDS[type].map((name) => ({ name, key: camelCase(name) }));
  } else {
    names = Object.keys(a).map((name) => ({ name, key: name }));
  }
  const extra = 'to' in a && !names.some((n) => n.name === 'to') ? [{ name: 'to', key: 'to' }] : [];
  const body = `{${[...extra, ...names].map((n) => `${n.name}: ${formatField(a[n.key])}`).join(', ')}}`;
  return type === undefined ? body : `${type} ${body}`;
}
