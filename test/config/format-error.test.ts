import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from '../../src/config/config-error.ts';
import type { ConfigIssue } from '../../src/config/config-error.ts';
import { renderPath } from '../../src/config/config-path.ts';
import { formatConfigError, formatConfigIssue } from '../../src/config/format-error.ts';

const base: ConfigIssue = {
  code: 'INVALID_VALUE',
  file: 'examples/bad.yaml',
  line: 12,
  col: 20,
  endCol: 22,
  path: ['strategies', 0, 'params', 'fast_period'],
  message: 'expected a positive integer, received -3',
  sourceLine: '      fast_period: -3',
};

describe('formatConfigIssue', () => {
  it('prints location, path, message, the source line and carets under the range', () => {
    expect(formatConfigIssue(base)).toBe(
      [
        'examples/bad.yaml:12:20  strategies[0].params.fast_period: expected a positive integer, received -3',
        '   12 |       fast_period: -3',
        '      |                    ^^',
      ].join('\n'),
    );
  });

  it('adds the hint on its own line', () => {
    expect(formatConfigIssue({ ...base, hint: "did you mean 'fast_period'?" }).split('\n')[3]).toBe(
      "  hint: did you mean 'fast_period'?",
    );
  });

  it('draws one caret when there is no end column', () => {
    const { endCol: _drop, ...rest } = base;
    expect(formatConfigIssue(rest).split('\n')[2]).toBe('      |                    ^');
  });

  it('prints just the file when there is no line, and (root) for an empty path', () => {
    expect(
      formatConfigIssue({
        code: 'INVALID_TYPE',
        file: 'a.yaml',
        line: null,
        col: null,
        path: [],
        message: 'expected a mapping, received a list',
      }),
    ).toBe('a.yaml  (root): expected a mapping, received a list');
  });

  it('leaves out the path for whole-file problems', () => {
    expect(
      formatConfigIssue({
        code: 'FILE_NOT_FOUND',
        file: 'missing.yaml',
        line: null,
        col: null,
        path: [],
        message: 'file not found',
      }),
    ).toBe('missing.yaml  file not found');
  });

  it('shows a command-line argument with carets but without a line number', () => {
    const issue: ConfigIssue = {
      code: 'INVALID_SET',
      file: '--set',
      line: null,
      col: 11,
      endCol: 14,
      path: ['strategies', 3],
      message: 'index 3 is out of range',
      sourceLine: 'strategies[3].x=1',
    };
    expect(formatConfigIssue(issue)).toBe(
      ['--set  strategies[3]: index 3 is out of range', '    | strategies[3].x=1', '    |           ^^^'].join('\n'),
    );
  });

  it('shows the previous line when given, numbered', () => {
    const issue: ConfigIssue = {
      code: 'YAML_SYNTAX',
      file: 'f.yaml',
      line: 10,
      col: 1,
      path: [],
      message: 'unexpected end',
      sourceLine: 'b: 3',
      prevSourceLine: 'a: [1, 2',
    };
    expect(formatConfigIssue(issue)).toBe(
      ['f.yaml:10:1  unexpected end', '    9 | a: [1, 2', '   10 | b: 3', '      | ^'].join('\n'),
    );
  });

  it('draws tabs as → so the caret stays aligned', () => {
    const issue: ConfigIssue = { ...base, line: 2, col: 1, endCol: 2, sourceLine: '\tb: 1' };
    expect(formatConfigIssue(issue).split('\n').slice(1)).toEqual(['   2 | →b: 1', '     | ^']);
  });

  it('scrolls a long line to keep the column in view and marks the cut', () => {
    const line = `${'x'.repeat(90)}ERR${'y'.repeat(27)}`; // 120 characters, error at column 91
    const out = formatConfigIssue({ ...base, line: 1, col: 91, endCol: 94, sourceLine: line }).split('\n');
    expect(out[1]).toBe(`   1 | …${'x'.repeat(49)}ERR${'y'.repeat(27)}`);
    expect(out[2]).toBe(`     | ${' '.repeat(50)}^^^`);
  });

  it('cuts a long line at 80 characters when the column is near the start', () => {
    const line = `key: ${'v'.repeat(100)}`;
    const out = formatConfigIssue({ ...base, line: 3, col: 6, endCol: 106, sourceLine: line }).split('\n');
    expect(out[1]).toBe(`   3 | key: ${'v'.repeat(74)}…`);
    // Carets stop at the visible text, not under the ellipsis.
    expect(out[2]).toBe(`     |      ${'^'.repeat(74)}`);
  });
});

describe('renderPath', () => {
  it('writes keys with dots and indices with brackets', () => {
    expect(renderPath(['strategies', 0, 'params', 'fast_period'])).toBe('strategies[0].params.fast_period');
    expect(renderPath([0, 'a'])).toBe('[0].a');
    expect(renderPath([])).toBe('(root)');
  });

  it('quotes keys that would be ambiguous after a dot', () => {
    expect(renderPath(['symbols', 'BRK.B', 'weight'])).toBe('symbols["BRK.B"].weight');
    expect(renderPath(['m', '1'])).toBe('m["1"]');
    expect(renderPath(['my key'])).toBe('["my key"]');
  });
});

describe('formatConfigError', () => {
  const issue = (line: number, message: string): ConfigIssue => ({
    code: 'INVALID_VALUE',
    file: 'c.yaml',
    line,
    col: 1,
    path: ['k'],
    message,
  });

  it('orders issues by file, then line, and joins them', () => {
    const text = formatConfigError([issue(5, 'five'), { ...issue(1, 'other file'), file: 'p.yaml' }, issue(2, 'two')]);
    expect(text).toBe(['c.yaml:2:1  k: two', 'c.yaml:5:1  k: five', 'p.yaml:1:1  k: other file'].join('\n'));
  });

  it('shows at most ten issues and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) => issue(i + 1, `n${i + 1}`));
    const lines = formatConfigError(many).split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe('c.yaml:10:1  k: n10');
    expect(lines[10]).toBe('… and 3 more');
  });
});

describe('ConfigError', () => {
  it('carries its issues and uses the formatted text as message', () => {
    const err = new ConfigError([base]);
    expect(err.message).toBe(formatConfigIssue(base));
    expect(err.issues).toEqual([base]);
    expect(err.name).toBe('ConfigError');
    expect(err.code).toBe('INVALID_VALUE');
    expect(isConfigError(err)).toBe(true);
    expect(isConfigError(new Error('x'))).toBe(false);
  });

  it('accepts a single issue', () => {
    expect(new ConfigError(base).issues).toHaveLength(1);
  });
});

describe('control characters from the config (issue 19)', () => {
  it('are escaped in the message, the source line and the hint, so an ESC sequence cannot clear the screen', () => {
    const text = formatConfigIssue({
      ...base,
      message: "received 'bad\u001b[2Jname'",
      sourceLine: 'name: "bad\u001b[2J\u0007name"',
      col: 7,
      endCol: 9,
      hint: 'x\u009by',
    });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("received 'bad\\x1b[2Jname'");
    expect(text).toContain('name: "bad\\x1b[2J\\x07name"');
    expect(text).toContain('x\\x9by');
  });
});

describe('control characters from the config, through the CLI (issue 19)', () => {
  it('sluice validate prints an ESC in a name escaped', async () => {
    const { sluice } = await import('../helpers/cli.ts');
    const { tempDir, writeFile } = await import('../coordinator/helpers.ts');
    const file = writeFile(
      tempDir(),
      'esc.yaml',
      'name: "bad\\e[2Jname"\ndata: { symbol: SPY, path: x.csv, timeframe: 5m }\nstrategies: [{ type: sma_crossover }]\n',
    );
    const r = await sluice(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain("received 'bad\\x1b[2Jname'");
  }, 30_000);
});
