import type { ConfigPath } from './config-issue.ts';

/** Keys that read unambiguously after a dot; anything else is quoted in brackets. */
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a document path the way users write it: `strategies[0].params.fast_period`.
 * Keys that would be ambiguous after a dot (`SPY.US`, `1`, `a b`) are written
 * `["SPY.US"]`; the empty path is `(root)`.
 */
export function renderPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * The value at `path` in plain data (objects and arrays), or undefined when any step is
 * missing. Used to report what was found where a schema complained.
 */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      cur = Number.isInteger(i) ? cur[i] : undefined;
    } else if (cur !== null && typeof cur === 'object') {
      const key = String(seg);
      cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Returns a copy of `path` typed as a mutable {@link ConfigPath}. */
export function toConfigPath(path: readonly PropertyKey[]): ConfigPath {
  return path.map((seg) => (typeof seg === 'number' ? seg : typeof seg === 'symbol' ? String(seg.description) : seg));
}
