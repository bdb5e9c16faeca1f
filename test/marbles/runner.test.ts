import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Direction } from '../../src/events/index.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { sma_crossover } from '../../src/domain/strategies/sma-crossover.ts';
import { DecisionBuffer } from '../../src/domain/strategies/decision.ts';
import type { StrategyDefinition } from '../../src/domain/strategies/strategy.ts';
import { main } from '../../src/cli/main.ts';
import {
  findSpecFiles,
  formatMarbleDiff,
  loadMarbleSpec,
  MarbleMismatchError,
  marbleTest,
  parseMarbleSpec,
  runMarbleSpec,
} from '../../src/testing/index.ts';

const SMA_SPEC = fileURLToPath(new URL('../../marbles/strategies/sma-crossover.yaml', import.meta.url));

/**
 * sma_crossover with an off-by-one in its warm-up: it starts deciding after slow − 1
 * closes instead of slow, on a partial slow window, so its first signal comes one bar
 * early. Everything after the warm-up is the real crossover.
 */
const offByOne: StrategyDefinition = {
  ...(sma_crossover as unknown as StrategyDefinition),
  features: () => [],
  create: (params) => {
    const fast = params['fast_period'] as number;
    const slow = params['slow_period'] as number;
    const closes: number[] = [];
    const out = new DecisionBuffer();
    let direction: Direction = 0;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    return (_features, bar) => {
      closes.push(bar.close);
      if (closes.length < slow - 1) return null; // the bug: should be `< slow`
      const f = mean(closes.slice(-fast));
      const s = mean(closes.slice(-slow));
      if (f > s) direction = 1;
      else if (f < s) direction = -1;
      return out.set(direction, ((f - s) / s) * 100);
    };
  },
};

const mutated = { strategies: new Map([['sma_crossover', offByOne]]) };

describe('the marble runner', () => {
  it('passes the sma_crossover spec with the real strategy', async () => {
    const result = await runMarbleSpec(await loadMarbleSpec(SMA_SPEC));
    expect(result.pass).toBe(true);
  });

  it('fails the sma_crossover spec when the warm-up is off by one, with a frame-by-frame diff', async () => {
    const result = await runMarbleSpec(await loadMarbleSpec(SMA_SPEC, mutated));
    expect(result.pass).toBe(false);
    const signals = result.streams.find((s) => s.name === 'signals')!;
    expect(signals.diffs.map((d) => d.frame)).toEqual([2, 3]);

    const lines = formatMarbleDiff(result).split('\n');
    const expected = lines.findIndex((l) => l.trim().startsWith('expected  '));
    expect(lines.slice(expected, expected + 3)).toEqual([
      '    expected  ---L--S-L|',
      '    actual    --L---S-L|',
      //             the caret sits under frame 2, the first differing one
      '                ^ frame 2',
    ]);
    expect(lines).toContain('    frame 2: expected nothing, got SIGNAL {direction: 1, strength: 1, price: 11}');
    expect(lines).toContain('    frame 3: expected SIGNAL {direction: 1, strength: 1}, got nothing');
  });

  it('marbleTest rejects with the diff in the error message, and resolves for a spec that holds', async () => {
    await expect(marbleTest(SMA_SPEC)).resolves.toMatchObject({ pass: true });
    const err = await marbleTest(SMA_SPEC, mutated).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarbleMismatchError);
    expect((err as Error).message).toContain('--L---S-L|');
    expect((err as Error).message).toContain('frame 2: expected nothing, got SIGNAL');
  });

  it('runs a spec written as data from code', async () => {
    const spec = {
      description: 'EMA(2) from code',
      subject: { kind: 'indicator', name: 'ema', params: { period: 2 } },
      inputs: { bars: '-a-b-c|' },
      expect: { values: { marble: '---x-y|', values: { x: 11, y: 13 } } },
      values: { a: 10, b: 12, c: 14 },
    };
    await expect(marbleTest(spec)).resolves.toMatchObject({ pass: true });
    const wrong = { ...spec, expect: { values: { marble: '---x-y|', values: { x: 11, y: 13.5 } } } };
    await expect(marbleTest(wrong)).rejects.toThrow('frame 5: expected 13.5, got 13');
  });

  it('compares numbers within the tolerance', async () => {
    const text = (tolerance: number) => `
description: tolerance
subject: { kind: indicator, name: sma, params: { period: 3 } }
tolerance: ${tolerance}
inputs:
  bars:   "abc|"
expect:
  values: "--x|"
values: { a: 1, b: 1, c: 2, x: 1.3333 }
`;
    expect((await runMarbleSpec(parseMarbleSpec(text(1e-4)))).pass).toBe(true);
    expect((await runMarbleSpec(parseMarbleSpec(text(1e-9)))).pass).toBe(false);
  });

  it('fails a spec whose run fails unexpectedly, naming the container', async () => {
    const spec = parseMarbleSpec(`
description: an order from a later bar, and a spec that does not expect the error
subject: { kind: container, role: execution }
inputs:
  bars:   "a-b-|"
  orders: "x---|"
expect:
  fills:  "----"
values: { a: 100, b: 101, x: { side: buy, quantity: 1, price: 100, seq: 5 } }
`);
    const result = await runMarbleSpec(spec);
    expect(result.pass).toBe(false);
    expect(result.failure.actual).toMatchObject({ container: 'execution', frame: 2 });
    expect(formatMarbleDiff(result)).toContain("got an error in 'execution' at frame 2");
  });

  it('reports a mistake in a spec located at file:line:col, with a did-you-mean', () => {
    const text = [
      'description: typo in the strategy name',
      'subject:',
      '  kind: strategy',
      '  name: sma_crosover',
      'inputs: { bars: "a|" }',
      'expect: { signals: "-|" }',
      'values: { a: 1 }',
    ].join('\n');
    const err = (() => {
      try {
        parseMarbleSpec(text, 'marbles/bad.yaml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain("marbles/bad.yaml:4:9  subject.name: unknown strategy 'sma_crosover'");
    expect(message).toContain("hint: did you mean 'sma_crossover'?");
  });

  it('locates schema, parameter, stream and value mistakes', () => {
    const problems = (text: string): string => {
      try {
        parseMarbleSpec(text, 'spec.yaml');
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
        throw e;
      }
      throw new Error('no error');
    };
    const base = (subject: string, inputs: string, expect: string, values = 'values: { a: 1, L: 1 }') =>
      `description: d\nsubject: ${subject}\ninputs: ${inputs}\nexpect: ${expect}\n${values}\n`;
    const sma = '{ kind: strategy, name: sma_crossover, params: { fast_period: 2, slow_period: 3 } }';

    expect(
      problems(
        base(
          '{ kind: strategy, name: sma_crossover, params: { fast_period: -3 } }',
          '{ bars: "a|" }',
          '{ signals: "-|" }',
        ),
      ),
    ).toContain('spec.yaml:2:72  subject.params.fast_period: expected a positive integer, received -3');
    expect(problems(base(sma, '{ bars: "a|" }', '{ signal: "-|" }'))).toMatch(
      /spec\.yaml:4:\d+ {2}expect\.signal: a strategy subject has no output 'signal'[\s\S]*did you mean 'signals'\?/,
    );
    expect(problems(base(sma, '{ bars: "ab|" }', '{ signals: "-L|" }'))).toContain(
      "spec.yaml:3:19  inputs.bars: 'b' in the marble has no value",
    );
    expect(
      problems(base(sma, '{ bars: "a|" }', '{ signals: "L|" }', 'values: { a: 1, L: { directon: 1 } }')),
    ).toContain("spec.yaml:5:22  values.L.directon: unknown key 'directon'");
    expect(problems(base('{ kind: classifier }', '{ bars: "a|" }', '{ signals: "-|" }'))).toContain(
      "subject.kind: unknown subject kind 'classifier'",
    );
    expect(problems(base(sma, '{ bars: "a-(b|" }', '{ signals: "-|" }'))).toContain(
      "spec.yaml:3:20  inputs.bars: not a marble diagram: '(' is never closed",
    );
    expect(problems(base(sma, '{ bars: "a-!|" }', '{ signals: "-|" }'))).toContain(
      'inputs.bars: not a marble diagram: conventional marble diagrams cannot have the unsubscription marker',
    );
  });
});

describe('sluice marbles', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
  };

  it('prints ✓ per spec and exits 0 when all pass', async () => {
    const t = io();
    const code = await main(['node', 'sluice', 'marbles', 'marbles/strategies/*cross*.yaml'], t.io);
    expect(code).toBe(0);
    expect(t.out).toEqual([
      '✓ marbles/strategies/ema-crossover-trigger-cross.yaml',
      '✓ marbles/strategies/ema-crossover.yaml',
      '✓ marbles/strategies/macd-crossover-trigger-cross.yaml',
      '✓ marbles/strategies/macd-crossover.yaml',
      '✓ marbles/strategies/sma-crossover-trigger-cross.yaml',
      '✓ marbles/strategies/sma-crossover.yaml',
      '6 marble specs: 6 passed',
    ]);
  });

  it('prints ✗ with the diff, and a located error for an invalid spec; exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-marbles-'));
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'description: wrong\nsubject: { kind: indicator, name: sma, params: { period: 2 } }\ninputs: { bars: "ab|" }\nexpect: { values: "-y|" }\nvalues: { a: 1, b: 2, y: 2 }\n',
    );
    writeFileSync(
      join(dir, 'invalid.yaml'),
      'description: invalid\nsubject: { kind: indicator, name: smaa }\ninputs: { bars: "a|" }\nexpect: { values: "-|" }\nvalues: { a: 1 }\n',
    );
    const t = io();
    const code = await main(['node', 'sluice', 'marbles', dir], t.io);
    expect(code).toBe(1);
    const out = t.out.join('\n');
    expect(out).toContain(`✗ ${join(dir, 'wrong.yaml')}`);
    expect(out).toContain('frame 1: expected 2, got 1.5');
    expect(t.err.join('\n')).toContain(`${join(dir, 'invalid.yaml')}:2:35  subject.name: unknown indicator 'smaa'`);
    expect(out).toContain('2 marble specs: 0 passed, 1 failed, 1 invalid');
  });

  it('finds specs by folder, glob and file, and reports what matched nothing', () => {
    const all = findSpecFiles(['marbles/**/*.yaml']).files;
    expect(all).toContain('marbles/routes/feedback.yaml');
    expect(findSpecFiles(['marbles/routes']).files).toEqual(all.filter((f) => f.startsWith('marbles/routes/')));
    expect(findSpecFiles(['marbles/*/sma-*.yaml', 'marbles/routes/merge.yaml']).files).toEqual([
      'marbles/routes/merge.yaml',
      'marbles/strategies/sma-crossover-trigger-cross.yaml',
      'marbles/strategies/sma-crossover.yaml',
    ]);
    expect(findSpecFiles(['marbles/nothing/*.yaml']).unmatched).toEqual(['marbles/nothing/*.yaml']);
  });
});
