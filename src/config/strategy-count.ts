/**
 * How many strategies a `strategies:` list stands for, counted before any grid is
 * expanded, and the limits that keep a mistyped grid from taking minutes and gigabytes.
 */
import type { ConfigIssue } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import { gridSize, MAX_GRID_COMBINATIONS } from './grid.ts';
import type { StrategyEntry } from './schema/strategies.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';

/** Most entries under `strategies:`; more is a generated list a grid would write in one entry. */
export const MAX_STRATEGY_ENTRIES = 10_000;
/** Most strategies (books) in one single-pass graph: each is a container with its own book. */
export const MAX_SINGLE_PASS_STRATEGIES = 10_000;

/**
 * Counts the strategies `entries` stand for, without expanding a grid, and refuses sizes
 * that would take minutes and gigabytes to expand or run: more than
 * {@link MAX_STRATEGY_ENTRIES} entries, more than {@link MAX_GRID_COMBINATIONS} strategies
 * in all, more than {@link MAX_SINGLE_PASS_STRATEGIES} in one graph when `singlePass`.
 *
 * @returns false when it reported a problem (then nothing should be expanded).
 */
export function checkStrategyCount(
  ctx: {
    readonly source: YamlSource;
    readonly catalogue: ReadonlyMap<string, StrategyDefinition>;
    readonly issues: ConfigIssue[];
  },
  entries: readonly StrategyEntry[],
  singlePass: boolean,
): boolean {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  if (entries.length > MAX_STRATEGY_ENTRIES) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `${fmt(entries.length)} strategy entries, more than ${fmt(MAX_STRATEGY_ENTRIES)}`,
        'write a grid in one entry (params: { fast_period: [5, 10, 20] } or range()) instead of one entry per combination',
      ),
    );
    return false;
  }
  let total = 0;
  entries.forEach((entry, i) => {
    const spec =
      entry.grid === 'default'
        ? { ...(ctx.catalogue.get(entry.type)?.defaultGrid ?? {}), ...entry.params }
        : entry.params;
    try {
      total += gridSize(spec, { source: ctx.source, path: ['strategies', i, 'params'] });
    } catch {
      total += 1; // resolution reports the grid's own mistake
    }
  });
  if (total > MAX_GRID_COMBINATIONS) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `the grids expand to ${fmt(total)} strategies in all, more than ${fmt(MAX_GRID_COMBINATIONS)}`,
        'narrow the grids, or sample them: sequence: { type: parameter_sweep, search: { method: random, samples: N } }',
      ),
    );
    return false;
  }
  if (singlePass && total > MAX_SINGLE_PASS_STRATEGIES) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        ['strategies'],
        'GRID',
        `${fmt(total)} strategies in one single-pass graph, more than ${fmt(MAX_SINGLE_PASS_STRATEGIES)}`,
        'run the grid as sequence: parameter_sweep: shards of shard_size strategies, one graph each, resumable',
      ),
    );
    return false;
  }
  return true;
}
