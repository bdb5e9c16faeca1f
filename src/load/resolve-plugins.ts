import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { issueAt, parseYamlText, type YamlSource } from '../config/yaml-source.ts';
import {
  display,
  loadPlugins,
  PluginError,
  sourceLine,
  type LoadedPlugin,
  type PluginRequest,
} from '../plugins/load-plugins.ts';

/**
 * Loads the plugins a workflow needs before its strategies are resolved: those given on the
 * command line (`--plugin`, relative to the working directory), then the config's
 * `plugins:` (relative to the config file). A plugin that fails is a config error: located
 * in the plugin file when the cause says where (a syntax error, a throw, a bad
 * definition), else at the `plugins:` entry or the flag that named it.
 *
 * @throws ConfigError listing every plugin that failed.
 */
export async function resolvePlugins(
  source: YamlSource,
  raw: Record<string, unknown>,
  baseDir: string,
  cliPlugins: readonly string[],
): Promise<LoadedPlugin[]> {
  const issues: ConfigIssue[] = [];
  const loaded: LoadedPlugin[] = [];
  const load = async (request: PluginRequest, at: () => ConfigIssue, listed: string): Promise<void> => {
    try {
      for (const p of await loadPlugins([request])) if (!loaded.some((l) => l.file === p.file)) loaded.push(p);
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      issues.push(pluginIssue(err, at, listed));
    }
  };
  for (const spec of cliPlugins) {
    await load(
      { spec, baseDir: process.cwd() },
      () => ({ code: 'PLUGIN', file: '--plugin', line: null, col: null, path: [], message: '' }),
      `given with --plugin ${display(spec)}`,
    );
  }
  const listed = raw['plugins'];
  // Anything but a list of strings is left to the schema, which says what is expected.
  if (Array.isArray(listed)) {
    for (let i = 0; i < listed.length; i++) {
      const spec: unknown = listed[i];
      if (typeof spec !== 'string' || spec === '') continue;
      const entry = issueAt(source, ['plugins', i], 'PLUGIN', '');
      const where = entry.line !== null ? `${source.file}:${entry.line}:${entry.col ?? 1}` : source.file;
      await load({ spec, baseDir }, () => entry, `listed in plugins: at ${where}`);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return loaded;
}

/**
 * Loads the `--plugin` modules of a command before it runs (commands without a config —
 * `list`, `features`, `marbles` — see them too).
 * @throws ConfigError for a plugin that fails.
 */
export async function loadCliPlugins(specs: readonly string[]): Promise<LoadedPlugin[]> {
  if (specs.length === 0) return [];
  const source = parseYamlText('{}', '--plugin');
  return resolvePlugins(source, {}, process.cwd(), specs);
}

/** A plugin failure as a config issue: in the plugin file when located, else where it was named. */
function pluginIssue(err: PluginError, at: () => ConfigIssue, listed: string): ConfigIssue {
  if (err.file !== undefined && err.line !== null) {
    const loading =
      err.plugin !== undefined && err.plugin !== err.file ? ` (imported by plugin ${display(err.plugin)})` : '';
    const issue: ConfigIssue = {
      cause: err.cause,
      code: 'PLUGIN',
      file: display(err.file),
      line: err.line,
      col: err.col,
      path: [],
      message: `plugin failed to load: ${err.detail}${loading}`,
      hint: listed,
    };
    const text = sourceLine(err.file, err.line);
    if (text !== undefined) issue.sourceLine = text;
    return issue;
  }
  return { ...at(), message: err.message, cause: err.cause ?? err };
}
