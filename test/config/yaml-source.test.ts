import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueAt, loadYamlFile, locate, parseYamlText, sourceLineAt } from '../../src/config/yaml-source.ts';
import { catchConfigError, catchConfigErrorAsync } from './catch-config-error.ts';

const fixture = (name: string): string => resolve(import.meta.dirname, 'fixtures', name);

const TEXT = [
  'name: "spy sma"', //                         1
  'data:', //                                   2
  '  symbol: SPY', //                           3
  'strategies:', //                             4
  '  - type: sma_crossover', //                 5
  '    params:', //                             6
  '      fast_period: 10', //                   7
  '      slow_period:', //                      8
  '  - {type: rsi, params: {period: 14}}', //   9
  'symbols: [SPY, QQQ]', //                     10
  '',
].join('\n');

describe('parseYamlText', () => {
  it('returns the data with the document and the file name', () => {
    const src = parseYamlText(TEXT, 'c.yaml');
    expect(src.file).toBe('c.yaml');
    expect(src.data).toEqual({
      name: 'spy sma',
      data: { symbol: 'SPY' },
      strategies: [
        { type: 'sma_crossover', params: { fast_period: 10, slow_period: null } },
        { type: 'rsi', params: { period: 14 } },
      ],
      symbols: ['SPY', 'QQQ'],
    });
  });

  it('rejects a duplicate key, pointing at the second one and naming the first', () => {
    const err = catchConfigError(() => parseYamlText('a: 1\nb:\n  c: 2\n  c: 3\n', 'dup.yaml'));
    expect(err.code).toBe('DUPLICATE_KEY');
    expect(err.issues[0]?.path).toEqual(['b', 'c']);
    expect(err.message).toBe(
      [
        "dup.yaml:4:3  b.c: duplicate key 'c' (first defined at line 3)",
        '   4 |   c: 3',
        '     |   ^',
        '  hint: a key may appear only once in a mapping; remove or merge one of them',
      ].join('\n'),
    );
  });

  it('spans the whole duplicated key', () => {
    const err = catchConfigError(() => parseYamlText('fast_period: 1\nfast_period: 2\n', 'd.yaml'));
    expect(err.issues[0]).toMatchObject({ line: 2, col: 1, endCol: 12, path: ['fast_period'] });
  });

  it('rejects tab indentation', () => {
    const err = catchConfigError(() => parseYamlText('params:\n  fast: 1\n\tslow: 2\n', 'tab.yaml'));
    expect(err.code).toBe('YAML_SYNTAX');
    expect(err.message).toBe(
      [
        'tab.yaml:3:1  tab character used for indentation',
        '   3 | →slow: 2',
        '     | ^',
        '  hint: YAML indents with spaces only; replace the tab with spaces',
      ].join('\n'),
    );
  });

  it('shows the line before when the error is noticed at the start of a line', () => {
    const err = catchConfigError(() => parseYamlText('a: [1, 2\nb: 3\n', 'flow.yaml'));
    expect(err.message).toBe(
      [
        'flow.yaml:2:1  flow sequence in block collection must be sufficiently indented and end with a ]',
        '   1 | a: [1, 2',
        '   2 | b: 3',
        '     | ^',
      ].join('\n'),
    );
  });

  it('treats warnings as errors: an unknown tag', () => {
    const err = catchConfigError(() => parseYamlText('a: !foo 1\n', 'tag.yaml'));
    expect(err.issues[0]).toMatchObject({
      code: 'YAML_SYNTAX',
      line: 1,
      col: 4,
      endCol: 8,
      message: "unknown tag '!foo'",
    });
  });

  it('rejects several documents in one file', () => {
    const err = catchConfigError(() => parseYamlText('a: 1\n---\nb: 2\n', 'm.yaml'));
    expect(err.issues[0]).toMatchObject({
      line: 2,
      col: 1,
      message: "more than one YAML document in the file (a '---' separator)",
    });
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const err = catchConfigError(() => parseYamlText(bomb, 'bomb.yaml'));
    expect(err.message).toBe(
      'bomb.yaml  too many alias expansions (*name references)\n  hint: aliases that expand to thousands of nodes are refused; repeat fewer of them',
    );
  });

  it('ignores a byte-order mark so columns match the editor', () => {
    const src = parseYamlText('\uFEFFa: 1\n', 'bom.yaml');
    expect(locate(src, ['a'])).toEqual({ line: 1, col: 4, endCol: 5 });
  });

  it('gives an empty file null data and no positions', () => {
    const src = parseYamlText('# nothing\n', 'e.yaml');
    expect(src.data).toBeNull();
    expect(locate(src, ['name'])).toBeNull();
    expect(issueAt(src, ['name'], 'MISSING_KEY', 'missing')).toEqual({
      code: 'MISSING_KEY',
      file: 'e.yaml',
      line: null,
      col: null,
      path: ['name'],
      message: 'missing',
    });
  });
});

describe('locate', () => {
  const src = parseYamlText(TEXT, 'c.yaml');

  it('spans a scalar value, quotes included', () => {
    expect(locate(src, ['data', 'symbol'])).toEqual({ line: 3, col: 11, endCol: 14 });
    expect(locate(src, ['name'])).toEqual({ line: 1, col: 7, endCol: 16 });
  });

  it('follows list indices, numeric or written as digits', () => {
    expect(locate(src, ['strategies', 0, 'params', 'fast_period'])).toEqual({ line: 7, col: 20, endCol: 22 });
    expect(locate(src, ['strategies', '0', 'type'])).toEqual({ line: 5, col: 11, endCol: 24 });
  });

  it('points at the key of a block mapping', () => {
    expect(locate(src, ['strategies', 0, 'params'])).toEqual({ line: 6, col: 5, endCol: 11 });
  });

  it('points at the key of an empty value', () => {
    expect(locate(src, ['strategies', 0, 'params', 'slow_period'])).toEqual({ line: 8, col: 7, endCol: 18 });
  });

  it('points at the start of a mapping that is a list item', () => {
    expect(locate(src, ['strategies', 0])).toEqual({ line: 5, col: 5 });
  });

  it('spans flow collections and their items', () => {
    expect(locate(src, ['symbols'])).toEqual({ line: 10, col: 10, endCol: 20 });
    expect(locate(src, ['symbols', 1])).toEqual({ line: 10, col: 16, endCol: 19 });
    expect(locate(src, ['strategies', 1, 'params', 'period'])).toEqual({ line: 9, col: 34, endCol: 36 });
  });

  it('points a missing key at its parent mapping key', () => {
    expect(locate(src, ['strategies', 0, 'params', 'rsi_period'])).toEqual({ line: 6, col: 5, endCol: 11 });
    expect(locate(src, ['data', 'path', 'deeper'])).toEqual({ line: 2, col: 1, endCol: 5 });
  });

  it('points a missing top-level key at the start of the document', () => {
    expect(locate(src, ['results'])).toEqual({ line: 1, col: 1 });
  });

  it('points at the key itself when asked (unknown keys)', () => {
    expect(locate(src, ['data', 'symbol'], { key: true })).toEqual({ line: 3, col: 3, endCol: 9 });
  });

  it('follows aliases and merge keys', () => {
    const m = parseYamlText(
      ['defaults: &d', '  period: 14', '  band: 2', 'rsi:', '  <<: *d', '  band: 3', 'copy: *d', ''].join('\n'),
      'm.yaml',
    );
    expect(m.data).toEqual({
      defaults: { period: 14, band: 2 },
      rsi: { period: 14, band: 3 },
      copy: { period: 14, band: 2 },
    });
    expect(locate(m, ['rsi', 'band'])).toEqual({ line: 6, col: 9, endCol: 10 });
    expect(locate(m, ['rsi', 'period'])).toEqual({ line: 2, col: 11, endCol: 13 });
    expect(locate(m, ['copy'])).toEqual({ line: 7, col: 7, endCol: 9 });
    expect(locate(m, ['copy', 'band'])).toEqual({ line: 3, col: 9, endCol: 10 });
  });

  it('stops a multi-line scalar span at the end of its first line', () => {
    const b = parseYamlText('note: |\n  one\n  two\n', 'b.yaml');
    expect(locate(b, ['note'])).toEqual({ line: 1, col: 7, endCol: 8 });
  });
});

describe('issueAt', () => {
  const src = parseYamlText(TEXT, 'c.yaml');

  it('fills position and source line', () => {
    expect(issueAt(src, ['strategies', 0, 'params', 'fast_period'], 'INVALID_VALUE', 'too fast', 'slow down')).toEqual({
      code: 'INVALID_VALUE',
      file: 'c.yaml',
      line: 7,
      col: 20,
      endCol: 22,
      path: ['strategies', 0, 'params', 'fast_period'],
      message: 'too fast',
      hint: 'slow down',
      sourceLine: '      fast_period: 10',
    });
  });

  it('points UNKNOWN_KEY issues at the key', () => {
    expect(issueAt(src, ['data', 'symbol'], 'UNKNOWN_KEY', "unknown key 'symbol'")).toMatchObject({
      line: 3,
      col: 3,
      endCol: 9,
    });
  });

  it('reads source lines, CRLF or not', () => {
    const crlf = parseYamlText('a: 1\r\nb: 2\r\n', 'w.yaml');
    expect(sourceLineAt(crlf, 2)).toBe('b: 2');
    expect(sourceLineAt(crlf, 9)).toBeUndefined();
    expect(locate(crlf, ['b'])).toEqual({ line: 2, col: 4, endCol: 5 });
  });
});

describe('loadYamlFile', () => {
  it('loads a file', async () => {
    const src = await loadYamlFile(fixture('bad-strategy.yaml'));
    expect((src.data as { name: string }).name).toBe('spy_sma');
    expect(src.file).toBe(fixture('bad-strategy.yaml'));
  });

  it('reports a missing file by the name given, with where it looked', async () => {
    const err = await catchConfigErrorAsync(() => loadYamlFile('no/such/config.yaml'));
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.message).toBe(
      `no/such/config.yaml  file not found\n  hint: looked for ${resolve('no/such/config.yaml')}`,
    );
  });

  it('reports a directory as unreadable', async () => {
    const err = await catchConfigErrorAsync(() => loadYamlFile(import.meta.dirname));
    expect(err.issues[0]).toMatchObject({ code: 'FILE_UNREADABLE', message: 'is a directory, not a file' });
  });
});
