import type { ConfigIssue } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import type { ResolvedStrategy } from './resolved.ts';
import type { TopologyDef } from './schema/topology.ts';

/**
 * Checks the strategies that decide across symbols (`rotation`) against the rest of the
 * config: they rank the data's symbols, so `top_n` may not exceed how many there are;
 * and their targets (weights of one book) are sized by a portfolio of the same run, so
 * a topology that stores or replays signals (signal_generation, signal_replay) cannot
 * carry them (docs/portfolios.md, "Signal replay").
 */
export function checkCrossSection(source: YamlSource, strategies: readonly ResolvedStrategy[], symbols: readonly string[], topology: TopologyDef, issues: ConfigIssue[]): void {
  const reported = new Set<string>();
  const once = (key: string): boolean => !reported.has(key) && reported.add(key).size > 0;
  const stores = topology.containers.find((c) => c.role === 'signal_sink' || c.role === 'signal_source');
  for (const s of strategies) {
    if (s.definition.crossSection === undefined) continue;
    if (stores !== undefined && once(`${s.entry}.type`)) {
      issues.push(
        issueAt(source, ['strategies', s.entry, 'type'], 'INVALID_VALUE', `strategy '${s.type}' sets target weights across symbols, which the signal store does not record; topology '${topology.name}' has a ${stores.role}`, 'run it with topology: backtest (signal replay of rotation is not supported)'),
      );
    }
    const topN = s.params['top_n'];
    if (typeof topN === 'number' && topN > symbols.length && once(`${s.entry}.top_n`)) {
      issues.push(
        issueAt(source, ['strategies', s.entry, 'params', 'top_n'], 'INVALID_VALUE', `top_n is ${topN}, but the data has ${symbols.length} symbol${symbols.length === 1 ? '' : 's'} (${symbols.join(', ')})`, `hold at most ${symbols.length}, or add sources under data.sources`),
      );
    }
  }
}
