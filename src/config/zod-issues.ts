import { globalRegistry } from 'zod';
import type { z } from 'zod';
import type { ConfigIssueCode, ConfigPath } from './config-error.ts';
import { toConfigPath } from './config-path.ts';
import { describeValue, listChoices, lowerFirst, plural, quoteValue } from './describe-value.ts';
import { knownKeysAt, isIntegerSchema, schemasAt } from './schema-walk.ts';
import type { AnySchema } from './schema-walk.ts';
import { didYouMeanHint } from '../errors/suggest.ts';

/** A zod issue in the user's words, not yet placed in a file. */
export interface DescribedIssue {
  /** Path relative to the validated data. */
  path: ConfigPath;
  code: ConfigIssueCode;
  message: string;
  hint?: string;
  /** Point at the mapping key rather than its value (unknown or invalid keys). */
  atKey?: boolean;
}

/** What the converter needs besides the issue: the schema and the data it judged. */
export interface DescribeContext {
  schema: AnySchema;
  data: unknown;
}

/** At most this many allowed keys are listed when no close match exists. */
const MAX_KEYS_LISTED = 12;

/**
 * Turns zod 4 issues into messages a user can act on: what was expected, what was
 * found (with the value for scalars), and a "did you mean" where a close name exists.
 * Never dumps zod's own wording except for custom refinements, whose message is the
 * schema author's.
 *
 * A custom issue may set `params: { hint, code }` to supply a hint and an issue code.
 * A union may carry `.meta({ noun: 'strategy' })` so an unknown discriminator reads
 * `unknown strategy 'x'` rather than `unknown type 'x'`.
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], ctx: DescribeContext): DescribedIssue[] {
  const out = issues.flatMap((issue) => describeIssue(issue, [], ctx));
  return dropExplainedMissing(dedupe(out));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: ConfigPath, ctx: DescribeContext): DescribedIssue[] {
  const path = [...prefix, ...toConfigPath(issue.path)];
  const found = lookup(ctx.data, path);
  const value = found.found ? found.value : undefined;
  const one = (code: ConfigIssueCode, message: string, hint?: string): DescribedIssue[] => [
    withHint({ path, code, message }, hint),
  ];

  switch (issue.code) {
    case 'invalid_type': {
      // zod says "number" for z.number().int(); the user should hear "integer".
      const integer = issue.expected === 'number' && isInteger(ctx, path, 'number');
      const expected = expectedText(integer ? 'int' : issue.expected);
      if (!found.found) return one('MISSING_KEY', missingMessage(path, expected));
      return one('INVALID_TYPE', `expected ${expected}, received ${describeValue(value)}`);
    }

    case 'too_small':
    case 'too_big':
      return one('INVALID_VALUE', boundMessage(issue, value, isInteger(ctx, path, issue.origin)));

    case 'not_multiple_of':
      return one('INVALID_VALUE', `must be a multiple of ${String(issue.divisor)}, received ${quoteValue(value)}`);

    case 'invalid_format':
      return one('INVALID_VALUE', formatMessage(issue, value));

    case 'unrecognized_keys': {
      const known = knownKeysAt(ctx.schema, path, ctx.data);
      const present = new Set(found.found && value !== null && typeof value === 'object' ? Object.keys(value) : []);
      // Offer keys the user has not written yet first: a typo usually stands in for one.
      const absent = known.filter((k) => !present.has(k));
      return issue.keys.map((key) => {
        const hint =
          didYouMeanHint(key, absent) ??
          didYouMeanHint(key, known) ??
          (known.length > 0 ? `allowed keys: ${listKeys(known)}` : undefined);
        return withHint(
          { path: [...path, key], code: 'UNKNOWN_KEY', message: `unknown key '${key}'`, atKey: true },
          hint,
        );
      });
    }

    case 'invalid_value': {
      const values = issue.values;
      const expected = values.length === 1 ? quoteValue(values[0]) : `one of ${listChoices(values)}`;
      if (!found.found) return one('MISSING_KEY', missingMessage(path, expected));
      const names = values.filter((v): v is string => typeof v === 'string');
      const hint = typeof value === 'string' ? didYouMeanHint(value, names) : undefined;
      const code = typeof value === 'string' && names.length === values.length ? 'UNKNOWN_NAME' : 'INVALID_VALUE';
      return one(code, `expected ${expected}, received ${quoteValue(value)}`, hint);
    }

    case 'invalid_union':
      return describeUnion(issue, path, found, ctx);

    case 'invalid_key': {
      const inner = issue.issues[0];
      const reason = inner === undefined ? 'not allowed here' : describeKeyProblem(inner, path[path.length - 1]);
      return [
        {
          path,
          code: 'INVALID_VALUE',
          message: `invalid key ${quoteValue(String(path[path.length - 1] ?? ''))}: ${reason}`,
          atKey: true,
        },
      ];
    }

    case 'custom': {
      const params = issue.params ?? {};
      const code = typeof params['code'] === 'string' ? params['code'] : 'INVALID_VALUE';
      const hint = typeof params['hint'] === 'string' ? params['hint'] : undefined;
      // zod's fallback text says nothing; say at least what was found.
      const message = issue.message === 'Invalid input' ? `invalid value ${quoteValue(value)}` : issue.message;
      return one(code, message, hint);
    }

    default:
      return one('INVALID_VALUE', lowerFirst(issue.message));
  }
}

/**
 * A union failed. With a discriminator, the tag is unknown or missing. Without one, a
 * branch that got past the type check is the one the user meant: report its issues;
 * when none did, say which types would have been accepted.
 */
function describeUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: ConfigPath,
  found: Lookup,
  ctx: DescribeContext,
): DescribedIssue[] {
  if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
    const options = issue.options;
    const expected = `one of ${listChoices(options)}`;
    if (!found.found) return [{ path, code: 'MISSING_KEY', message: missingMessage(path, expected) }];
    const value = found.value;
    if (typeof value !== 'string') {
      return [{ path, code: 'INVALID_VALUE', message: `expected ${expected}, received ${describeValue(value)}` }];
    }
    const noun = unionNoun(ctx, path.slice(0, -1)) ?? issue.discriminator;
    const names = options.filter((o): o is string => typeof o === 'string');
    const hint = didYouMeanHint(value, names) ?? `expected ${expected}`;
    return [{ path, code: 'UNKNOWN_NAME', message: `unknown ${noun} '${value}'`, hint }];
  }

  const branches = issue.errors;
  const deep = branches.filter((b) => !b.every(isShallow));
  if (deep.length > 0) {
    const best = deep.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((i) => describeIssue(i, path, ctx));
  }
  const expected: string[] = [];
  const names: string[] = [];
  for (const i of branches.flat()) {
    if (i.code === 'invalid_type') expected.push(expectedText(i.expected));
    else if (i.code === 'invalid_value') {
      expected.push(...i.values.map(quoteValue));
      names.push(...i.values.filter((v): v is string => typeof v === 'string'));
    }
  }
  const uniq = [...new Set(expected)];
  const wanted = uniq.length === 0 ? 'a different value' : joinOr(uniq);
  if (!found.found) return [{ path, code: 'MISSING_KEY', message: missingMessage(path, wanted) }];
  const value = found.value;
  const hint = typeof value === 'string' ? didYouMeanHint(value, names) : undefined;
  const code = names.length > 0 && typeof value === 'string' ? 'UNKNOWN_NAME' : 'INVALID_TYPE';
  return [withHint({ path, code, message: `expected ${wanted}, received ${describeValue(value)}` }, hint)];
}

/** An issue that only says "wrong type or literal here" about the union's own value. */
function isShallow(i: z.core.$ZodIssue): boolean {
  return i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
}

/** The `noun` metadata of the union at `path`, if its author gave one. */
function unionNoun(ctx: DescribeContext, path: ConfigPath): string | undefined {
  let noun: string | undefined;
  schemasAt(ctx.schema, path, ctx.data, (s) => {
    const meta = globalRegistry.get(s as z.ZodType) as Record<string, unknown> | undefined;
    if (noun === undefined && typeof meta?.['noun'] === 'string') noun = meta['noun'];
  });
  return noun;
}

// ---------------------------------------------------------------------------------
// Message pieces

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'a boolean (true or false)',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  null: 'null',
  undefined: 'nothing',
  void: 'nothing',
  never: 'nothing here',
  date: 'a date',
  nan: '.nan',
  nonoptional: 'a value',
};

function expectedText(expected: string): string {
  return EXPECTED[expected] ?? `a ${expected}`;
}

function missingMessage(path: ConfigPath, expected: string): string {
  const last = path[path.length - 1];
  if (last === undefined) return `expected ${expected}, received nothing`;
  if (typeof last === 'number') return `missing list item ${last} (expected ${expected})`;
  return `missing required key '${last}' (expected ${expected})`;
}

function isInteger(ctx: DescribeContext, path: ConfigPath, origin: string): boolean {
  if (origin === 'int' || origin === 'bigint') return true;
  return schemasAt(ctx.schema, path, ctx.data).some(isIntegerSchema);
}

/** too_small / too_big for numbers, strings and lists. */
function boundMessage(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  value: unknown,
  integer: boolean,
): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const exact = issue.exact === true;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint': {
      const noun = integer ? 'integer' : 'number';
      const got = quoteValue(value);
      if (limit === 0 && small) return `expected a ${inclusive ? 'non-negative' : 'positive'} ${noun}, received ${got}`;
      if (limit === 0 && !small)
        return `expected a ${inclusive ? 'non-positive' : 'negative'} ${noun}, received ${got}`;
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `must be ${op} ${limit}, received ${got}`;
    }
    case 'string': {
      const got = quoteValue(value);
      if (exact) return `must be exactly ${plural(limit, 'character')} long, received ${got}`;
      if (small && limit === 1) return 'must not be empty';
      return `must be at ${small ? 'least' : 'most'} ${plural(limit, 'character')} long, received ${got}`;
    }
    case 'array':
    case 'set': {
      const n = Array.isArray(value) ? value.length : value instanceof Set ? value.size : undefined;
      const got = n === undefined ? describeValue(value) : n === 0 ? 'an empty list' : String(n);
      if (exact) return `must have exactly ${plural(limit, 'item')}, received ${got}`;
      if (small && limit === 1) return 'must not be an empty list';
      return `must have at ${small ? 'least' : 'most'} ${plural(limit, 'item')}, received ${got}`;
    }
    default: {
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `must be ${op} ${String(small ? issue.minimum : issue.maximum)}, received ${quoteValue(value)}`;
    }
  }
}

function formatMessage(issue: z.core.$ZodIssueInvalidStringFormat, value: unknown): string {
  const got = quoteValue(value);
  const extra = issue as unknown as Record<string, unknown>;
  switch (issue.format) {
    case 'regex':
      return `must match ${issue.pattern ?? 'the expected pattern'}, received ${got}`;
    case 'starts_with':
      return `must start with ${quoteValue(extra['prefix'])}, received ${got}`;
    case 'ends_with':
      return `must end with ${quoteValue(extra['suffix'])}, received ${got}`;
    case 'includes':
      return `must contain ${quoteValue(extra['includes'])}, received ${got}`;
    default:
      return `expected a valid ${issue.format}, received ${got}`;
  }
}

function describeKeyProblem(inner: z.core.$ZodIssue, key: string | number | undefined): string {
  const shown = quoteValue(String(key ?? ''));
  switch (inner.code) {
    case 'too_small':
    case 'too_big':
      return boundMessage(inner, String(key ?? ''), false);
    case 'invalid_format':
      return formatMessage(inner, String(key ?? ''));
    case 'invalid_value':
      return `expected one of ${listChoices(inner.values)}, received ${shown}`;
    default:
      return lowerFirst(inner.message);
  }
}

function listKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_KEYS_LISTED).join(', ');
  return keys.length > MAX_KEYS_LISTED ? `${shown}, …` : shown;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

function withHint(issue: DescribedIssue, hint: string | undefined): DescribedIssue {
  return hint === undefined ? issue : { ...issue, hint };
}

// ---------------------------------------------------------------------------------
// Data lookup and clean-up

interface Lookup {
  found: boolean;
  value: unknown;
}

/** Like valueAt, but tells a missing key from a present `null`/`undefined`. */
function lookup(data: unknown, path: ConfigPath): Lookup {
  let cur = data;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : Number(seg);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false, value: undefined };
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, String(seg))) return { found: false, value: undefined };
      cur = (cur as Record<string, unknown>)[String(seg)];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: cur !== undefined, value: cur };
}

function dedupe(issues: DescribedIssue[]): DescribedIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}\u0000${JSON.stringify(i.path)}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `slow_perod: 20` yields both "unknown key 'slow_perod' — did you mean 'slow_period'?"
 * and "missing required key 'slow_period'". The first explains the second, so only
 * the first is kept.
 */
function dropExplainedMissing(issues: DescribedIssue[]): DescribedIssue[] {
  const suggested = new Set<string>();
  for (const i of issues) {
    if (i.code !== 'UNKNOWN_KEY') continue;
    const typo = i.path[i.path.length - 1];
    const parent = i.path.slice(0, -1);
    const meant =
      i.hint !== undefined && typeof typo === 'string' ? /^did you mean '(.*)'\?$/.exec(i.hint)?.[1] : undefined;
    if (meant !== undefined) suggested.add(JSON.stringify([...parent, meant]));
  }
  return issues.filter((i) => i.code !== 'MISSING_KEY' || !suggested.has(JSON.stringify(i.path)));
}
