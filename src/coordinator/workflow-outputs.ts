/**
 * A workflow's outputs: its `outputs:` templates resolved against the phases' results,
 * and the output files' contents. An output that cannot be resolved is null, with its
 * reason (located in the file that declared it) in `outputErrors`, rather than failing
 * the run.
 */
import { stringify as toYaml } from 'yaml';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import { explainNull, templateScope, type ResultsState } from './phase-view.ts';
import { resolveTemplates, TemplateError } from './templates.ts';
import type { WorkflowPlan } from './workflow-plan.ts';

/** Resolved outputs, unresolvable ones with their reasons, and the output files to write. */
export interface ResolvedOutputs {
  readonly outputs: Record<string, unknown>;
  readonly outputErrors: Record<string, string>;
  readonly files: { path: string; content: string }[];
}

/** Resolves the workflow outputs; an output that cannot be resolved is null with its reason. */
export function resolveOutputs(plan: WorkflowPlan, state: ResultsState): ResolvedOutputs {
  const scope = templateScope(state);
  const outputs: Record<string, unknown> = {};
  const outputErrors: Record<string, string> = {};
  const where = (source: YamlSource, at: (string | number)[]): string => {
    const issue = issueAt(source, at, 'TEMPLATE', '');
    return issue.line !== null ? ` (${source.file}:${issue.line}:${issue.col ?? 1})` : ` (${source.file})`;
  };
  for (const o of plan.outputs) {
    try {
      outputs[o.key] = resolveTemplates(o.value, scope, { explainNull: explainNull(state) });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      outputs[o.key] = null;
      outputErrors[o.key] = `${err.message}${where(o.source, [...o.at, ...err.at])}`;
    }
  }
  const files: { path: string; content: string }[] = [];
  for (const f of plan.outputFiles) {
    try {
      if (f.spec.template !== undefined) {
        files.push({
          path: f.path,
          content: resolveTemplates(f.spec.template, scope, { explainNull: explainNull(state) }) as string,
        });
      } else {
        const value = resolveTemplates(f.spec.value, scope, { explainNull: explainNull(state) });
        const content = /\.ya?ml$/i.test(f.path)
          ? toYaml(value)
          : typeof value === 'string' && !/\.json$/i.test(f.path)
            ? value
            : `${JSON.stringify(value, null, 2)}\n`;
        files.push({ path: f.path, content });
      }
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      outputErrors[`files[${f.at[2]}] ${f.path}`] =
        `${err.message}${where(f.source, [...f.at, f.spec.template !== undefined ? 'template' : 'value', ...err.at])}`;
    }
  }
  return { outputs, outputErrors, files };
}
