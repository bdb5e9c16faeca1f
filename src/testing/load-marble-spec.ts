import { stringify } from 'yaml';
import { ConfigError, type ConfigIssue, type ConfigPath } from '../config/config-error.ts';
import { describeValue } from '../config/describe-value.ts';
import { didYouMean } from '../errors/suggest.ts';
import { parseWithSchema } from '../config/validate.ts';
import { issueAt, loadYamlFile, parseYamlText, type YamlSource } from '../config/yaml-source.ts';
import type { StrategyDefinition } from '../domain/strategies/strategy.ts';
import { buildInputEvents, type InputEmission } from './input-events.ts';
import { parseMarble, parseSubscription, type SubscriptionWindow } from './marble-frames.ts';
import { MarbleSpecSchema, type MarbleSpecData, type StreamData } from './marble-spec-schema.ts';
import type { ExpectedStream, ExpectedSubscriptions, InputStream, MarbleSpec, ResolvedSubject } from './marble-spec.ts';
import {
  expectedValueSchema,
  inputValueSchema,
  toExpected,
  toInputTemplate,
  type InputTemplate,
  type StreamShape,
} from './marble-values.ts';
import { DEFAULT_KEY, resolveSubject } from './resolve-subject.ts';
import { subjectStreams } from './subject-streams.ts';
import type { ExpectedValue } from './value-match.ts';
import { STRATEGIES } from '../domain/registry.ts';
import { resolvePlugins } from '../load/resolve-plugins.ts';
import { getProcessPlugins } from '../plugins/load-plugins.ts';
import { dirname, resolve } from 'node:path';

/** Options of the loaders. */
export interface LoadMarbleSpecOptions {
  /**
   * Strategies beyond the built-in catalogue, or in place of one of its entries (a
   * definition with a built-in name replaces it): user strategies, or a deliberately
   * broken one to see a spec catch it.
   */
  readonly strategies?: ReadonlyMap<string, StrategyDefinition>;
  /**
   * Plugin modules to load first (`sluice marbles --plugin`): paths or globs relative to the
   * working directory, or package names. A spec file's own `plugins:` list adds to them.
   */
  readonly plugins?: readonly string[];
}

/** File name given to a spec that has no file. */
export const INLINE_SPEC = '<inline spec>';

/**
 * Reads and validates a marble spec file.
 * @throws ConfigError for any mistake in the spec, located at file:line:col.
 */
export async function loadMarbleSpec(file: string, options: LoadMarbleSpecOptions = {}): Promise<MarbleSpec> {
  const source = await loadYamlFile(file);
  if (source.data !== null && typeof source.data === 'object' && !Array.isArray(source.data)) {
    // The spec's own `plugins:` (relative to the spec file) may name the subject's strategy or indicator.
    await resolvePlugins(
      source,
      source.data as Record<string, unknown>,
      dirname(resolve(file)),
      options.plugins ?? getProcessPlugins(),
    );
  }
  return marbleSpecFromSource(source, options);
}

/**
 * Validates a marble spec given as YAML text. It cannot import modules: the plugins a
 * `plugins:` list names must be loaded already (import the plugin module first).
 * @throws ConfigError for any mistake in the spec, located in the text.
 */
export function parseMarbleSpec(
  text: string,
  file: string = INLINE_SPEC,
  options: LoadMarbleSpecOptions = {},
): MarbleSpec {
  const source = parseYamlText(text, file);
  return marbleSpecFromSource(source, options);
}

/**
 * Validates a marble spec given as plain data (from code). It is written out as YAML
 * first, so errors are located the same way; the path in each message is what to read.
 * @throws ConfigError for any mistake in the spec.
 */
export function marbleSpecFromData(data: object, options: LoadMarbleSpecOptions = {}): MarbleSpec {
  const source = parseYamlText(stringify(data), INLINE_SPEC);
  return marbleSpecFromSource(source, options);
}

/**
 * Validates a parsed spec: the schema first, then everything that depends on the subject
 * (names, parameters, stream names, marble syntax, value tables), every problem reported
 * at once and located.
 * @throws ConfigError listing the problems.
 */
export function marbleSpecFromSource(source: YamlSource, options: LoadMarbleSpecOptions = {}): MarbleSpec {
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new ConfigError(
      issueAt(
        source,
        [],
        'INVALID_TYPE',
        `a marble spec is a mapping (description:, subject:, inputs:, expect:), received ${source.doc.contents === null ? 'an empty file' : describeValue(source.data)}`,
      ),
    );
  }
  const data = parseWithSchema(source, MarbleSpecSchema);
  const issues: ConfigIssue[] = [];
  const catalogue = new Map([...STRATEGIES, ...(options.strategies ?? [])]);
  const subject = resolveSubject(source, data, catalogue, issues);
  if (subject === undefined) throw new ConfigError(issues);

  const used = new Set<string>(); // shared-table characters some stream uses
  const ctx: Ctx = { source, data, issues, used };
  const inputs = readInputs(ctx, subject);
  const expect = readExpected(ctx, subject);
  const subscriptions = readSubscriptions(ctx);
  const unsubscribeFrame = readUnsubscribe(ctx);
  for (const char of Object.keys(data.values)) {
    if (!used.has(char))
      issues.push(
        issueAt(
          source,
          ['values', char],
          'INVALID_VALUE',
          `value '${char}' is used by no stream`,
          'a typo in a marble? remove the value or use it',
        ),
      );
  }
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    file: source.file,
    name: data.name ?? source.file,
    description: data.description,
    source,
    subject,
    inputs,
    expect,
    subscriptions,
    unsubscribeFrame,
    lifecycle: data.lifecycle ?? {},
    failure: data.failure,
    tolerance: data.tolerance,
  };
}

interface Ctx {
  readonly source: YamlSource;
  readonly data: MarbleSpecData;
  readonly issues: ConfigIssue[];
  readonly used: Set<string>;
}

/** A stream in its long form, with where each part is. */
interface StreamParts {
  readonly marble: string;
  readonly marblePath: ConfigPath;
  readonly values: Readonly<Record<string, unknown>>;
  readonly valuesPath: ConfigPath;
  readonly error: string | undefined;
}

function parts(section: 'inputs' | 'expect', name: string, stream: StreamData): StreamParts {
  if (typeof stream === 'string')
    return {
      marble: stream,
      marblePath: [section, name],
      values: {},
      valuesPath: [section, name, 'values'],
      error: undefined,
    };
  return {
    marble: stream.marble,
    marblePath: [section, name, 'marble'],
    values: stream.values ?? {},
    valuesPath: [section, name, 'values'],
    error: stream.error,
  };
}

/** Parses a diagram, reporting RxJS's complaint at the diagram; characters as values. */
function parseAt(
  ctx: Ctx,
  p: StreamParts,
  what: string,
): { frame: number; kind: 'N' | 'E' | 'C'; char: string }[] | undefined {
  if (p.marble.includes('^')) {
    ctx.issues.push(
      issueAt(
        ctx.source,
        p.marblePath,
        'INVALID_VALUE',
        `${what} start at frame 0; '^' is not used here`,
        "remove the '^' and what comes before it",
      ),
    );
    return undefined;
  }
  const group = unbalancedGroup(p.marble);
  if (group !== undefined) {
    ctx.issues.push(
      atChar(
        issueAt(ctx.source, p.marblePath, 'INVALID_VALUE', `not a marble diagram: ${group.message}`),
        p.marble,
        group.index,
      ),
    );
    return undefined;
  }
  try {
    return parseMarble(p.marble).map((m) => ({
      frame: m.frame,
      kind: m.kind,
      char: m.kind === 'N' ? String(m.value) : '',
    }));
  } catch (err) {
    ctx.issues.push(
      issueAt(ctx.source, p.marblePath, 'INVALID_VALUE', `not a marble diagram: ${(err as Error).message}`),
    );
    return undefined;
  }
}

/** A `(` never closed, a `)` never opened, or a group inside a group (RxJS lets them pass, silently). */
function unbalancedGroup(marble: string): { index: number; message: string } | undefined {
  let open = -1;
  for (let i = 0; i < marble.length; i++) {
    const c = marble[i];
    if (c === '(') {
      if (open >= 0) return { index: i, message: "a group '(' inside another group" };
      open = i;
    } else if (c === ')') {
      if (open < 0) return { index: i, message: "')' closes no group" };
      open = -1;
    }
  }
  return open >= 0 ? { index: open, message: "'(' is never closed" } : undefined;
}

/** The raw value of `char` and where it is written: the stream's own table first, then the shared one. */
function valueOf(ctx: Ctx, p: StreamParts, char: string): { raw: unknown; path: ConfigPath } | undefined {
  if (Object.prototype.hasOwnProperty.call(p.values, char))
    return { raw: p.values[char], path: [...p.valuesPath, char] };
  if (Object.prototype.hasOwnProperty.call(ctx.data.values, char))
    return { raw: ctx.data.values[char], path: ['values', char] };
  return undefined;
}

/** Every value character of a diagram has a value; every value of the stream's own table is used. */
function checkChars(ctx: Ctx, p: StreamParts, chars: ReadonlySet<string>): boolean {
  const before = ctx.issues.length;
  for (const char of chars) {
    if (valueOf(ctx, p, char) === undefined) {
      const known = [...Object.keys(p.values), ...Object.keys(ctx.data.values)];
      const issue = issueAt(
        ctx.source,
        p.marblePath,
        'MISSING_KEY',
        `'${char}' in the marble has no value`,
        known.length > 0 ? `values: ${known.join(', ')}; add '${char}' to values` : `add values: { ${char}: … }`,
      );
      ctx.issues.push(atChar(issue, p.marble, p.marble.indexOf(char)));
    } else if (!Object.prototype.hasOwnProperty.call(p.values, char)) {
      ctx.used.add(char);
    }
  }
  for (const char of Object.keys(p.values)) {
    if (!chars.has(char))
      ctx.issues.push(
        issueAt(ctx.source, [...p.valuesPath, char], 'INVALID_VALUE', `value '${char}' is not used in the marble`),
      );
  }
  return ctx.issues.length === before;
}

/**
 * Narrows an issue located at a marble string to one character of it, so the caret points
 * at the offending character. Kept whole when the text on the line is not the marble as
 * is (escapes, a multi-line scalar).
 */
function atChar(issue: ConfigIssue, marble: string, index: number): ConfigIssue {
  if (issue.col === null || issue.sourceLine === undefined || index < 0) return issue;
  const at = issue.col - 1;
  const start = at + (issue.sourceLine[at] === '"' || issue.sourceLine[at] === "'" ? 1 : 0);
  if (issue.sourceLine.slice(start, start + marble.length) !== marble) return issue;
  return { ...issue, col: start + index + 1, endCol: start + index + 2 };
}

function parseValue<T>(
  ctx: Ctx,
  schema: Parameters<typeof parseWithSchema>[1],
  at: { raw: unknown; path: ConfigPath },
  read: (v: unknown) => T,
): T | undefined {
  try {
    parseWithSchema(ctx.source, schema, at.raw, at.path);
    return read(at.raw);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    ctx.issues.push(...err.issues);
    return undefined;
  }
}

function unknownStream(
  ctx: Ctx,
  section: 'inputs' | 'expect',
  name: string,
  known: readonly string[],
  subject: ResolvedSubject,
): void {
  const guess = didYouMean(name, known);
  const what = section === 'inputs' ? 'input' : 'output';
  ctx.issues.push(
    issueAt(
      ctx.source,
      [section, name],
      'UNKNOWN_KEY',
      `a ${subject.kind} subject has no ${what} '${name}'`,
      guess !== undefined ? `did you mean '${guess}'?` : `${what}s: ${known.join(', ') || 'none'}`,
      { key: true },
    ),
  );
}

function readInputs(ctx: Ctx, subject: ResolvedSubject): InputStream[] {
  const streams = subjectStreams(subject);
  const entries = Object.entries(ctx.data.inputs);
  for (const name of streams.requiredInputs) {
    if (!Object.hasOwn(ctx.data.inputs, name))
      ctx.issues.push(
        issueAt(ctx.source, ['inputs'], 'MISSING_KEY', `a ${subject.kind} subject needs the input '${name}'`),
      );
  }
  if (entries.length === 0)
    ctx.issues.push(issueAt(ctx.source, ['inputs'], 'MISSING_KEY', 'at least one input stream is needed'));

  const emissions: InputEmission[] = [];
  // `${input index}:${char}` → where that value is written, to locate a problem found later.
  const where = new Map<string, ConfigPath>();
  const drafts: Omit<InputStream, 'events'>[] = [];
  entries.forEach(([name, stream], index) => {
    if (streams.inputs !== null && !streams.inputs.has(name)) {
      unknownStream(ctx, 'inputs', name, [...streams.inputs.keys()], subject);
      return;
    }
    const types = streams.inputTypes(name);
    const p = parts('inputs', name, stream);
    if (subject.kind === 'route' && types.length === 0) {
      ctx.issues.push(
        issueAt(
          ctx.source,
          ['inputs', name],
          'INVALID_VALUE',
          `the route carries ${subject.spec.events.join(', ')}, which a spec cannot write as input`,
        ),
      );
      return;
    }
    if (subject.kind === 'route' && !types.every((t) => subject.spec.events.includes(t))) {
      ctx.issues.push(
        issueAt(
          ctx.source,
          ['inputs', name],
          'INVALID_VALUE',
          `input '${name}' carries ${types.join(', ')}, but the route's events are ${subject.spec.events.join(', ')}`,
          `add ${types.join(', ')} to subject.events`,
        ),
      );
      return;
    }
    const messages = parseAt(ctx, p, 'inputs');
    if (messages === undefined) return;
    const chars = new Set(messages.filter((m) => m.kind === 'N').map((m) => m.char));
    if (!checkChars(ctx, p, chars)) return;
    const templates = new Map<string, InputTemplate>();
    const schema = inputValueSchema(types);
    for (const char of chars) {
      const at = valueOf(ctx, p, char)!;
      const t = parseValue(ctx, schema, at, (v) => toInputTemplate(v, types));
      if (t !== undefined) templates.set(char, t);
      where.set(`${index}:${char}`, at.path);
    }
    if (templates.size !== chars.size) return;
    for (const m of messages) {
      if (m.kind === 'N')
        emissions.push({ input: drafts.length, frame: m.frame, char: m.char, template: templates.get(m.char)! });
    }
    drafts.push({ name, marble: p.marble, error: p.error, types });
  });
  if (drafts.length !== entries.length) return [];

  const key = subject.kind === 'container' ? subject.key : DEFAULT_KEY;
  const { events, problems } = buildInputEvents(emissions, drafts.length, {
    barMs: ctx.data.bar_ms,
    symbol: ctx.data.symbol,
    key,
  });
  for (const pr of problems) {
    const path = where.get(`${pr.emission.input}:${pr.emission.char}`) ?? ['inputs', drafts[pr.emission.input]!.name];
    ctx.issues.push(
      issueAt(
        ctx.source,
        path,
        'MISSING_KEY',
        `${pr.message} (frame ${pr.emission.frame})`,
        'give the field, or put a bar before it',
      ),
    );
  }
  return drafts.map((d, i) => ({ ...d, events: events[i]! }));
}

function readExpected(ctx: Ctx, subject: ResolvedSubject): ExpectedStream[] {
  const outputs = subjectStreams(subject).outputs;
  const out: ExpectedStream[] = [];
  for (const [name, stream] of Object.entries(ctx.data.expect)) {
    const shape = outputs.get(name);
    if (shape === undefined) {
      unknownStream(ctx, 'expect', name, [...outputs.keys()], subject);
      continue;
    }
    const p = parts('expect', name, stream);
    const messages = parseAt(ctx, p, 'expected outputs');
    if (messages === undefined) continue;
    const chars = new Set(messages.filter((m) => m.kind === 'N').map((m) => m.char));
    if (!checkChars(ctx, p, chars)) continue;
    const table = readTable(ctx, p, chars, shape);
    if (table === undefined) continue;
    out.push({ name, marble: p.marble, shape, table, error: p.error });
  }
  if (Object.keys(ctx.data.expect).length === 0)
    ctx.issues.push(issueAt(ctx.source, ['expect'], 'MISSING_KEY', 'at least one expected output stream is needed'));
  return out;
}

/** The expected value of every character the stream's diagram uses, validated against its shape. */
function readTable(
  ctx: Ctx,
  p: StreamParts,
  chars: ReadonlySet<string>,
  shape: StreamShape,
): Map<string, ExpectedValue> | undefined {
  const schema = expectedValueSchema(shape);
  const table = new Map<string, ExpectedValue>();
  let ok = true;
  for (const char of chars) {
    const at = valueOf(ctx, p, char)!;
    const v = parseValue(ctx, schema, at, (raw) => toExpected(raw, shape));
    if (v === undefined) ok = false;
    else table.set(char, v);
  }
  return ok ? table : undefined;
}

function readSubscriptions(ctx: Ctx): ExpectedSubscriptions[] {
  const out: ExpectedSubscriptions[] = [];
  for (const [input, value] of Object.entries(ctx.data.subscriptions ?? {})) {
    if (!Object.hasOwn(ctx.data.inputs, input)) {
      const guess = didYouMean(input, Object.keys(ctx.data.inputs));
      ctx.issues.push(
        issueAt(
          ctx.source,
          ['subscriptions', input],
          'UNKNOWN_KEY',
          `no input named '${input}'`,
          guess !== undefined ? `did you mean '${guess}'?` : `inputs: ${Object.keys(ctx.data.inputs).join(', ')}`,
          { key: true },
        ),
      );
      continue;
    }
    const marbles = typeof value === 'string' ? [value] : value;
    const windows: SubscriptionWindow[] = [];
    marbles.forEach((m, i) => {
      const path: ConfigPath = typeof value === 'string' ? ['subscriptions', input] : ['subscriptions', input, i];
      try {
        const w = parseSubscription(m);
        if (w.subscribedFrame === Infinity)
          ctx.issues.push(
            issueAt(
              ctx.source,
              path,
              'INVALID_VALUE',
              "a subscription window needs '^' where it starts",
              "e.g. '^-----!'",
            ),
          );
        else windows.push(w);
      } catch (err) {
        ctx.issues.push(
          issueAt(ctx.source, path, 'INVALID_VALUE', `not a subscription diagram: ${(err as Error).message}`),
        );
      }
    });
    out.push({ input, marbles, windows });
  }
  return out;
}

function readUnsubscribe(ctx: Ctx): number | undefined {
  const m = ctx.data.unsubscribe;
  if (m === undefined) return undefined;
  try {
    const w = parseSubscription(m);
    if (w.unsubscribedFrame === Infinity || w.subscribedFrame !== Infinity) {
      ctx.issues.push(
        issueAt(
          ctx.source,
          ['unsubscribe'],
          'INVALID_VALUE',
          "write where the subject stops with '!' (no '^')",
          "e.g. '------!' stops it at frame 6",
        ),
      );
      return undefined;
    }
    return w.unsubscribedFrame;
  } catch (err) {
    ctx.issues.push(
      issueAt(ctx.source, ['unsubscribe'], 'INVALID_VALUE', `not a subscription diagram: ${(err as Error).message}`),
    );
    return undefined;
  }
}
