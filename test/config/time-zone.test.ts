import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp } from '../../src/data/parse-timestamp.ts';
import { ROOT } from '../helpers/cli.ts';

const exec = promisify(execFile);

/** `sluice run` of the SPY example under the time zone `tz`; the bars it read. */
async function barsUnder(tz: string, sets: string[]): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'sluice-tz-'));
  const args = [
    'bin/sluice.js',
    'run',
    'examples/spy-sma-crossover.yaml',
    '--out',
    out,
    '--storage',
    'memory',
    ...sets.flatMap((s) => ['--set', s]),
  ];
  const { stdout } = await exec('node', args, {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, TZ: tz, NO_COLOR: '1' },
  });
  const m = /spy_sma_crossover: (\d+) bars/.exec(stdout);
  if (m === null) throw new Error(`no bar count in:\n${stdout}`);
  return Number(m[1]);
}

describe("zone-less times in a config are UTC, whatever the machine's time zone", () => {
  it('data.start and data.end select the same bars under TZ=UTC and TZ=America/New_York, the bars of the same times with Z', async () => {
    const [utc, newYork, endZoneless, explicit] = await Promise.all([
      barsUnder('UTC', ['data.start=2024-03-27T13:30:00', 'data.end=2024-04-26T13:30:00Z']),
      barsUnder('America/New_York', ['data.start=2024-03-27T13:30:00', 'data.end=2024-04-26T13:30:00Z']),
      barsUnder('America/New_York', ['data.start=2024-03-27T13:30:00Z', 'data.end=2024-04-26T13:30:00']),
      barsUnder('America/New_York', ['data.start=2024-03-27T13:30:00Z', 'data.end=2024-04-26T13:30:00Z']),
    ]);
    expect({ utc, newYork, endZoneless }).toEqual({ utc: explicit, newYork: explicit, endZoneless: explicit });
    expect(explicit).toBeGreaterThan(1000);
  }, 120_000);
});

describe('parseIsoTimestamp, the rule for times a user writes', () => {
  it.each([
    ['2024-03-27T13:30:00', Date.UTC(2024, 2, 27, 13, 30)],
    ['2024-03-27 13:30', Date.UTC(2024, 2, 27, 13, 30)],
    ['2024-03-27', Date.UTC(2024, 2, 27)],
    ['2024-03-27T09:30:00-04:00', Date.UTC(2024, 2, 27, 13, 30)],
    ['2024-03-27T13:30:00.250Z', Date.UTC(2024, 2, 27, 13, 30, 0, 250)],
  ])('%s', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each(['2024', '1711459800', 'March 27, 2024', '2024-03-27T13', '2024-02-30', ''])(
    'refuses %j (not an ISO 8601 date or date-time)',
    (text) => {
      expect(parseIsoTimestamp(text)).toBeNaN();
    },
  );
});
