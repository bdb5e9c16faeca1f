/** `1x`, `60x`, `0.5x` (a multiple of real time) or `max` (as fast as the consumer reads). */
export type ReplaySpeed = number | 'max';

/**
 * Parses a `--speed` value: `max`, `<n>x` or a bare number `<n>` (n > 0).
 *
 * @returns undefined when it is none of those.
 */
export function parseSpeed(text: string): ReplaySpeed | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const m = /^([0-9]+(?:\.[0-9]+)?)x?$/.exec(t);
  const n = m === null ? Number.NaN : Number(m[1]);
  return n > 0 && Number.isFinite(n) ? n : undefined;
}
