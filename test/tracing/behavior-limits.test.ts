import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { isConfigError } from '../../src/config/config-error.ts';
import { BehaviorSchema } from '../../src/config/schema/topology.ts';
import { PhaseSummarySchema } from '../../src/results/schema/phase-summary.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { silent } from '../helpers/run.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// examples/spy-recorded.yaml runs patterns/topologies/backtest_recorded.yaml: its book
// recorded to Parquet, and `risk: trace minimal, throttle 1h`, `data: record { throttle 1d, max_events 1000 }`.
const EXAMPLE = 'examples/spy-recorded.yaml';
const SPAN = ["data.end='2024-06-01'"];

/** Independently: the timestamps a throttle keeps, the first at or after `span` past the last one kept. */
function throttled(ts: readonly number[], span: number): number[] {
  const kept: number[] = [];
  for (const t of ts) if (kept.length === 0 || t >= kept[kept.length - 1]! + span) kept.push(t);
  return kept;
}

const ndjson = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function run(sets: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'sluice-limits-'));
  const loaded = await loadWorkflow(EXAMPLE, { sets: [...SPAN, ...sets] });
  const r = await runWorkflow(loaded, {
    logger: silent,
    outDir: out,
    clock: new ManualClock(Date.parse('2026-01-02T03:04:05.000Z')),
  });
  expect(r.status).toBe('completed');
  return { r, phase: join(r.dir!, 'backtest_recorded') };
}

describe('behaviors that throttle and cap what is observed (SPY 5m)', () => {
  it('throttle keeps one traced event per type and container per span of bar time; record throttle and max_events thin and cap a recording, the cap counted', async () => {
    const { r, phase } = await run([]);
    const summary = PhaseSummarySchema.parse(JSON.parse(readFileSync(join(phase, 'phase_summary.json'), 'utf8')));

    // The bars the data container sent, read back from the book's unthrottled recording (one PORTFOLIO per bar).
    const { parquetReadObjects } = await import('hyparquet');
    const bytes = readFileSync(join(phase, 'records', 'portfolio_sma_crossover.parquet'));
    const book = (await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    })) as { type: string; ts: Date | number | bigint }[];
    const tsOf = (row: { ts: Date | number | bigint }) => (row.ts instanceof Date ? row.ts.getTime() : Number(row.ts));
    const barTs = book.filter((x) => x.type === 'PORTFOLIO').map(tsOf);
    expect(barTs.length).toBe(r.outcome!.bars);

    // record: { throttle: 1d, max_events: 1000 } on data: the first bar of each day of event time.
    const daily = throttled(barTs, DAY);
    const data = ndjson(join(phase, 'records', 'data.ndjson'));
    expect(data.every((x) => x['type'] === 'BAR')).toBe(true);
    expect(data.map((x) => Date.parse(String(x['ts'])))).toEqual(daily.slice(0, 1000));
    expect(daily.length).toBeGreaterThan(40);
    expect(summary.records).toEqual({
      data: { file: 'records/data.ndjson', written: daily.length, dropped: 0 },
      portfolio_sma_crossover: { file: 'records/portfolio_sma_crossover.parquet', written: book.length, dropped: 0 },
    });

    // trace: minimal, throttle: 1h on risk: the orders delivered to it, at most one an hour.
    const orders = book.filter((x) => x.type === 'ORDER').map(tsOf);
    const trace = ndjson(join(phase, 'trace', 'trace.ndjson')).slice(1);
    const toRisk = trace
      .filter((x) => x['type'] === 'ORDER' && x['target'] === 'risk')
      .map((x) => Date.parse(String(x['ts'])));
    expect(toRisk).toEqual(throttled(orders, HOUR));
    expect(toRisk.length).toBeLessThan(orders.length);
    expect(summary.trace!.containers['portfolio_sma_crossover']!['ORDER']).toEqual({
      recorded: toRisk.length,
      dropped: 0,
    });
  }, 120_000);

  it('max_events caps a recording at its first N records and counts the rest as dropped; observing changes no result', async () => {
    const cfg = mkdtempSync(join(tmpdir(), 'sluice-limits-cfg-'));
    mkdirSync(join(cfg, 'patterns', 'topologies'), { recursive: true });
    const pattern = readFileSync('examples/patterns/topologies/backtest_recorded.yaml', 'utf8')
      .replace('name: backtest_recorded', 'name: capped')
      .replace(
        '{ match: data, record: { throttle: 1d, max_events: 1000 } }',
        '{ match: data, record: { throttle: 1d, max_events: 10 } }',
      );
    writeFileSync(join(cfg, 'patterns', 'topologies', 'capped.yaml'), pattern);
    const config = readFileSync(EXAMPLE, 'utf8')
      .replace('topology: backtest_recorded', 'topology: capped')
      .replace('path: data/SPY_5m.csv', `path: ${join(process.cwd(), 'examples/data/SPY_5m.csv')}`);
    writeFileSync(join(cfg, 'config.yaml'), config);
    const loaded = await loadWorkflow(join(cfg, 'config.yaml'), { sets: SPAN });
    const r = await runWorkflow(loaded, { logger: silent, outDir: join(cfg, 'results') });
    const phase = join(r.dir!, 'capped');
    const summary = PhaseSummarySchema.parse(JSON.parse(readFileSync(join(phase, 'phase_summary.json'), 'utf8')));
    const full = await run([]);
    const fullSummary = PhaseSummarySchema.parse(
      JSON.parse(readFileSync(join(full.phase, 'phase_summary.json'), 'utf8')),
    );
    const days = fullSummary.records!['data']!.written;
    expect(summary.records!['data']).toEqual({ file: 'records/data.ndjson', written: 10, dropped: days - 10 });
    expect(ndjson(join(phase, 'records', 'data.ndjson')).map((x) => x['ts'])).toEqual(
      ndjson(join(full.phase, 'records', 'data.ndjson'))
        .slice(0, 10)
        .map((x) => x['ts']),
    );
    // Behaviors observe: the same trades and metrics as the plain backtest topology.
    const plain = await runWorkflow(await loadWorkflow(EXAMPLE, { sets: [...SPAN, 'topology=backtest'] }), {
      logger: silent,
      inMemory: true,
    });
    expect(r.result.metrics).toEqual(plain.result.metrics);
    expect(full.r.result.metrics).toEqual(plain.result.metrics);
  }, 120_000);

  it('refuses a throttle that is not a span of time and a cap that is not a positive count, located at the key', async () => {
    expect(() => BehaviorSchema.parse({ match: 'risk', throttle: '1 hour' })).toThrow(
      /expected a span of event time like '30m', '1h' or '1d'/,
    );
    expect(() => BehaviorSchema.parse({ match: 'data', record: { max_events: 0 } })).toThrow();
    expect(BehaviorSchema.parse({ match: 'risk', max_events: 500 })).toEqual({ match: 'risk', max_events: 500 });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-limits-bad-'));
    writeFileSync(
      join(dir, 'config.yaml'),
      `name: bad
data: { symbol: SPY, path: ${join(process.cwd(), 'examples/data/SPY_5m.csv')}, timeframe: 5m }
strategies: [{ type: sma_crossover, params: { fast_period: 10, slow_period: 30 } }]
topology:
  name: inline_limits
  containers: [{ id: data, role: data }, { id: features, role: features }, { id: strategy, role: strategy, foreach: strategies }, { id: portfolio, role: portfolio, foreach: strategies }, { id: risk, role: risk }, { id: execution, role: execution }]
  routes:
    - { kind: broadcast, from: data, to: [portfolio, execution, features], events: [BAR] }
    - { kind: broadcast, from: features, to: strategy, events: [FEATURES] }
    - { kind: selective, from: strategy, to: portfolio, events: [SIGNAL] }
    - { kind: merge, from: portfolio, to: risk, events: [ORDER, CANCEL] }
    - { kind: pipeline, from: risk, to: execution, events: [ORDER, CANCEL] }
    - { kind: feedback, by_key: true, from: execution, to: portfolio, events: [FILL, REJECT] }
    - { kind: feedback, by_key: true, from: risk, to: portfolio, events: [REJECT] }
  behaviors:
    - { match: risk, trace: minimal, throttle: 90 minutes }
`,
    );
    const err = await loadWorkflow(join(dir, 'config.yaml')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConfigError(err)).toBe(true);
    expect((err as Error).message).toMatch(
      /config\.yaml:16:48 +topology\.behaviors\[0\]\.throttle: must match .*, received '90 minutes'/,
    );
  });
});
