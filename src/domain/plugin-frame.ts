import { registry } from './registry.ts';
import { UserCodeError } from './user-code-error.ts';

/** A frame of plugin code in a stack: the plugin module, and the file, line and column of the frame. */
export interface PluginFrame {
  readonly plugin: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** The top frame of `err`'s stack that lies in a loaded plugin's code, if any. */
export function pluginFrame(err: unknown): PluginFrame | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (stack === undefined) return undefined;
  const owners = new Map<string, string>();
  for (const kind of ['strategy', 'indicator', 'classifier'] as const) {
    for (const { origin } of registry.plugins(kind))
      for (const f of origin.files ?? [origin.file]) owners.set(f, origin.file);
  }
  if (owners.size === 0) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /(?:file:\/\/)?(\/[^\s()?]+?)(?:\?[^\s():]*)?:(\d+):(\d+)\)?\s*$/.exec(line);
    if (m === null) continue;
    const file = decodeURIComponent(m[1]!);
    const plugin = owners.get(file);
    if (plugin !== undefined) return { plugin, file, line: Number(m[2]), col: Number(m[3]) };
  }
  return undefined;
}

/**
 * `err` as a UserCodeError when its stack passes through plugin code, naming the file and
 * line, what ran it (`what`, e.g. "strategy 'trend_efficiency'") and the bar; else undefined
 * (a built-in's or the engine's error stays what it is).
 */
export function asUserCodeError(
  err: unknown,
  what: string,
  bar: { readonly ts: number; readonly symbol: string } | undefined,
  show: (file: string) => string = (f) => f,
): UserCodeError | undefined {
  if (err instanceof UserCodeError) return err;
  const frame = pluginFrame(err);
  if (frame === undefined) return undefined;
  const message = err instanceof Error ? `${err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(err);
  const at =
    bar === undefined
      ? ''
      : ` on ${bar.symbol} bar ${Number.isFinite(bar.ts) ? new Date(bar.ts).toISOString() : String(bar.ts)}`;
  return new UserCodeError(
    `${what} threw${at} at ${show(frame.file)}:${frame.line}:${frame.col} (plugin ${show(frame.plugin)}): ${message}`,
    frame.plugin,
    { cause: err },
  );
}
