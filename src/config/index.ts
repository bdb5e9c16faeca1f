// Public surface of config loading: YAML with positions, errors, validation, merge, overrides, grids.
export * from './config-error.ts';
export * from './config-path.ts';
export * from './format-error.ts';
export * from './describe-value.ts';
export * from './yaml-source.ts';
export * from '../errors/suggest.ts';
export * from './schema-walk.ts';
export * from './zod-issues.ts';
export * from './validate.ts';
export * from './deep-merge.ts';
export * from './set-override.ts';
export * from './grid.ts';
