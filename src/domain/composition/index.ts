export { combineVotes, ensembleStrategy } from './ensemble.ts';
export { regimeSwitchStrategy } from './regime-switch.ts';
