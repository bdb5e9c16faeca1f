export * from './data.ts';
export * from './strategies.ts';
export * from './classifiers.ts';
export * from './trading.ts';
export * from './topology.ts';
export * from './workflow.ts';
