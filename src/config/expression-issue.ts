import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { issueAt, type YamlSource } from './yaml-source.ts';
import type { ExpressionError } from './expression-language.ts';

/** An expression error located at its character inside the YAML scalar. */
export function expressionIssue(source: YamlSource, path: ConfigPath, err: ExpressionError): ConfigIssue {
  const issue = issueAt(source, path, 'INVALID_VALUE', err.message, err.hint);
  if (issue.col !== null && issue.sourceLine !== undefined) {
    const quoted = issue.sourceLine[issue.col - 1] === '"' || issue.sourceLine[issue.col - 1] === "'";
    issue.col += err.index + (quoted ? 1 : 0);
    delete issue.endCol;
  }
  return issue;
}
