import { SluiceError } from '../../errors/sluice-error.ts';
import { didYouMean } from '../../errors/suggest.ts';
import { INDICATORS } from '../registry.ts';
import type { IndicatorDefinition, PriceInput } from './indicator.ts';
import { isPriceInput, PRICE_INPUTS } from './price-input.ts';

/**
 * A mistake in an `--indicator` spec (unknown name, wrong params). The CLI prints the
 * message alone, without a stack trace, and exits 1.
 */
export class FeatureSpecError extends SluiceError {
  readonly category = 'feature-spec';
  constructor(message: string) {
    super(message);
    this.name = 'FeatureSpecError';
  }
}

/** One `--indicator` spec, checked against the catalogue. */
export interface FeatureSpec {
  readonly definition: IndicatorDefinition;
  /** Params as the schema parsed them (defaults filled in), keys in schema order. */
  readonly params: Readonly<Record<string, number | string>>;
  /** The price series read; only set when the spec names one (`input=hl2`). */
  readonly input?: PriceInput;
  /** The higher timeframe it is computed on (`sma:50@1h`), as written; absent: the data's bars. */
  readonly timeframe?: string;
  /** `name(key=value,…)`, params in schema order, `;input` when not close, `@tf` when on a higher timeframe. */
  readonly label: string;
}

/** `@1h` at the end of a spec: the timeframe, after the last `@`. */
const SPEC_TIMEFRAME = /@\s*([0-9]+[smhdw])\s*$/;

/** The names of a definition's params, in schema order (what positional values map onto). */
export function paramNames(definition: IndicatorDefinition): string[] {
  const shape = (definition.params as unknown as { shape?: Record<string, unknown> }).shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/**
 * Parses an `--indicator` spec:
 *
 * - `name` — every param at its default (`rsi`, `obv`);
 * - `name:v1,v2,…` — positional values, mapped onto the params in the order the
 *   definition's schema lists them (`bbands:20,2` is period 20, stddev 2; see
 *   `sluice list indicators` for each order);
 * - `name:key=value,…` — named values (`stoch:k_period=5,d_period=5`), after any positional
 *   ones; `input=<series>` picks the price series of indicators that read one
 *   (`sma:20,input=hl2`).
 *
 * Values are numbers, except for the few params that name an option (`atr:14,first_bar=high_low`,
 * `kama:seed=sma`). A spec may end in `@<timeframe>` (`sma:50@1h`, `rsi@1d`): the indicator on
 * higher bars cut from the data's (checked against the data's timeframe by the feature hub).
 *
 * @throws FeatureSpecError naming the spec and what is wrong, with a did-you-mean for a
 * misspelt indicator or param.
 */
export function parseFeatureSpec(spec: string): FeatureSpec {
  const onTimeframe = SPEC_TIMEFRAME.exec(spec);
  const timeframe = onTimeframe?.[1];
  const text = (onTimeframe === null ? spec : spec.slice(0, onTimeframe.index)).trim();
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const args = colon < 0 ? '' : text.slice(colon + 1).trim();
  // Typed on the binding so control flow knows a call never returns.
  const fail: (what: string) => never = (what) => {
    throw new FeatureSpecError(`--indicator '${spec}': ${what}`);
  };
  if (onTimeframe === null && spec.includes('@'))
    fail("@ ends a spec with a timeframe: a whole number and a unit s, m, h or d (e.g. 'sma:50@1h')");
  const def = INDICATORS.get(name);
  if (def === undefined) {
    const guess = didYouMean(name, INDICATORS.keys());
    fail(
      `unknown indicator '${name}'${guess !== undefined ? ` — did you mean '${guess}'?` : ''} (see \`sluice list indicators\`)`,
    );
  }
  const keys = paramNames(def);
  const given: Record<string, number | string> = {};
  const shape = (def.params as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> })
    .shape;
  let input: PriceInput | undefined;
  let positional = 0;
  let named = false;
  for (const raw of args === '' ? [] : args.split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    if (eq < 0) {
      if (named) fail(`positional value '${part}' after a named one`);
      if (positional >= keys.length) {
        fail(
          keys.length === 0
            ? `'${def.name}' takes no params`
            : `'${def.name}' takes at most ${keys.length} positional value${keys.length === 1 ? '' : 's'} (${keys.join(', ')})`,
        );
      }
      key = keys[positional++]!;
      value = part;
    } else {
      named = true;
      key = part.slice(0, eq).trim();
      value = part.slice(eq + 1).trim();
      if (key === 'input') {
        if (def.reads !== 'price') fail(`'${def.name}' reads the whole bar; input does not apply`);
        if (!isPriceInput(value)) fail(`unknown input '${value}' (inputs: ${PRICE_INPUTS.join(', ')})`);
        input = value;
        continue;
      }
      if (!keys.includes(key)) {
        const guess = didYouMean(key, [...keys, ...(def.reads === 'price' ? ['input'] : [])]);
        const known = keys.length === 0 ? 'it takes none' : `params: ${keys.join(', ')}`;
        fail(
          `'${def.name}' has no param '${key}'${guess !== undefined ? ` — did you mean '${guess}'?` : ''} (${known})`,
        );
      }
    }
    if (Object.hasOwn(given, key)) fail(`param '${key}' given twice`);
    const n = value === '' ? NaN : Number(value);
    if (Number.isFinite(n)) given[key] = n;
    // An option name (first_bar=high_low) where the param's own schema takes it.
    else if (value !== '' && shape?.[key]?.safeParse(value).success === true) given[key] = value;
    else {
      const options = optionsOf(shape?.[key]);
      fail(
        options === undefined
          ? `${key}: '${value}' is not a number`
          : `${key}: '${value}' is not one of ${options.join(', ')}`,
      );
    }
  }
  const parsed = def.params.safeParse(given);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      // zod's "expected number, received undefined" says less than "required".
      if (i.code === 'invalid_type' && i.path.length === 1 && !Object.hasOwn(given, key)) return `${key}: required`;
      return (key !== '' ? `${key}: ` : '') + i.message;
    });
    fail(`invalid params for '${def.name}': ${issues.join('; ')}`);
  }
  const data = parsed.data as Record<string, number | string | undefined>;
  const params: Record<string, number | string> = {};
  for (const k of keys) if (data[k] !== undefined) params[k] = data[k];
  const paramKeys = Object.keys(params);
  const paramText = paramKeys.map((k) => `${k}=${String(params[k])}`).join(',');
  const inputText = input !== undefined && input !== 'close' ? `;${input}` : '';
  return {
    definition: def,
    params,
    ...(input !== undefined ? { input } : {}),
    ...(timeframe !== undefined ? { timeframe } : {}),
    label: `${def.name}(${paramText}${inputText})${timeframe !== undefined ? `@${timeframe}` : ''}`,
  };
}

/** The options of an enum param (possibly wrapped in a default), undefined for any other. */
function optionsOf(field: unknown): string[] | undefined {
  const f = field as { unwrap?: () => unknown; options?: unknown } | undefined;
  const inner = (typeof f?.unwrap === 'function' ? f.unwrap() : f) as { options?: unknown } | undefined;
  return Array.isArray(inner?.options) ? inner.options.map(String) : undefined;
}

/**
 * The feature a call in an expression names: `rsi(14)`, `sma(volume, 20)`,
 * `bbands(20, 2)` (first output). Numbers map onto the params in schema order; a bare name
 * is the price input (`close` by default).
 *
 * @throws FeatureSpecError when the indicator or its arguments are wrong.
 */
export function featureFromCall(name: string, args: readonly (number | string)[]): FeatureSpec {
  const numbers = args.filter((a): a is number => typeof a === 'number').map(String);
  const names = args.filter((a): a is string => typeof a === 'string');
  if (names.length > 1)
    throw new FeatureSpecError(`${name}() takes at most one price input, found ${names.join(', ')}`);
  const spec = [...numbers, ...names.map((n) => `input=${n}`)].join(',');
  try {
    return parseFeatureSpec(spec === '' ? name : `${name}:${spec}`);
  } catch (err) {
    if (!(err instanceof FeatureSpecError)) throw err;
    // The spec syntax is an implementation detail here: say it in terms of the call.
    throw new FeatureSpecError(`${name}(${args.join(', ')}): ${err.message.replace(/^--indicator '[^']*': /, '')}`);
  }
}
