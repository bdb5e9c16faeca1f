/**
 * What a new user meets first with the bundled examples (issue #17, item 3): every
 * example validates, including the live ones whose bars come from a provider (the Binance
 * example ships without its data file, which only `--warmup data` reads); `sluice live`
 * loads that example without the file; `sluice run` on it says how to run it; and
 * `npx tsx src/cli/main.ts …`, the command of a clone without `npm link`, runs the CLI
 * instead of exiting 0 having done nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, sluice } from '../helpers/cli.ts';
import { loadLiveWorkflow } from '../../src/live/load-live.ts';

const BINANCE = 'examples/spy-live-binance.yaml';

describe('the examples, run the first time', () => {
  it('every example validates (exit 0, OK)', async () => {
    const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThan(10);
    const results = await Promise.all(examples.map((f) => sluice(['validate', `examples/${f}`])));
    results.forEach((r, i) => {
      expect(r.code, `${examples[i]!}: ${r.stderr}`).toBe(0);
      expect(r.stdout, examples[i]).toMatch(/: OK — /);
    });
    expect(results[examples.indexOf('spy-live-binance.yaml')]!.stdout).toContain(
      'BTCUSDT_5m.csv is not there; `sluice live` takes its bars from the binance feed without it',
    );
  }, 180_000);

  it('sluice live loads the Binance example without its data file; sluice run on it names the way to run it', async () => {
    const loaded = await loadLiveWorkflow(BINANCE);
    expect(loaded.wf.sources.map((s) => s.symbol)).toEqual(['BTCUSDT']);
    const run = await sluice(['run', BINANCE, '--out', mkdtempSync(join(tmpdir(), 'sluice-first-run-'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('spy-live-binance.yaml:17:9  data.path: data file not found');
    expect(run.stderr).toContain("this config's bars come from the binance feed: run it with `sluice live`");
  }, 60_000);

  it('npx tsx src/cli/main.ts validate runs the CLI', async () => {
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['src/cli/main.ts', 'validate', 'examples/daily-rotation.yaml'],
      { cwd: ROOT },
    );
    expect(stdout).toContain('examples/daily-rotation.yaml: OK — topology backtest, 1 strategy');
    const failed = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['src/cli/main.ts', 'validate', 'examples/no-such.yaml'],
      { cwd: ROOT },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('examples/no-such.yaml');
  }, 60_000);
});
