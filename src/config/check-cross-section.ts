import type { ConfigIssue } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import type { ResolvedStrategy } from './resolved.ts';

/**
 * Checks the strategies that decide across symbols (`rotation`) against the rest of the
 * config: they rank the data's symbols, so `top_n` may not exceed how many there are.
 * (Their targets are stored and replayed like any signal: docs/portfolios.md.)
 */
export function checkCrossSection(
  source: YamlSource,
  strategies: readonly ResolvedStrategy[],
  symbols: readonly string[],
  issues: ConfigIssue[],
): void {
  const reported = new Set<string>();
  const once = (key: string): boolean => !reported.has(key) && reported.add(key).size > 0;
  for (const s of strategies) {
    if (s.definition.crossSection === undefined) continue;
    const topN = s.params['top_n'];
    if (typeof topN === 'number' && topN > symbols.length && once(`${s.entry}.top_n`)) {
      issues.push(
        issueAt(
          source,
          ['strategies', s.entry, 'params', 'top_n'],
          'INVALID_VALUE',
          `top_n is ${topN}, but the data has ${symbols.length} symbol${symbols.length === 1 ? '' : 's'} (${symbols.join(', ')})`,
          `hold at most ${symbols.length}, or add sources under data.sources`,
        ),
      );
    }
  }
}
