import { describe, expect, it } from 'vitest';
import { BUG_NOTICE, EXIT, isUserError, reportFor } from '../../src/errors/exit.ts';
import { ERROR_CATEGORIES, SluiceError, type ErrorCategory } from '../../src/errors/sluice-error.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { ExpressionError } from '../../src/config/expression-language.ts';
import { TemplateError } from '../../src/coordinator/templates.ts';
import { ConditionError } from '../../src/coordinator/conditions.ts';
import { DataError } from '../../src/data/data-error.ts';
import { DataFetchError } from '../../src/data/fetch-error.ts';
import { PluginError } from '../../src/plugins/load-plugins.ts';
import { DefinitionError } from '../../src/domain/define.ts';
import { BUILT_IN, RegistryCollisionError } from '../../src/domain/registry.ts';
import { FeatureSpecError } from '../../src/domain/indicators/feature-spec.ts';
import { UserCodeError } from '../../src/domain/user-code-error.ts';
import { SignalStoreError } from '../../src/signals/store-format.ts';
import { ResultsWriteError } from '../../src/files/results-write-error.ts';
import { ResultsFileError } from '../../src/results/schema/results-file-error.ts';
import { LiveError } from '../../src/errors/live-error.ts';
import { QueueError } from '../../src/distributed/queue-error.ts';
import { TraceError } from '../../src/tracing/trace-error.ts';
import { ReportError } from '../../src/report/read-results.ts';
import { QueryError } from '../../src/query/query-error.ts';
import { LookaheadError } from '../../src/analysis/lookahead-error.ts';
import { MarbleMismatchError } from '../../src/testing/marble-test.ts';
import { InitError } from '../../src/cli/init-command.ts';

const issue = {
  code: 'INVALID_TYPE',
  file: 'c.yaml',
  line: 3,
  col: 5,
  path: ['execution', 'slippage_bps'],
  message: 'expected a number, received "x"',
} as const;

/** One instance of every error family the engine throws, with the category it must carry. */
const FAMILIES: readonly [ErrorCategory, SluiceError][] = [
  ['config', new ConfigError({ ...issue, path: [...issue.path] })],
  ['expression', new ExpressionError('unexpected token', 3)],
  ['template', new TemplateError('unknown phase', '{{phases.x}}', ['params'])],
  ['condition', new ConditionError('not a number', ['metric_threshold'])],
  [
    'data',
    new DataError({
      code: 'UNPARSEABLE_NUMBER',
      file: 'bars.csv',
      row: 12,
      column: 'close',
      what: "close: cannot parse 'abc' as a number",
    }),
  ],
  ['fetch', new DataFetchError('provider said 403')],
  ['plugin', new PluginError('plugin ./p.ts: cannot be found', { plugin: '/x/p.ts' })],
  ['definition', new DefinitionError('a strategy needs a name')],
  [
    'registry',
    new RegistryCollisionError('strategy', 'sma', BUILT_IN, {
      kind: 'plugin',
      file: '/x/p.ts',
      fingerprint: 'f',
      files: [],
    }),
  ],
  ['feature-spec', new FeatureSpecError('unknown indicator')],
  [
    'user-code',
    new UserCodeError('strategy mine threw on bar 3', '/x/p.ts', { cause: new TypeError('x is undefined') }),
  ],
  ['signal-store', new SignalStoreError('no store in /s', 'MISSING')],
  ['results-write', new ResultsWriteError('/ro', 'read-only file system (EROFS)')],
  [
    'results-file',
    new ResultsFileError('phase_summary.json', 'best.metrics.sharpe_ratio: expected number, received string'),
  ],
  ['live', new LiveError('feed closed')],
  ['queue', new QueueError('redis unreachable')],
  ['trace', new TraceError('no trace in results/x')],
  ['report', new ReportError('not a results folder')],
  ['query', new QueryError('bad SQL')],
  ['lookahead', new LookaheadError('unknown symbol')],
  [
    'marble',
    new MarbleMismatchError({
      name: 'spec',
      file: 'm.yaml',
      description: '',
      pass: false,
      streams: [],
      subscriptions: [],
      lifecycle: [],
      failure: { pass: false, expected: undefined, actual: undefined, reason: 'expected an error' },
    }),
  ],
  ['init', new InitError('folder not empty')],
];

describe('the error families', () => {
  it.each(FAMILIES)(
    '%s: a SluiceError of that category, a user mistake, exit 1 with its message alone',
    (category, err) => {
      expect(err).toBeInstanceOf(SluiceError);
      expect(err.category).toBe(category);
      expect(err.kind).toBe('user');
      expect(isUserError(err)).toBe(true);
      const report = reportFor(err, { debug: false });
      expect(report.exitCode).toBe(EXIT.failed);
      expect(report.lines).toEqual([err.message]);
    },
  );

  it('every family has a category of its own', () => {
    expect(new Set(FAMILIES.map(([c]) => c)).size).toBe(FAMILIES.length);
    expect(FAMILIES.map(([c]) => c).sort()).toEqual([...ERROR_CATEGORIES].sort());
  });

  it('classes keep their own detail codes beside the category', () => {
    const config = FAMILIES[0]![1] as ConfigError;
    expect(config.code).toBe('INVALID_TYPE');
    expect((FAMILIES[4]![1] as DataError).code).toBe('UNPARSEABLE_NUMBER');
    expect((FAMILIES[11]![1] as SignalStoreError).code).toBe('MISSING');
  });
});

describe('reportFor', () => {
  it('an error that is no SluiceError is a bug: exit 2, the bug notice, the stack only with --debug', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'close')");
    const plain = reportFor(err, { debug: false });
    expect(plain.exitCode).toBe(EXIT.bug);
    expect(plain.lines[0]).toBe(`sluice: internal error: ${err.message}`);
    expect(plain.lines[1]).toContain(BUG_NOTICE);
    expect(plain.lines.join('\n')).not.toMatch(/\n\s+at /);
    const debug = reportFor(err, { debug: true });
    expect(debug.exitCode).toBe(EXIT.bug);
    expect(debug.lines.join('\n')).toContain(err.stack!);
  });

  it('a subclass that declares itself a bug is reported as one', () => {
    class BrokenInvariant extends SluiceError {
      readonly category = 'data';
      override readonly kind = 'bug';
    }
    const report = reportFor(new BrokenInvariant('rows out of order after the merge'), { debug: false });
    expect(isUserError(new BrokenInvariant('x'))).toBe(false);
    expect(report.exitCode).toBe(EXIT.bug);
    expect(report.lines[1]).toContain(BUG_NOTICE);
  });

  it('a thrown non-Error is a bug too', () => {
    const report = reportFor('oops', { debug: true });
    expect(report.exitCode).toBe(EXIT.bug);
    expect(report.lines).toEqual(['sluice: internal error: oops', BUG_NOTICE]);
  });

  it('a heading goes before the message, for a user mistake and a bug alike', () => {
    const data = FAMILIES[4]![1];
    expect(reportFor(data, { debug: false, heading: 'run failed during execute: ' }).lines).toEqual([
      `run failed during execute: ${data.message}`,
    ]);
    const bug = reportFor(new RangeError('bad index'), { debug: false, heading: 'run failed during execute: ' });
    expect(bug.lines[0]).toBe('run failed during execute: bad index');
    expect(bug.lines[1]).toContain(BUG_NOTICE);
  });

  it('control characters in a user message are escaped', () => {
    expect(reportFor(new DataFetchError('bad \u001b[2J name'), { debug: false }).lines).toEqual(['bad \\x1b[2J name']);
  });

  it("--debug on a user mistake adds the stacks of the error, its cause and a config issue's cause", () => {
    const cause = new SyntaxError('Unexpected token in plugin');
    const err = new ConfigError({ ...issue, path: [...issue.path], cause });
    const lines = reportFor(err, { debug: true }).lines;
    expect(lines[0]).toBe(err.message);
    expect(lines[1]).toContain(err.stack!.split('\n')[0]!);
    expect(lines[1]).toContain('caused by: SyntaxError: Unexpected token in plugin');
    const code = FAMILIES[10]![1];
    expect(reportFor(code, { debug: true }).lines[1]).toContain('caused by: TypeError: x is undefined');
  });
});
