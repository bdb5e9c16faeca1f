/**
 * The shared vocabulary of strategy resolution (resolve-strategies.ts, and the composites
 * of composite-strategies.ts it hands entries to): what it reads and reports to, and the
 * concrete strategies an entry stands for.
 */
import type { ConfigIssue } from './config-error.ts';
import type { YamlSource } from './yaml-source.ts';
import type { StrategyEntry } from './schema/strategies.ts';
import type { ResolvedClassifier, ResolvedFilter } from './resolved.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';

/** What strategy resolution reads and where it reports. */
export interface StrategyResolution {
  readonly source: YamlSource;
  /** Plain strategies by type (the built-in catalogue plus any given by the caller). */
  readonly catalogue: ReadonlyMap<string, StrategyDefinition>;
  /** The config's classifiers, already resolved. */
  readonly classifiers: readonly ResolvedClassifier[];
  /**
   * Every classifier id the config declares, also those that failed to resolve (their
   * own error is reported): naming one is then no second error.
   */
  readonly declaredClassifiers: ReadonlySet<string>;
  /** The data's timeframe (`data.timeframe`), which a filter's `sma(50)@1h` must be a multiple of; absent: not checked here. */
  readonly timeframe?: string;
  readonly issues: ConfigIssue[];
}

/**
 * One concrete strategy a config entry stands for: one combination of its grid, and for a
 * composite one combination of its own grid and of every member's.
 */
export interface Alternative {
  readonly type: string;
  readonly definition: StrategyDefinition;
  /** Validated params (plain), or the composite described as plain data. */
  readonly params: Record<string, unknown>;
  readonly filter: ResolvedFilter | undefined;
  /** Grid values that tell this alternative from its siblings, for the instance key. */
  readonly tag: readonly string[];
}

/** A strategy entry without its id: a top-level entry, a composite's member or a regime's entry. */
export type EntryLike = Omit<StrategyEntry, 'id'>;

/** One combination of an entry's own params, validated, with the grid values that tell it apart. */
export interface OwnParams {
  readonly params: Record<string, unknown>;
  readonly tag: string[];
}
