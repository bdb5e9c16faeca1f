import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';

/** The bundled SPY 5-minute bars, absolute, so configs in temporary folders can name them. */
export const SPY_CSV = resolve('examples/data/SPY_5m.csv');

/**
 * The common part of the test configs: a short stretch of SPY (about 700 bars), one
 * SMA crossover with a small grid, fixed sizing, realistic costs.
 */
export function baseConfig(name = 'wf_test', end = '2024-04-05'): string {
  return `name: ${name}
data:
  symbol: SPY
  path: ${SPY_CSV}
  timeframe: 5m
  end: '${end}'
strategies:
  - type: sma_crossover
    params: { fast_period: [3, 5], slow_period: [20, 30] }
portfolio:
  initial_cash: 100000
  sizing: { type: fixed, quantity: 100 }
execution:
  fill: next_open
  slippage_bps: 2
  commission: { per_share: 0.01, minimum: 1 }
`;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'sluice-wf-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `text` to `dir/name` (folders created) and returns the path. */
export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A logger that keeps its JSON lines in `lines` (for notices). */
export function capturingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return {
    logger,
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
