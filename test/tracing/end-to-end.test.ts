import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { compileGraph } from '../../src/topology/compile.ts';
import { openBarSource } from '../../src/data/open-source.ts';
import { runPhase, type PhaseOutcome } from '../../src/sequencer/run-phase.ts';
import { PhaseTrace } from '../../src/tracing/phase-trace.ts';
import { MemoryTraceSink } from '../../src/tracing/sinks.ts';
import type { TraceHeader, TraceRecord } from '../../src/tracing/trace-record.ts';
import { main } from '../../src/cli/main.ts';
import { silent } from '../helpers/run.ts';

const CONFIG = 'test/fixtures/configs/spy-small.yaml';
const level = (l: string) => `execution.trace_settings.level=${l}`;

async function run(sets: string[], opts: { phaseDir?: string; sink?: MemoryTraceSink } = {}): Promise<PhaseOutcome> {
  const loaded = await loadWorkflow(CONFIG, { sets });
  const s = loaded.wf.sources[0]!;
  const source = openBarSource({ path: s.path, symbol: s.symbol }, loaded.wf.baseDir);
  return runPhase({
    ...loaded,
    source,
    phaseDir: opts.phaseDir ?? null,
    logger: silent,
    ...(opts.sink !== undefined ? { traceSink: opts.sink } : {}),
  });
}

/** Runs `sluice …` in process and captures what it prints. */
async function sluice(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'sluice', ...args], {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
  });
  return { code, out, err };
}

const readNdjson = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('tracing off', () => {
  it('with level none everywhere no route gets a tap and no trace is written', async () => {
    const loaded = await loadWorkflow(CONFIG, {
      sets: [level('none'), 'execution.trace_settings.container_settings.portfolio_x.max_events=5'],
    });
    const graph = compileGraph(loaded.plan, loaded.wf);
    expect(
      PhaseTrace.open({
        wf: loaded.wf,
        routes: graph.routes,
        features: graph.hub.keys(),
        phaseDir: null,
        sink: new MemoryTraceSink(),
      }),
    ).toBeUndefined();
    expect(graph.routes.length).toBeGreaterThan(0);
    expect(graph.routes.every((r) => r.tap === undefined)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'sluice-trace-none-'));
    const out = await run([level('none')], { phaseDir: dir });
    expect(out.status).toBe('completed');
    expect(out.files).not.toContain('trace/trace.ndjson');
    expect(existsSync(join(dir, 'trace'))).toBe(false);
  });

  it('a container override alone turns tracing on, for that container only (as target, else as sender)', async () => {
    const loaded = await loadWorkflow(CONFIG, {
      sets: [level('none'), 'execution.trace_settings.container_settings.execution.level=minimal'],
    });
    const graph = compileGraph(loaded.plan, loaded.wf);
    expect(
      PhaseTrace.open({
        wf: loaded.wf,
        routes: graph.routes,
        features: graph.hub.keys(),
        phaseDir: null,
        sink: new MemoryTraceSink(),
      }),
    ).toBeDefined();
    // approved: ORDERs delivered to execution; fills: FILLs execution sends (their targets have no entry).
    expect(graph.routes.filter((r) => r.tap !== undefined).map((r) => r.name)).toEqual(['approved', 'fills']);
  });

  it('a run that writes nothing and has no sink is not traced at all', async () => {
    const loaded = await loadWorkflow(CONFIG, { sets: [level('debug')] });
    const graph = compileGraph(loaded.plan, loaded.wf);
    expect(
      PhaseTrace.open({ wf: loaded.wf, routes: graph.routes, features: graph.hub.keys(), phaseDir: null }),
    ).toBeUndefined();
    expect(graph.routes.every((r) => r.tap === undefined)).toBe(true);
    expect(
      PhaseTrace.open({ wf: loaded.wf, routes: graph.routes, features: graph.hub.keys(), phaseDir: '/tmp/x' }),
    ).toBeDefined();
    // Every route that has a producer; one without (regimes, when there are no
    // classifiers) carries nothing to trace.
    expect(graph.routes.filter((r) => r.from.length > 0).every((r) => r.tap !== undefined)).toBe(true);
  });
});

describe('tracing a real run (SPY 5m, SMA 5/20)', () => {
  const sink = new MemoryTraceSink();
  let untraced: PhaseOutcome;
  let traced: PhaseOutcome;
  beforeAll(async () => {
    untraced = await run([level('none')]);
    traced = await run([level('standard'), 'execution.trace_settings.max_events=300'], { sink });
  });

  it('observes without changing any result', () => {
    expect(traced.books[0]!.metrics).toEqual(untraced.books[0]!.metrics);
  });

  it('keeps at most max_events records, the newest, in trace_seq order, of the standard types only', () => {
    const records = sink.records;
    expect(records).toHaveLength(300);
    const seqs = records.map((r) => r.trace_seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[seqs.length - 1]).toBe(sink.header!.counts.recorded);
    expect(sink.header!.counts).toEqual({
      recorded: sink.header!.counts.recorded,
      dropped: sink.header!.counts.recorded - 300,
      written: 300,
    });
    expect(new Set(records.map((r) => r.type))).toEqual(new Set(['SIGNAL', 'ORDER', 'FILL', 'PORTFOLIO', 'TRADE']));
  });

  it("trade_complete keeps no closed trade's orders and fills, but their TRADE summaries", async () => {
    const tc = new MemoryTraceSink();
    await run([level('standard'), 'execution.trace_settings.retention=trade_complete'], { sink: tc });
    const types = new Set(tc.records.map((r) => r.type));
    // Every position is closed at the end of the data, so every trade closed.
    expect(types.has('ORDER')).toBe(false);
    expect(types.has('FILL')).toBe(false);
    expect(tc.records.filter((r) => r.type === 'TRADE')).toHaveLength(traced.books[0]!.metrics.trade_count);
  });

  it("trade_complete keeps exactly the open trade's events when a position is left open", async () => {
    const tc = new MemoryTraceSink();
    const out = await run(
      [level('minimal'), 'execution.trace_settings.retention=trade_complete', 'portfolio.close_at_end=false'],
      { sink: tc },
    );
    const open =
      (out.containers.get('portfolio_sma_crossover')!['open_positions'] as Record<string, number>)['SPY'] ?? 0;
    const fills = tc.records.filter((r) => r.type === 'FILL');
    if (open === 0) expect(fills).toEqual([]);
    else {
      expect(fills).toHaveLength(1);
      expect(fills[0]!.data['quantity']).toBe(Math.abs(open));
      expect(tc.records.every((r) => r.data['order_id'] === fills[0]!.data['order_id'])).toBe(true);
    }
  });
});

describe('sluice run --trace, then sluice trace', () => {
  let root: string;
  let dir: string;
  let trace: string;
  let header: TraceHeader;
  let records: TraceRecord[];
  let trades: Record<string, unknown>[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-trace-'));
    const r = await sluice(['run', CONFIG, '--trace', 'detailed', '--out', root]);
    expect(r.code, r.err).toBe(0);
    dir = join(root, readdirSync(root)[0]!);
    trace = join(dir, 'backtest', 'trace', 'trace.ndjson');
    const lines = readNdjson(trace);
    header = lines[0] as unknown as TraceHeader;
    records = lines.slice(1) as unknown as TraceRecord[];
    trades = readNdjson(join(dir, 'backtest', 'trades.ndjson'));
  });

  it('writes the trace under <phase>/trace/, lists it, and shows the settings in the resolved config', () => {
    expect(header).toMatchObject({
      type: 'TRACE_HEADER',
      trace_id: dir.split('/').pop(),
      phase: 'backtest',
      level: 'detailed',
    });
    expect(header.features).toEqual(['sma(period=5;close)', 'sma(period=20;close)']);
    const summary = JSON.parse(readFileSync(join(dir, 'backtest', 'phase_summary.json'), 'utf8')) as {
      files: string[];
    };
    expect(summary.files).toContain('trace/trace.ndjson');
    const wf = JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8')) as {
      config: { execution: { trace_settings: Record<string, unknown> } };
    };
    expect(wf.config.execution.trace_settings).toEqual({
      level: 'detailed',
      trace_id: null,
      trace_dir: null,
      max_events: 100_000,
      retention: 'sliding_window',
      sample_every: 1,
      container_settings: {},
    });
    expect(records.every((r) => ['FEATURES', 'SIGNAL', 'ORDER', 'FILL', 'PORTFOLIO', 'TRADE'].includes(r.type))).toBe(
      true,
    );
  });

  it('--order explains a real order: bar → features → signal → order → risk → fill, from the trace', async () => {
    // The order that opened the first trade: its fill is a buy at the trade's entry price.
    const first = trades[0]!;
    const entryFill = records.find(
      (r) => r.type === 'FILL' && r.data['side'] === 'buy' && r.data['price'] === first['entry_price'],
    )!;
    const orderId = entryFill.data['order_id'] as number;
    const signal = records.find((r) => r.id === `signal:${entryFill.data['signal_id'] as number}`)!;
    const r = await sluice(['trace', dir, '--order', String(orderId)]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'order',
      'bar',
      'features',
      'signal',
      'order',
      'risk',
      'fill',
    ]);
    expect(lines[0]).toContain(`order ${orderId} · book sma_crossover · SPY`);
    expect(lines[1]).toContain(`#${signal.seq}`);
    expect(lines[1]).toContain(`close ${signal.data['price'] as number}`);
    expect(lines[2]).toMatch(/sma\(period=5;close\) = [\d.]+, sma\(period=20;close\) = [\d.]+/);
    expect(lines[3]).toContain('→ long');
    expect(lines[4]).toContain(`#${orderId}  buy 100 SPY`);
    expect(lines[5]).toContain('approved (risk → execution)');
    expect(lines[6]).toContain(`buy 100 @ ${first['entry_price'] as number} on bar #${signal.seq! + 1}`);
  });

  it("--fill takes a trade's bar_seq and ends the chain with the trade it closed", async () => {
    const first = trades[0]!;
    const r = await sluice(['trace', dir, '--fill', String(first['bar_seq'])]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`sell 100 @ ${first['exit_price'] as number} on bar #${first['bar_seq'] as number}`);
    expect(r.out).toMatch(/trade\s+#1 closed: long 100/);
    expect(r.out).toContain('→ short');
  });

  it('names what is missing and fails plainly for an order not in the trace', async () => {
    const minimal = await sluice(['trace', trace, '--order', '999999']);
    expect(minimal.code).toBe(1);
    expect(minimal.err).toContain('order 999999 is not in the trace');
    const bad = await sluice(['trace', join(root, 'nowhere'), '--order', '1']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('no such file or folder');
  });

  it('shows a risk resize as the decision, with the quantity that was filled', async () => {
    const phaseDir = mkdtempSync(join(tmpdir(), 'sluice-trace-risk-'));
    const out = await run([level('debug'), 'risk.max_position=50'], { phaseDir });
    expect(out.files).toContain('trace/trace.ndjson');
    const r = await sluice(['trace', phaseDir, '--order', '1']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/risk\s+resized to 50: .*max_position 50/);
    expect(r.out).toMatch(/order\s+#1 {2}buy 100 SPY/);
    expect(r.out).toMatch(/fill\s+buy 50 @/);
  });

  it('at level minimal the chain says which steps the level does not record', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-trace-min-'));
    expect((await sluice(['run', CONFIG, '--trace', 'minimal', '--out', out])).code).toBe(0);
    const r = await sluice(['trace', join(out, readdirSync(out)[0]!), '--order', '1']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('bar       — not recorded at level minimal (BAR needs debug)');
    expect(r.out).toContain('signal    — not recorded at level minimal (SIGNAL needs standard)');
    expect(r.out).toMatch(/fill\s+buy 100 @/);
  });
});
