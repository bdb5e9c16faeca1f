/**
 * What running one graph over the data produced (run-phase.ts), as the phase writer
 * (phase-writer.ts) and the sequences read it: status, failure, every book's metrics and
 * the series storage kept in memory.
 */
import type { SourceStats } from '../data/bar-source.ts';
import type { SignalRow } from '../containers/signal-sink.ts';
import type { AnnualizationCheck } from '../domain/metrics/data-calendar.ts';
import type { PerformanceMetrics } from '../domain/metrics/performance.ts';
import type { TradeEvent } from '../events/index.ts';
import type { EquityPoint } from './book-fold.ts';
import type { TraceSummary } from '../tracing/trace-summary.ts';
import type { RecordsSummary } from '../tracing/container-recorder.ts';

/** How a phase ended. */
export type RunStatus = 'completed' | 'failed' | 'cancelled';

/** The lifecycle step a run was in; named in errors. */
export type LifecycleStep = 'initialize' | 'start' | 'execute' | 'collect' | 'stop' | 'cleanup';

/** What went wrong, for the results files and the CLI. */
export interface RunFailure {
  readonly step: LifecycleStep;
  /** The container that threw, when one did. */
  readonly container: string | undefined;
  readonly error: unknown;
}

/** One book's outcome. */
export interface BookResult {
  readonly key: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly metrics: PerformanceMetrics;
  /** In memory with storage memory (all) and hybrid (up to hybrid_max_points). */
  readonly trades: readonly TradeEvent[] | undefined;
  /** In memory with storage memory (all) and hybrid (up to hybrid_max_points), every equity_every bars. */
  readonly equity: readonly EquityPoint[] | undefined;
  /** True when hybrid storage kept only the head of a series in memory. */
  readonly truncated: boolean;
}

/** Everything a phase produced. */
export interface PhaseOutcome {
  readonly status: RunStatus;
  readonly failure: RunFailure | undefined;
  readonly bars: number;
  readonly source: SourceStats;
  readonly books: readonly BookResult[];
  readonly containers: ReadonlyMap<string, Record<string, unknown>>;
  /** Files written under the phase folder, relative to it. */
  readonly files: readonly string[];
  /** Signal rows kept in memory by a signal sink (storage memory / hybrid), else undefined. */
  readonly signals: readonly SignalRow[] | undefined;
  /**
   * The configured annualization against the data's own calendar (bars per session of
   * the first symbol read); undefined for bars longer than a day or no bars.
   */
  readonly annualization?: AnnualizationCheck | undefined;
  /** Records made and dropped per container and event type; only when the run was traced. */
  readonly trace?: TraceSummary;
  /** Records written and dropped per recorded container; only when a `record` behavior recorded some. */
  readonly records?: RecordsSummary;
  /**
   * Which path ran the graph: `fused` (the columnar book loop) or `per_event`. Never
   * written to a results file: both paths write the same files.
   */
  readonly engine?: 'fused' | 'per_event';
}
