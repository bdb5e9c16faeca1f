import { z } from 'zod';
import { ensembleParams } from './ensemble.ts';

/**
 * A composite strategy kind: it has no logic of its own but combines member strategies
 * (given in the config beside its params). The config builds one StrategyDefinition per
 * combination from these (see `ensembleStrategy`, `regimeSwitchStrategy`).
 */
export interface CompositeKind {
  readonly name: string;
  readonly description: string;
  /** The composite's own params (grids allowed, like any strategy's). */
  readonly params: z.ZodType<Record<string, unknown>>;
  /** The keys beside `params` that give the members, as written in YAML. */
  readonly usage: string;
}

const ALL: readonly CompositeKind[] = [
  {
    name: 'ensemble',
    description: "Combines its members' directions by weighted vote, majority or unanimity.",
    params: ensembleParams,
    usage: 'members: [ { type, params, weight: 1, filter }, … ]',
  },
  {
    name: 'regime_switch',
    description: "Follows the member mapped to a classifier's current regime; every member runs every bar.",
    params: z.strictObject({}),
    usage: 'classifier: <id>, regimes: { <label>: { type, params } | flat, … }, otherwise: flat | { type, params }',
  },
];

/** The composite strategy kinds, by name. */
export const COMPOSITES: ReadonlyMap<string, CompositeKind> = new Map(ALL.map((k) => [k.name, k]));
