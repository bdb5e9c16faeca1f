import type { ConfigIssue, ConfigPath } from './config-error.ts';
import type { YamlSource } from './yaml-source.ts';
import { compileSeriesExpression } from './expression.ts';
import { ExpressionError } from './expression-language.ts';
import { expressionIssue } from './expression-issue.ts';
import type { ResolvedClassifier, ResolvedFilter } from './resolved.ts';
import { featureFromCall } from '../domain/indicators/feature-spec.ts';
import type { FeatureRequest } from '../domain/strategies/strategy.ts';
import { INDICATORS } from '../domain/registry.ts';
import { higherTimeframeProblem } from '../domain/indicators/timeframe-buckets.ts';
import { parseTimeframe } from '../domain/metrics/timeframe.ts';

/** Names a filter may read besides indicator calls (and classifier ids). */
export const FILTER_NAMES = ['signal', 'strength', 'open', 'high', 'low', 'close', 'volume'] as const;
/**
 * Compiles a strategy filter. Each indicator call (`rsi(14)`, `sma(volume, 20)`) becomes
 * a feature the hub computes and a scope name the expression reads, so the filter costs
 * one closure call per bar and no parsing. Classifier ids are names whose value is the
 * classifier's current regime label. Series functions (`prev(close, 1)`,
 * `crosses_above(a, b)`, …) make the filter stateful: each strategy instance and symbol
 * then evaluates its own evaluator (`create()`) on every bar. An indicator on a higher
 * timeframe (`sma(50)@1h`) must be a multiple of the data's `timeframe` (when given).
 */
export function compileFilter(
  source: YamlSource,
  path: ConfigPath,
  text: string,
  classifiers: readonly ResolvedClassifier[],
  issues: ConfigIssue[],
  declared: ReadonlySet<string> = new Set(),
  timeframe?: string,
): ResolvedFilter | null {
  const features: { name: string; request: FeatureRequest }[] = [];
  // A declared classifier that failed to resolve is still a name (labels unchecked).
  const strings: Record<string, readonly string[]> = Object.fromEntries([...declared].map((id) => [id, []]));
  for (const c of classifiers) strings[c.id] = c.definition.labels;
  try {
    const program = compileSeriesExpression(text, {
      identifiers: FILTER_NAMES,
      strings,
      series: true,
      callNames: [...INDICATORS.keys()],
      resolveCall: (name, args, on) => {
        if (!INDICATORS.has(name)) return undefined;
        const spec = featureFromCall(name, args);
        if (on !== undefined) {
          const problem = timeframe === undefined ? higherTimeframeSyntax(on) : higherTimeframeProblem(on, timeframe);
          if (problem !== undefined) throw new Error(problem);
        }
        const slot = `__feature_${features.length}`;
        const request: FeatureRequest = {
          indicator: spec.definition.name,
          params: spec.params,
          ...(spec.input !== undefined ? { input: spec.input } : {}),
          ...(on !== undefined ? { timeframe: on } : {}),
        };
        features.push({ name: slot, request });
        return slot;
      },
    });
    return {
      text,
      test: program.create(),
      features,
      stateful: program.stateful,
      lookback: program.lookback,
      create: program.create,
    };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
}

/** The timeframe's own mistake (`@1x`), when the data's timeframe is not known to check more. */
function higherTimeframeSyntax(timeframe: string): string | undefined {
  try {
    parseTimeframe(timeframe);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
