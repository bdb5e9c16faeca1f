// Public surface of `sluice/testing`: marble specs from YAML or from code, the runner, the diff.
export { marbleTest, MarbleMismatchError, type MarbleTestOptions } from './marble-test.ts';
export {
  loadMarbleSpec,
  parseMarbleSpec,
  marbleSpecFromData,
  INLINE_SPEC,
  type LoadMarbleSpecOptions,
} from './load-marble-spec.ts';
export { runMarbleSpec } from './run-marble-spec.ts';
export { formatMarbleDiff, formatMarbleResult } from './format-marble-diff.ts';
export { runMarbleFiles, type MarbleFilesIo, type MarbleFilesSummary } from './run-marble-files.ts';
export { findSpecFiles, DEFAULT_SPEC_GLOB, type FoundSpecs } from './find-spec-files.ts';
export { MarbleSpecSchema, type MarbleSpecData } from './marble-spec-schema.ts';
export type { MarbleSpec, ResolvedSubject, ExpectedFailure } from './marble-spec.ts';
export type {
  MarbleResult,
  StreamResult,
  SubscriptionResult,
  LifecycleResult,
  FailureResult,
  FrameDiff,
  NoteAt,
  ActualFailure,
} from './marble-result.ts';
