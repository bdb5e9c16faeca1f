/**
 * Where a phase's config error belongs. A phase's config is the user's config under the
 * phase overlay of a pattern (or an inline phase): an error the loader locates in the
 * user's file may be about a value the overlay set, or a pattern's sequence setting the
 * user's `workflow_params` filled in. The user fixes it where it was written.
 */
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { isPlainObject } from '../config/deep-merge.ts';
import { issueAt, type YamlSource } from '../config/yaml-source.ts';
import type { PlannedPhase } from './workflow-plan.ts';

/**
 * A config error of a phase's merged config, each issue prefixed with the phase: issues
 * about values that came from the phase overlay are moved to the overlay in the pattern
 * (or inline phase), where the user can fix them.
 */
export function relocatePhaseError(
  err: ConfigError,
  p: PlannedPhase,
  overlay: Record<string, unknown>,
  userFile: string,
): ConfigError {
  const issues: ConfigIssue[] = err.issues.map((issue) => {
    if (issue.file !== userFile || !fromOverlay(overlay, issue.path))
      return { ...issue, message: `phase '${p.spec.name}': ${issue.message}` };
    const moved = issueAt(
      p.source,
      [...p.at, 'config', ...issue.path],
      issue.code,
      `phase '${p.spec.name}': ${issue.message}`,
      issue.hint,
    );
    return { ...moved, path: issue.path };
  });
  return new ConfigError(issues);
}

/**
 * A pattern's sequence setting written as `"{{ params.NAME }}"` takes its value from the
 * user's `workflow_params.NAME`: an invalid value is the user's, located there rather
 * than in the pattern file.
 */
export function toWorkflowParam(
  issue: ConfigIssue,
  p: PlannedPhase,
  userSource: YamlSource,
  userParams: Record<string, unknown> | undefined,
): ConfigIssue {
  const prefix = [...p.at, 'sequence'];
  if (
    issue.file !== p.source.file ||
    issue.path.length !== prefix.length + 1 ||
    prefix.some((seg, i) => issue.path[i] !== seg)
  )
    return issue;
  const key = issue.path[prefix.length];
  const spec = p.spec.sequence;
  const template = isPlainObject(spec) && key !== undefined ? spec[String(key)] : undefined;
  const name =
    typeof template === 'string' ? /^\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(template)?.[1] : undefined;
  if (name === undefined || userParams === undefined || !Object.hasOwn(userParams, name)) return issue;
  const moved = issueAt(userSource, ['workflow_params', name], issue.code, issue.message, issue.hint);
  return moved;
}

/** True when the overlay sets the value at `path` (or a list or value that holds it). */
function fromOverlay(overlay: unknown, path: readonly (string | number)[]): boolean {
  let cur = overlay;
  for (const seg of path) {
    if (!isPlainObject(cur)) return cur !== undefined;
    if (!Object.hasOwn(cur, String(seg))) return false;
    cur = cur[String(seg)];
  }
  return cur !== undefined && path.length > 0;
}
