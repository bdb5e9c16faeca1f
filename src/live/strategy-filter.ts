import type { LoadedWorkflow } from '../load/load-workflow.ts';
import { planGraph } from '../topology/graph-plan.ts';
import { LiveError } from '../errors/live-error.ts';

/**
 * The workflow with only the strategies `patterns` name (`live.strategies`): ids after
 * grid expansion (`ema_crossover_8_26`), `*` matching any characters (`ema_crossover_*`).
 * Several `sluice live` processes can so share one feed, each computing a part of the
 * strategies. Classifiers all stay (a kept strategy may read any of them); signals of the
 * kept strategies are exactly those of the whole graph, since strategies do not see each
 * other and bar numbers (`seq`) count bars, not strategies.
 *
 * @throws LiveError when a pattern matches no strategy (a typo would silently run nothing).
 */
export function selectStrategies(
  loaded: LoadedWorkflow,
  patterns: readonly string[] | undefined = loaded.wf.config.live?.strategies,
): LoadedWorkflow {
  if (patterns === undefined) return loaded;
  const { wf } = loaded;
  const keys = wf.strategies.map((s) => s.key);
  const matchers = patterns.map((p) => ({ p, re: globRegExp(p) }));
  for (const { p, re } of matchers) {
    if (!keys.some((k) => re.test(k)))
      throw new LiveError(`live.strategies: '${p}' matches no strategy of the config (${keys.join(', ')})`);
  }
  const strategies = wf.strategies.filter((s) => matchers.some(({ re }) => re.test(s.key)));
  const issues: string[] = [];
  const plan = planGraph(
    wf.topology,
    { strategies: strategies.map((s) => s.key), classifiers: wf.classifiers.map((c) => c.id) },
    (_path, _code, message) => issues.push(message),
  );
  // The full graph planned; the same topology over fewer keys can only fail by an engine bug.
  if (plan === null) throw new Error(`planning the graph of live.strategies failed: ${issues.join('; ')}`);
  return { ...loaded, wf: { ...wf, strategies }, plan };
}

/** `*` as any characters, everything else literal. */
function globRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}
