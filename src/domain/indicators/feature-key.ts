import type { FeatureRequest } from './feature-request.ts';
import { getIndicator } from '../registry.ts';
import { featureFromCall } from './feature-spec.ts';
import type { IndicatorDefinition, PriceInput } from './indicator.ts';
import { isPriceInput } from './price-input.ts';
import { parseTimeframe } from '../metrics/timeframe.ts';
import { canonicalTimeframe } from './timeframe-buckets.ts';

/** A feature request checked against the catalogue, with defaults applied. */
export interface ResolvedFeature {
  readonly definition: IndicatorDefinition;
  /** Params after parsing through the definition's schema (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The price series read; always 'close' for indicators that read the whole bar. */
  readonly input: PriceInput;
  /** Index of the requested output in `definition.outputs`. */
  readonly outputIndex: number;
  /** The higher timeframe it is computed on, canonical ('1h', not '60m'); absent: the data's bars. */
  readonly timeframe?: string;
  /** Identifies the indicator instance: same key, same computation. */
  readonly indicatorKey: string;
  /** Identifies the feature: the indicator key plus the output for multi-output indicators. */
  readonly featureKey: string;
}

/**
 * Checks a request and computes its canonical keys, e.g. `sma(period=10;close)` or
 * `bbands(ddof=0,period=20,stddev=2;close).upper`. Params are parsed through the
 * indicator's schema first (so omitted defaults and explicit defaults give one key) and
 * listed sorted by name. Indicators that read the whole bar have no `;input` part, as the
 * input does not change what they compute. Multi-output indicators always carry the
 * output name, the first one when the request names none. A higher timeframe follows the
 * indicator as `@1h` (`sma(period=50;close)@1h`, `bbands(…;close)@1d.upper`), spelt
 * canonically so that '60m' and '1h' share one computation.
 *
 * @throws Error for an unknown indicator, invalid params, an unknown input or output.
 */
export function resolveFeature(req: FeatureRequest): ResolvedFeature {
  if (req.args !== undefined) {
    // A call's positional arguments (`roc(60)`), mapped onto the params as a filter's call is.
    const spec = featureFromCall(req.indicator, req.args);
    return resolveFeature({
      indicator: spec.definition.name,
      params: spec.params,
      ...(spec.input !== undefined ? { input: spec.input } : {}),
      ...(req.output !== undefined ? { output: req.output } : {}),
      ...(req.timeframe !== undefined ? { timeframe: req.timeframe } : {}),
    });
  }
  const definition = getIndicator(req.indicator);
  const parsed = definition.params.safeParse(req.params);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ` : '') + i.message);
    throw new Error(`invalid params for indicator '${definition.name}': ${issues.join('; ')}`);
  }
  const params = parsed.data;
  const input = req.input ?? 'close';
  if (!isPriceInput(input)) {
    throw new Error(`indicator '${definition.name}': unknown input '${String(input)}'`);
  }
  const outputs = definition.outputs;
  const outputIndex = req.output === undefined ? 0 : outputs.indexOf(req.output);
  if (outputIndex < 0) {
    throw new Error(
      `indicator '${definition.name}' has no output '${req.output ?? ''}' (outputs: ${outputs.join(', ')})`,
    );
  }
  const paramText = Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(',');
  let timeframe: string | undefined;
  if (req.timeframe !== undefined) {
    try {
      timeframe = canonicalTimeframe(parseTimeframe(req.timeframe));
    } catch (err) {
      throw new Error(`indicator '${definition.name}': ${(err as Error).message}`, { cause: err });
    }
  }
  const onTimeframe = timeframe === undefined ? '' : `@${timeframe}`;
  const indicatorKey =
    (definition.reads === 'price' ? `${definition.name}(${paramText};${input})` : `${definition.name}(${paramText})`) +
    onTimeframe;
  const featureKey = outputs.length > 1 ? `${indicatorKey}.${outputs[outputIndex]!}` : indicatorKey;
  return {
    definition,
    params,
    input,
    outputIndex,
    indicatorKey,
    featureKey,
    ...(timeframe !== undefined ? { timeframe } : {}),
  };
}

/**
 * The canonical key of a feature; two requests for the same computation and output get
 * the same key. See `resolveFeature` for the format.
 * @throws Error for an unknown indicator, invalid params, an unknown input or output.
 */
export function featureKey(req: FeatureRequest): string {
  return resolveFeature(req).featureKey;
}
