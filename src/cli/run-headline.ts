import type { ResolvedWorkflow } from '../config/resolved.ts';
import type { PhaseResult } from '../sequencer/run-sequence.ts';

/**
 * The first line `sluice run` prints: name, bars, strategies, primary metric, sequence.
 * Bars of several symbols are said to be across them (a bar is one symbol's); a sweep
 * counts the combinations it ran (a random search samples a few of the grid's).
 */
export function runHeadline(
  wf: Pick<ResolvedWorkflow, 'config' | 'strategies' | 'sources'>,
  result: PhaseResult,
  bars: number | undefined,
  skipped: number,
): string {
  const sweep = result.extra['sweep'] as { combinations?: unknown } | undefined;
  const strategies = typeof sweep?.combinations === 'number' ? sweep.combinations : wf.strategies.length;
  const symbols = [...new Set(wf.sources.map((s) => s.symbol))];
  const barText =
    bars === undefined
      ? ''
      : symbols.length > 1
        ? `${bars} bars across ${symbols.length} symbols (${symbols.join(', ')}), `
        : `${bars} bars, `;
  const sequence = result.sequence === 'single_pass' ? '' : `, sequence ${result.sequence}`;
  const sampled = strategies < wf.strategies.length ? ` (sampled from ${wf.strategies.length})` : '';
  return `${wf.config.name}: ${barText}${strategies} strateg${strategies === 1 ? 'y' : 'ies'}${sampled}, primary metric ${wf.config.results.primaryMetric}${sequence}${skipped > 0 ? `, ${skipped} bad rows skipped` : ''}`;
}
