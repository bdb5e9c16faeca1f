/**
 * What a composed workflow run records per phase, branch decision and iteration: filled
 * by run-composed.ts and run-one-phase.ts, written out by workflow-json.ts; with the two
 * helpers the loop keeps its records by (a skipped phase's record, plan order).
 */
import type { PhaseStatus } from '../config/schema/workflow-pattern.ts';
import type { PhaseResult } from '../sequencer/run-sequence.ts';
import type { PhaseView } from './phase-view.ts';
import type { PlannedPhase, WorkflowPlan } from './workflow-plan.ts';

/** One phase's outcome in one iteration. */
export interface PhaseRecord {
  readonly name: string;
  /** 1-based workflow iteration. */
  readonly iteration: number;
  /** The branch it belongs to; null for a main phase. */
  readonly branch: string | null;
  readonly status: PhaseStatus;
  /** Why it was skipped, or its failure message. */
  readonly reason: string | null;
  readonly depends_on: readonly string[];
  /** Its condition and what it found, when it has one and got that far. */
  readonly condition: { readonly holds: boolean; readonly reason: string } | null;
  readonly topology: string | null;
  readonly sequence: string | null;
  /** Results folder relative to the workflow's, or null when nothing was written. */
  readonly dir: string | null;
  readonly view: PhaseView;
  /** The phase's resolved config (workflow-level keys left out); null when it did not load. */
  readonly config: Record<string, unknown> | null;
  readonly duration_ms: number;
  /** The sequencer's result (books, ranking) when the phase ran. */
  readonly result: PhaseResult | undefined;
  /** What went wrong (a ConfigError for a bad phase config or template, else the error). */
  readonly error: unknown;
}

/** One branch decision. */
export interface BranchRecord {
  readonly iteration: number;
  readonly branch: string;
  readonly taken: boolean;
  readonly reason: string;
  readonly phases: readonly string[];
}

/** One iteration of the workflow. */
export interface IterationRecord {
  readonly iteration: number;
  readonly dir: string | null;
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly phases: readonly PhaseRecord[];
  /** `until` and what it found (null without one). */
  readonly until: { readonly holds: boolean; readonly expression: string } | null;
  /** Whether another iteration follows, and why not. */
  readonly next: { readonly continue: boolean; readonly reason: string };
  /** The config overlay the next iteration runs with (null when none follows). */
  readonly config_changes: Record<string, unknown> | null;
}

/** The record of a phase that never ran (its branch not taken), with its view. */
export function skippedRecord(p: PlannedPhase, iteration: number, view: PhaseView): PhaseRecord {
  return {
    name: p.spec.name,
    iteration,
    branch: p.branch,
    status: view.status,
    reason: view.reason,
    depends_on: p.spec.dependsOn,
    condition: null,
    topology: null,
    sequence: null,
    dir: null,
    view,
    config: null,
    duration_ms: 0,
    result: undefined,
    error: undefined,
  };
}

/** Records in plan order: main phases in run order, then each branch's. */
export function orderedRecords(plan: WorkflowPlan, records: ReadonlyMap<string, PhaseRecord>): PhaseRecord[] {
  const names = [...plan.phases, ...plan.branches.flatMap((b) => b.phases)].map((p) => p.spec.name);
  return names.filter((n) => records.has(n)).map((n) => records.get(n)!);
}
