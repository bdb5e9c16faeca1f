import type { BarEvent } from '../../events/index.ts';
import { FLAT } from '../strategies/decision.ts';
import { EntryGate } from '../strategies/entry-gate.ts';
import {
  createLogic,
  type FeatureRequest,
  type StrategyContext,
  type StrategyDecision,
  type StrategyDefinition,
  type StrategyLogic,
} from '../strategies/strategy.ts';

/** A value a filter expression reads or computes. */
export type ScopeValue = number | boolean | string;

/**
 * An entry filter, compiled from the config: a predicate over a scope, plus the features
 * its indicator calls read (each under a scope name).
 */
export interface EntryFilter {
  readonly text: string;
  readonly test: (scope: Readonly<Record<string, ScopeValue>>) => ScopeValue;
  /** True when the filter reads earlier bars: then it runs on every bar, one evaluator per runner. */
  readonly stateful?: boolean;
  /** A fresh evaluator (with its own state when stateful). */
  readonly create?: () => (scope: Readonly<Record<string, ScopeValue>>) => ScopeValue;
  readonly features: readonly { readonly name: string; readonly request: FeatureRequest }[];
  /** Bars of history its series functions (`prev`, `bars_since`, …) need beyond its features' warm-up (0 or absent: none). */
  readonly lookback?: number;
}

/** One strategy inside a composite: a definition (plain or composite) with validated params. */
export interface Member {
  readonly definition: StrategyDefinition;
  readonly params: Record<string, unknown>;
  /** The member's own entry filter, applied before its decision is combined. */
  readonly filter: EntryFilter | undefined;
}

/** The members each composite definition was built from (see {@link withMembers}). */
const MEMBERS = new WeakMap<StrategyDefinition, readonly Member[]>();

/**
 * Records the members a composite definition runs, so that what reads a strategy as a
 * whole can reach them: `warmup: auto` counts their filters' lags and their own warm-ups,
 * which the composite's feature list does not show. Returns `definition`.
 */
export function withMembers(definition: StrategyDefinition, members: readonly Member[]): StrategyDefinition {
  MEMBERS.set(definition, members);
  return definition;
}

/** The members of a composite definition (ensemble, regime_switch); [] for any other. */
export function compositeMembers(definition: StrategyDefinition): readonly Member[] {
  return MEMBERS.get(definition) ?? [];
}

/** Every feature a member reads: its strategy's, then its filter's. */
export function memberFeatures(member: Member): FeatureRequest[] {
  return [...member.definition.features(member.params), ...(member.filter?.features.map((f) => f.request) ?? [])];
}

/** The features of several members, concatenated, with where each member's start. */
export function layoutMembers(members: readonly Member[]): { features: FeatureRequest[]; offsets: number[] } {
  const features: FeatureRequest[] = [];
  const offsets: number[] = [];
  for (const m of members) {
    offsets.push(features.length);
    features.push(...memberFeatures(m));
  }
  return { features, offsets };
}

/**
 * One member's logic instance inside a composite's logic instance (so: per symbol). It
 * reads its slice of the composite's features (starting at `offset`), asks the member's
 * logic, and applies the member's filter through the strategy container's own gate
 * (EntryGate, src/domain/strategies/entry-gate.ts): entering or reversing passes only on
 * a bar where the filter holds (else the member counts as flat and asks again next bar),
 * exits always pass.
 */
export class MemberRunner {
  /** Features the member reads (its strategy's, then its filter's). */
  readonly width: number;
  private readonly logic: StrategyLogic;
  private readonly own: number;
  private readonly buffer: Float64Array;
  /** The member's direction after its filter, and the filter (none: the decision passes as is). */
  private readonly gate: EntryGate<StrategyContext | undefined> | undefined;

  constructor(
    member: Member,
    private readonly offset: number,
  ) {
    this.logic = createLogic(member.definition, member.params);
    this.own = member.definition.features(member.params).length;
    const f = member.filter;
    this.gate =
      f === undefined
        ? undefined
        : new EntryGate({
            test: f.create?.() ?? f.test,
            stateful: f.stateful === true,
            writeInputs: (scope, context) => {
              for (let i = 0; i < f.features.length; i++) scope[f.features[i]!.name] = this.buffer[this.own + i]!;
              if (context !== undefined) for (const id in context.regimes) scope[id] = context.regimes[id]!;
            },
          });
    this.width = this.own + (member.filter?.features.length ?? 0);
    this.buffer = new Float64Array(this.width);
  }

  /** The member's decision for this bar (null while it warms up). Valid until the next call. */
  step(features: ArrayLike<number>, bar: BarEvent, context: StrategyContext | undefined): StrategyDecision | null {
    const buffer = this.buffer;
    const offset = this.offset;
    for (let i = 0; i < buffer.length; i++) buffer[i] = features[offset + i]!;
    const decision = this.logic(buffer, bar, context);
    const gate = this.gate;
    if (gate === undefined) return decision;
    const refused = gate.filtered;
    gate.next(decision, bar, context);
    // An entry the filter refused: the member counts as flat, and asks again next bar.
    return gate.filtered !== refused ? FLAT : decision;
  }
}
