const CH_0 = 48;
const CH_9 = 57;

/**
 * Parses a numeric field; NaN when it is not a finite number. Stricter than `Number()`,
 * which reads an empty or blank field as 0, a silent wrong price; looser than nothing:
 * surrounding spaces and exponents (`1.5e3`) are fine.
 */
export function parseNumber(s: string | undefined): number {
  if (s === undefined || s.length === 0) return NaN;
  const v = Number(s);
  if (!Number.isFinite(v)) return NaN;
  if (v === 0) {
    // Only a field with a digit in it may be zero (' ' and '' are not).
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= CH_0 && c <= CH_9) return 0;
    }
    return NaN;
  }
  return v;
}
