import { SluiceError } from '../errors/sluice-error.ts';
import type { ClassifierDefinition } from './classifiers/classifier.ts';
import type { IndicatorDefinition } from './indicators/indicator.ts';
import type { StrategyDefinition } from './strategies/strategy.ts';

/**
 * The authoring API of strategies, indicators and classifiers: the built-in catalogue is
 * written with these functions, and so is a user's plugin module. Each checks the shape
 * of a definition once, when the module is evaluated (so a plugin's mistake is reported
 * with its file, before any bar is read), and returns it frozen and marked with its kind,
 * which is how the plugin loader recognises what a module exports.
 *
 * ```ts
 * import { defineStrategy, z } from 'sluice';
 *
 * export const breakout = defineStrategy({
 *   name: 'my_breakout',
 *   description: 'Long above the 20-bar high, flat below the 10-bar low.',
 *   params: z.strictObject({ entry: z.number().int().positive().default(20) }),
 *   features: (p) => [{ indicator: 'highest', params: { period: p.entry }, input: 'high' }],
 *   create: () => (features, bar) => (Number.isNaN(features[0]!) ? null : { direction: bar.close > features[0]! ? 1 : 0, strength: 1 }),
 * });
 * ```
 */

/** The kinds a definition can be. */
export type DefinitionKind = 'strategy' | 'indicator' | 'classifier';

/**
 * Marks a definition with its kind. A registered symbol (`Symbol.for`), so that a plugin
 * compiled against another copy of the package is still recognised.
 */
export const DEFINITION_KIND: unique symbol = Symbol.for('sluice.definition-kind') as never;

/** A mistake in a definition's shape: which definition, which field, what is expected. */
export class DefinitionError extends SluiceError {
  readonly category = 'definition';
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/** Names as YAML writes them: lower-case snake_case, starting with a letter. */
const NAME = /^[a-z][a-z0-9_]*$/;

/** The kind of a value made by one of the define functions, or undefined for anything else. */
export function definitionKind(value: unknown): DefinitionKind | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const kind = (value as { [DEFINITION_KIND]?: unknown })[DEFINITION_KIND];
  return kind === 'strategy' || kind === 'indicator' || kind === 'classifier' ? kind : undefined;
}

/**
 * A strategy kind: typed params (a zod object with defaults), the features it reads from
 * the shared feature hub, optionally a default optimization grid and a warm-up, and
 * `create`, which makes the per-symbol logic; optionally `columns`, the same logic over a
 * chunk of bars, which lets the fused columnar engine run it (docs/performance.md).
 *
 * @throws DefinitionError when a field is missing or malformed.
 */
export function defineStrategy<P extends Record<string, unknown>>(
  definition: StrategyDefinition<P>,
): StrategyDefinition<P> {
  const d = checkCommon('strategy', definition);
  checkFunction('strategy', d, 'features', true);
  checkFunction('strategy', d, 'create', false);
  checkFunction('strategy', d, 'crossSection', false);
  if (d['create'] === undefined && d['crossSection'] === undefined) {
    throw new DefinitionError(
      `${label('strategy', d)}: create must be a function (the per-symbol logic), or give crossSection (one decision across all symbols) instead`,
    );
  }
  if (d['create'] !== undefined && d['crossSection'] !== undefined) {
    throw new DefinitionError(
      `${label('strategy', d)}: give create (per-symbol logic) or crossSection (one decision across all symbols), exactly one of them`,
    );
  }
  checkFunction('strategy', d, 'warmup', false);
  checkFunction('strategy', d, 'columns', false);
  if (d['columns'] !== undefined && d['create'] === undefined) {
    throw new DefinitionError(
      `${label('strategy', d)}: columns is the chunked form of create's logic, so it needs create too`,
    );
  }
  checkGrid(d);
  return mark('strategy', definition);
}

/**
 * An indicator kind, following the incremental contract of the built-ins: `create`
 * returns an object with `update(bar)`, `ready`, `value(output)` and `reset()`; `outputs`
 * names its values; `reads` says whether it reads one price series or the whole bar.
 *
 * @throws DefinitionError when a field is missing or malformed.
 */
export function defineIndicator<P extends Record<string, unknown>>(
  definition: IndicatorDefinition<P>,
): IndicatorDefinition<P> {
  const d = checkCommon('indicator', definition);
  checkNames('indicator', d, 'outputs');
  if (d['reads'] !== 'price' && d['reads'] !== 'bar') {
    throw new DefinitionError(
      `${label('indicator', d)}: reads must be 'price' (one series, selectable by input) or 'bar' (open, high, low, close, volume)`,
    );
  }
  checkFunction('indicator', d, 'warmup', true);
  checkFunction('indicator', d, 'create', true);
  return mark('indicator', definition);
}

/**
 * A regime classifier kind: like a strategy it reads features, but its logic returns a
 * regime label, one of `labels`.
 *
 * @throws DefinitionError when a field is missing or malformed.
 */
export function defineClassifier<P extends Record<string, unknown>>(
  definition: ClassifierDefinition<P>,
): ClassifierDefinition<P> {
  const d = checkCommon('classifier', definition);
  checkNames('classifier', d, 'labels');
  checkFunction('classifier', d, 'features', true);
  checkFunction('classifier', d, 'create', true);
  checkFunction('classifier', d, 'warmup', false);
  return mark('classifier', definition);
}

function label(kind: DefinitionKind, d: Record<string, unknown>): string {
  return typeof d['name'] === 'string' && d['name'] !== '' ? `${kind} '${d['name']}'` : `a ${kind} definition`;
}

function checkCommon(kind: DefinitionKind, definition: unknown): Record<string, unknown> {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new DefinitionError(
      `define${kind[0]!.toUpperCase()}${kind.slice(1)}() takes an object (name, description, params, …)`,
    );
  }
  const d = definition as Record<string, unknown>;
  const already = definitionKind(d);
  if (already !== undefined && already !== kind)
    throw new DefinitionError(
      `${label(kind, d)} is already defined as ${already === 'indicator' ? 'an' : 'a'} ${already}`,
    );
  const name = d['name'];
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new DefinitionError(
      `${label(kind, d)}: name must be lower-case snake_case (letters, digits, _; starting with a letter), as configs write it, got ${JSON.stringify(name)}`,
    );
  }
  const description = d['description'];
  if (typeof description !== 'string' || description.trim() === '' || /[\r\n]/.test(description)) {
    throw new DefinitionError(`${label(kind, d)}: description must be one non-empty line (\`sluice list\` shows it)`);
  }
  const params = d['params'] as { safeParse?: unknown } | null | undefined;
  if (params === null || typeof params !== 'object' || typeof params.safeParse !== 'function') {
    throw new DefinitionError(
      `${label(kind, d)}: params must be a zod object schema, e.g. z.strictObject({ period: z.number().int().positive().default(14) })`,
    );
  }
  return d;
}

function checkFunction(kind: DefinitionKind, d: Record<string, unknown>, key: string, required: boolean): void {
  const v = d[key];
  if (v === undefined && !required) return;
  if (typeof v !== 'function')
    throw new DefinitionError(`${label(kind, d)}: ${key} must be a function${required ? '' : ' when given'}`);
}

function checkNames(kind: DefinitionKind, d: Record<string, unknown>, key: 'outputs' | 'labels'): void {
  const v = d[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) {
    throw new DefinitionError(`${label(kind, d)}: ${key} must be a non-empty list of names`);
  }
  if (new Set(v).size !== v.length) throw new DefinitionError(`${label(kind, d)}: ${key} lists a name twice`);
}

function checkGrid(d: Record<string, unknown>): void {
  const grid = d['defaultGrid'];
  if (grid === undefined) return;
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) {
    throw new DefinitionError(
      `${label('strategy', d)}: defaultGrid must map param names to a list of values or a 'range(start, stop, step)' string`,
    );
  }
  for (const [k, v] of Object.entries(grid)) {
    if (!Array.isArray(v) && typeof v !== 'string') {
      throw new DefinitionError(
        `${label('strategy', d)}: defaultGrid.${k} must be a list of values or a 'range(start, stop, step)' string`,
      );
    }
  }
}

function mark<D extends object>(kind: DefinitionKind, definition: D): D {
  if (Object.isFrozen(definition) && definitionKind(definition) === kind) return definition;
  const copy = Object.defineProperty({ ...definition }, DEFINITION_KIND, { value: kind, enumerable: false });
  return Object.freeze(copy);
}
