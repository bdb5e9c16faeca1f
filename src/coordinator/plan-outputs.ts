/**
 * A workflow's `outputs:`, planned and checked before anything runs: the values it
 * records (a user key replaces the pattern's) and the files it writes, whose paths must
 * stay inside the results folder and off the engine's own files.
 */
import { isAbsolute, normalize, sep } from 'node:path';
import type { ConfigIssue, ConfigPath } from '../config/config-error.ts';
import type { WorkflowPattern } from '../config/schema/workflow-pattern.ts';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import { checkTemplate, type TemplateContext } from './template-check.ts';
import { findTemplates } from './templates.ts';
import type { PlannedOutput, PlannedOutputFile } from './workflow-plan.ts';

/** One `outputs:` block (the pattern's or the user's) and the file it is written in. */
export interface OutputsPart {
  readonly spec: NonNullable<WorkflowPattern['outputs']>;
  readonly source: YamlSource;
}

/**
 * The outputs and output files of `parts`, in order (a later part's key replaces an
 * earlier one's), with their templates checked against every phase (outputs are
 * resolved after the workflow ran). Problems go to `issues`.
 */
export function planOutputs(
  parts: readonly OutputsPart[],
  allPhases: readonly string[],
  state: TemplateContext['state'],
  issues: ConfigIssue[],
): { outputs: PlannedOutput[]; outputFiles: PlannedOutputFile[] } {
  const outputs: PlannedOutput[] = [];
  const outputFiles: PlannedOutputFile[] = [];
  for (const part of parts) {
    for (const [key, value] of Object.entries(part.spec)) {
      if (key === 'files') continue;
      const i = outputs.findIndex((o) => o.key === key);
      if (i >= 0) outputs.splice(i, 1);
      outputs.push({ key, value, source: part.source, at: ['outputs', key] });
    }
    (part.spec.files ?? []).forEach((f, i) => {
      const at: ConfigPath = ['outputs', 'files', i];
      const rel = safeRelative(f.path);
      if (rel === undefined) {
        issues.push(
          issueAt(
            part.source,
            [...at, 'path'],
            'INVALID_VALUE',
            `output file '${f.path}' is outside the results folder`,
            'write a relative path without ../ that stays inside results/<workflow_id>/, e.g. best_params.json',
          ),
        );
      } else {
        const clash = engineFileClash(rel, allPhases);
        if (clash !== undefined) {
          issues.push(
            issueAt(
              part.source,
              [...at, 'path'],
              'INVALID_VALUE',
              `output file '${f.path}' would overwrite the engine's ${clash}`,
              'choose another name, e.g. outputs/best_params.json',
            ),
          );
        }
      }
      if ((f.template === undefined) === (f.value === undefined)) {
        issues.push(
          issueAt(
            part.source,
            at,
            'INVALID_VALUE',
            `output file '${f.path}' needs exactly one of template: (text) or value: (written as JSON/YAML)`,
          ),
        );
      }
      outputFiles.push({ spec: f, path: rel ?? f.path, source: part.source, at });
    });
  }
  for (const o of [
    ...outputs,
    ...outputFiles.map((f) => ({
      value: { template: f.spec.template, value: f.spec.value },
      source: f.source,
      at: f.at,
    })),
  ]) {
    for (const use of findTemplates(o.value, o.at)) {
      const ref = checkTemplate(use, { readable: allPhases, all: allPhases, self: null, state });
      if (ref.problem !== undefined)
        issues.push(issueAt(o.source, use.at, 'TEMPLATE', `outputs: ${ref.problem.message}`, ref.problem.hint));
    }
  }
  return { outputs, outputFiles };
}

/** Files the engine writes at the top of a results folder (besides the phase folders). */
const ENGINE_FILES = ['workflow.json', 'report.html'];

/** What of the engine's an output file at `rel` (normalized, relative) would overwrite, if anything. */
function engineFileClash(rel: string, phases: readonly string[]): string | undefined {
  const first = rel.split(/[\\/]/)[0] ?? rel;
  if (ENGINE_FILES.includes(rel)) return rel;
  if (phases.includes(first)) return `phase folder '${first}'`;
  if (first.startsWith('.')) return "hidden files (names starting with '.')";
  return undefined;
}

/** `path` normalized and relative, or undefined when it would leave the folder it is relative to. */
export function safeRelative(path: string): string | undefined {
  if (path.trim() === '' || isAbsolute(path) || /^[A-Za-z]:/.test(path)) return undefined;
  const n = normalize(path);
  if (n === '..' || n.startsWith(`..${sep}`) || n.startsWith('../') || n === '.' || n.endsWith(sep)) return undefined;
  return n;
}
