import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logLevel } from '../../src/runtime/logger.ts';
import { sluice } from '../helpers/cli.ts';

describe('CLI log level', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  afterEach(() => {
    if (tty !== undefined) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });
  const terminal = (on: boolean) => Object.defineProperty(process.stderr, 'isTTY', { value: on, configurable: true });

  it('is warn in a terminal, info with -v, in JSON logs, or when asked', () => {
    terminal(true);
    expect(logLevel({ json: false })).toBe('warn');
    expect(logLevel({ json: false, verbose: true })).toBe('info');
    expect(logLevel({ json: true })).toBe('info');
    expect(logLevel({ json: false, level: 'debug' })).toBe('debug');
    terminal(false);
    expect(logLevel({ json: false })).toBe('info');
  });
});

describe('JSON logs', () => {
  it('carry ISO-8601 UTC times, not epoch milliseconds', async () => {
    const r = await sluice([
      'run',
      'examples/spy-sma-crossover.yaml',
      '--log-json',
      '--storage',
      'memory',
      '--set',
      'data.end=2024-04-30T00:00:00Z',
      '--out',
      mkdtempSync(join(tmpdir(), 'sluice-log-')),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const first = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{'))!) as { time: unknown };
    expect(first.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
