/**
 * Workflow ids name a run's results directory: `results/<workflow_id>/`.
 *
 * Form: `20261123T124738123Z-<slug>-<4 hex>`, i.e. the UTC start time to the millisecond
 * (ISO 8601 basic format, fixed width), a slug of the workflow name, and 16 random bits
 * so that two runs started in the same millisecond do not collide. Because the time comes
 * first at fixed width, sorting ids as strings sorts runs by start time, and `ls results/`
 * lists them in order.
 */
import { systemClock } from '../runtime/clock.ts';

/** Longest slug kept in an id, so directory names stay readable. */
const MAX_SLUG_LENGTH = 40;
/** Slug used when the name has no usable character at all. */
const EMPTY_SLUG = 'workflow';

/**
 * `name` reduced to a file-name-safe slug: lower case, accents stripped, every character
 * outside [a-z0-9_] replaced by '-', runs of '-' collapsed, no '-' at either end, at most
 * 40 characters; `workflow` when nothing is left.
 */
export function workflowSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug === '' ? EMPTY_SLUG : slug;
}

/**
 * A new workflow id, e.g. `20261123T124738123Z-spy-sma-sweep-3fa2`.
 *
 * @param name the workflow's name, slugged by {@link workflowSlug}.
 * @param now the start time (default: the current time). Injected in tests.
 * @param random source of the 4 hex digits, returning [0, 1) like Math.random (the default).
 * @throws RangeError when `now` is an invalid date or outside years 0000–9999, where the
 *   timestamp would lose its fixed width and with it the ordering.
 */
export function newWorkflowId(
  name: string,
  now: Date = new Date(systemClock.now()),
  random: () => number = Math.random,
): string {
  const year = now.getUTCFullYear();
  if (Number.isNaN(now.getTime()) || year < 0 || year > 9999) {
    throw new RangeError(`workflow id: invalid start time ${String(now)}`);
  }
  // 2026-11-23T12:47:38.123Z → 20261123T124738123Z
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const bits = Math.min(0xffff, Math.max(0, Math.floor(random() * 0x10000)));
  const suffix = bits.toString(16).padStart(4, '0');
  return `${stamp}-${workflowSlug(name)}-${suffix}`;
}
