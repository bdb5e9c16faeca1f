import type { PhaseResult } from '../sequencer/run-sequence.ts';

const pct = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a');
const num = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/** Lines printed after a run for what the sequence did beyond one pass (sweep reuse, windows, intervals). */
export function sequenceSummary(r: PhaseResult): string[] {
  const lines: string[] = [];
  if (r.sequence === 'parameter_sweep' || r.sequence === 'walk_forward' || r.sequence === 'train_test') {
    lines.push(`combinations: ${r.reused + r.computed} (${r.computed} computed, ${r.reused} reused from earlier runs)`);
    // Nothing ran (nor went to a queue): say how to run them again.
    if (r.computed === 0 && r.reused > 0)
      lines.push(
        `  every combination was reused from the resume store (<results dir>/.combinations); to recompute them, set resume: false in sequence: (e.g. sequence: { type: ${r.sequence}, resume: false }) or delete that folder`,
      );
  }
  const wf = (r.extra['walk_forward'] ?? r.extra['train_test']) as
    | {
        per_window: {
          index: number;
          test: { start: string; end: string; metrics: Record<string, number | null> };
          best: { strategy_id: string };
          test_sequence?: { monte_carlo?: { probability_of_loss?: number } };
        }[];
        out_of_sample: Record<string, number | null>;
      }
    | undefined;
  if (wf !== undefined) {
    // A Monte Carlo inside every test window (test_sequence): its probability of a loss per window.
    const lossOf = (w: (typeof wf.per_window)[number]): number | undefined =>
      w.test_sequence?.monte_carlo?.probability_of_loss;
    const withMc = wf.per_window.some((w) => lossOf(w) !== undefined);
    lines.push(
      `window  test range                                    best (train)                   ${r.primary_metric.padStart(12)}  return${withMc ? '  mc P(loss)' : ''}`,
    );
    for (const w of wf.per_window) {
      lines.push(
        `${String(w.index).padStart(6)}  ${w.test.start.slice(0, 16)} → ${w.test.end.slice(0, 16)}  ${w.best.strategy_id.padEnd(30)} ${num(w.test.metrics[r.primary_metric]).padStart(12)}  ${pct(w.test.metrics['total_return']).padStart(7)}${withMc ? `  ${pct(lossOf(w)).padStart(10)}` : ''}`,
      );
    }
    const o = wf.out_of_sample;
    lines.push(
      `out of sample (stitched): return ${pct(o['total_return'])}, sharpe ${num(o['sharpe_ratio'])}, max drawdown ${pct(o['max_drawdown'])}, trades ${String(o['trade_count'] ?? 0)}`,
    );
  }
  const mc = r.extra['monte_carlo'] as
    | {
        trades: number;
        note?: string;
        draws?: number;
        confidence?: [number, number];
        total_return?: { ci_low: number; ci_high: number; p50: number };
        max_drawdown?: { ci_low: number; ci_high: number; p50: number };
        probability_of_loss?: number;
      }
    | undefined;
  if (mc !== undefined && mc.total_return !== undefined && mc.max_drawdown !== undefined) {
    const [lo, hi] = mc.confidence ?? [0.05, 0.95];
    lines.push(`monte carlo: ${mc.draws} bootstrap draws of ${mc.trades} trades, interval p${lo * 100}–p${hi * 100}`);
    lines.push(
      `  total return  ${pct(mc.total_return.ci_low)} … ${pct(mc.total_return.ci_high)} (median ${pct(mc.total_return.p50)})`,
    );
    lines.push(
      `  max drawdown  ${pct(mc.max_drawdown.ci_low)} … ${pct(mc.max_drawdown.ci_high)} (median ${pct(mc.max_drawdown.p50)})`,
    );
    lines.push(`  probability of a loss ${pct(mc.probability_of_loss)}`);
  } else if (mc !== undefined) {
    lines.push(`monte carlo: nothing resampled: ${mc.note ?? `${mc.trades} trades`}`);
  }
  const replay = r.extra['replay'] as
    | { variants?: { name: string; status: string; best: string | null; metrics: Record<string, number | null> }[] }
    | undefined;
  if (replay?.variants !== undefined) {
    lines.push(`replay variants: ${replay.variants.length}, every book ranked together as <strategy>@<variant>`);
    for (const v of replay.variants) {
      lines.push(
        `  ${v.name.padEnd(20)} ${v.status === 'completed' ? `best ${v.best ?? 'n/a'}, ${r.primary_metric} ${num(v.metrics[r.primary_metric])}, return ${pct(v.metrics['total_return'])}` : v.status}`,
      );
    }
  }
  return lines;
}
