const CH_0 = 48;
const CH_DASH = 45;
const CH_DOT = 46;

/** Powers of ten that a double holds exactly (10^22 is the last one). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The fast path of {@link parseNumber} over the UTF-8 bytes `buf[start..end)` of a CSV
 * field: a plain decimal (`521.23`, `-0.5`, `888901`, `.5`) of at most 15 digits. Anything
 * else (spaces, exponents, `+`, more digits, not a number at all) gives NaN, and the
 * caller decodes the field and asks `parseNumber`, which decides; so NaN here means
 * "not mine", never "bad".
 *
 * Exact: with at most 15 digits the mantissa is an integer below 2^53 and 10^k (k <= 15)
 * is a double, so their quotient is the one correctly rounded division, which is the
 * double nearest the decimal, the same one `Number()` returns (Clinger's fast path); and
 * zero is 0, never -0, as in `parseNumber`.
 */
export function parseDecimalBytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const neg = buf[i] === CH_DASH;
  if (neg) i++;
  let mantissa = 0;
  let digits = 0;
  let dot = -1;
  for (; i < end; i++) {
    const d = (buf[i] as number) - CH_0;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
    } else if (d === CH_DOT - CH_0 && dot < 0) {
      dot = i;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  // parseNumber reads '-0' as 0, not -0.
  if (mantissa === 0) return 0;
  const scale = dot < 0 ? 0 : end - dot - 1;
  const v = scale === 0 ? mantissa : mantissa / (POW10[scale] as number);
  return neg ? -v : v;
}
