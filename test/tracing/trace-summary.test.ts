import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { TraceHeader } from '../../src/tracing/trace-record.ts';
import type { TraceSummary } from '../../src/tracing/trace-summary.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';

/** Runs `sluice run CONFIG` into a fresh folder; returns the workflow's results folder. */
async function runInto(args: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sluice-trace-summary-'));
  const code = await main(['node', 'sluice', 'run', CONFIG, '--out', out, ...args], {
    out: () => undefined,
    err: () => undefined,
  });
  expect(code).toBe(0);
  const [id] = readdirSync(out).filter((d) => !d.startsWith('.'));
  return join(out, id!);
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('the trace summary of a phase', () => {
  it('is in phase_summary.json and workflow.json, and agrees with the trace file', async () => {
    const dir = await runInto(['--trace', 'standard', '--set', 'execution.trace_settings.max_events=300']);
    const phase = readJson(join(dir, 'backtest', 'phase_summary.json'));
    const trace = phase['trace'] as TraceSummary;
    const header = JSON.parse(
      readFileSync(join(dir, 'backtest', 'trace', 'trace.ndjson'), 'utf8').split('\n')[0]!,
    ) as TraceHeader;

    expect(trace.level).toBe('standard');
    expect(trace.file).toBe('trace/trace.ndjson');
    expect({ recorded: trace.recorded, dropped: trace.dropped, written: trace.written }).toEqual(header.counts);
    expect(trace.written).toBe(300); // the window is full: the run made far more than 300 records
    expect(trace.dropped).toBe(trace.recorded - 300);

    // Per container and type, the parts add up to the totals.
    let recorded = 0;
    let dropped = 0;
    for (const types of Object.values(trace.containers)) {
      for (const c of Object.values(types)) {
        recorded += c.recorded;
        dropped += c.dropped;
        expect(c.dropped).toBeLessThanOrEqual(c.recorded);
      }
    }
    expect(recorded).toBe(trace.recorded);
    expect(dropped).toBe(trace.dropped);
    // Standard level: the book's snapshots (one per bar) and trades are the portfolio's,
    // signals the strategy's, fills execution's; no BAR or FEATURES at this level.
    const book = trace.containers['portfolio_sma_crossover']!;
    expect(book.PORTFOLIO!.recorded).toBe(20769);
    expect(book.TRADE!.recorded).toBeGreaterThan(0);
    expect(trace.containers['strategy_sma_crossover']!.SIGNAL!.recorded).toBeGreaterThan(0);
    expect(trace.containers['execution']!.FILL!.recorded).toBeGreaterThan(0);
    expect(trace.containers['data']).toBeUndefined();

    const wf = readJson(join(dir, 'workflow.json'));
    expect((wf['phases'] as Record<string, unknown>[])[0]!['trace']).toEqual(trace);
  }, 60_000);

  it('is absent (not empty) when tracing is off', async () => {
    const dir = await runInto([]);
    expect(readJson(join(dir, 'backtest', 'phase_summary.json'))).not.toHaveProperty('trace');
    expect((readJson(join(dir, 'workflow.json'))['phases'] as Record<string, unknown>[])[0]).not.toHaveProperty(
      'trace',
    );
  }, 60_000);
});
