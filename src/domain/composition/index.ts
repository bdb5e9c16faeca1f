export { combineVotes, ensembleStrategy, ensembleParams, ENSEMBLE_RULES, type EnsembleParams, type EnsembleRule, type WeightedMember } from './ensemble.ts';
export { regimeSwitchStrategy, type RegimeEntry } from './regime-switch.ts';
export { MemberRunner, layoutMembers, memberFeatures, type EntryFilter, type Member, type ScopeValue } from './member.ts';
export { COMPOSITES, type CompositeKind } from './catalogue.ts';
