import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import { compileExpression } from './expression.ts';
import { ExpressionError, type CompiledExpression, type ExpressionValue } from './expression-language.ts';
import { expressionIssue } from './expression-issue.ts';
import type { z } from 'zod';

/**
 * Keeps the grid combinations that satisfy the entry's constraint. The constraint sees
 * each combination's values over the strategy's defaults, so it may name any parameter.
 * Returns null (with an issue) when it cannot be compiled or keeps nothing.
 */
export function applyConstraint(
  source: YamlSource,
  path: ConfigPath,
  text: string,
  schema: z.ZodType,
  combos: Record<string, unknown>[],
  issues: ConfigIssue[],
): Record<string, unknown>[] | null {
  const parsed = schema.safeParse({});
  const defaults = parsed.success ? (parsed.data as Record<string, unknown>) : {};
  const names = [...new Set([...Object.keys(defaults), ...combos.flatMap((c) => Object.keys(c))])];
  // Parameters with string values (an ensemble's rule, a classifier's ma) compare as labels.
  const strings: Record<string, string[]> = {};
  for (const c of [defaults, ...combos]) {
    for (const [k, v] of Object.entries(c))
      if (typeof v === 'string' && !(strings[k] ??= []).includes(v)) strings[k]!.push(v);
  }
  let test: CompiledExpression;
  try {
    test = compileExpression(text, { identifiers: names.filter((n) => strings[n] === undefined), strings });
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    issues.push(expressionIssue(source, path, err));
    return null;
  }
  const scalar = (v: unknown): v is ExpressionValue =>
    typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
  const kept = combos.filter((c) => {
    const scope = Object.fromEntries(Object.entries({ ...defaults, ...c }).filter(([, v]) => scalar(v))) as Record<
      string,
      ExpressionValue
    >;
    return test(scope) === true;
  });
  if (kept.length === 0) {
    issues.push(
      issueAt(
        source,
        path,
        'GRID',
        `the constraint '${text}' rules out all ${combos.length} combinations of the grid`,
        'check the grid ranges against the constraint',
      ),
    );
    return null;
  }
  return kept;
}
