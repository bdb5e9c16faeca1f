import type { ConfigIssue } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import type { ResolvedClassifier, ResolvedStrategy } from './resolved.ts';
import type { FeatureRequest } from '../domain/strategies/strategy.ts';
import { higherTimeframeProblem } from '../domain/indicators/timeframe-buckets.ts';

/**
 * Checks the higher timeframes of the features that strategies and classifiers declare in
 * code (`{ indicator: 'sma', params: { period: 50 }, timeframe: '1h' }`, a plugin's
 * `features`) against the data's timeframe, before any bar is read. A problem is reported
 * at the entry's `type` (the code is not in the config), once per entry and timeframe.
 * Filters' `sma(50)@1h` are checked where they are compiled, at their `@`.
 */
export function checkFeatureTimeframes(
  source: YamlSource,
  timeframe: string,
  strategies: readonly ResolvedStrategy[],
  classifiers: readonly ResolvedClassifier[],
  classifierIds: readonly string[],
  issues: ConfigIssue[],
): void {
  const reported = new Set<string>();
  const check = (requests: readonly FeatureRequest[], path: readonly (string | number)[], what: string): void => {
    for (const req of requests) {
      if (req.timeframe === undefined) continue;
      const problem = higherTimeframeProblem(req.timeframe, timeframe);
      const key = `${path.join('.')}@${req.timeframe}`;
      if (problem === undefined || reported.has(key)) continue;
      reported.add(key);
      issues.push(
        issueAt(
          source,
          path,
          'INVALID_VALUE',
          `${what} reads ${req.indicator} on timeframe '${req.timeframe}': ${problem}`,
          `the timeframe is set in the code of '${what}'; change it there, or data.timeframe here`,
        ),
      );
    }
  };
  for (const s of strategies) check(s.definition.features(s.params), ['strategies', s.entry, 'type'], s.type);
  for (const c of classifiers) {
    const i = classifierIds.indexOf(c.id);
    check(c.definition.features(c.params), i < 0 ? ['classifiers'] : ['classifiers', i, 'type'], c.type);
  }
}
