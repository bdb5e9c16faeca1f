import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSignalStore } from '../../src/signals/read-store.ts';
import { sluice, type CliResult } from '../helpers/cli.ts';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const onlyDir = (root: string) => {
  const dirs = readdirSync(root);
  expect(dirs).toHaveLength(1);
  return join(root, dirs[0]!);
};

interface TradeRow {
  pnl: number;
  quantity: number;
  entry_time: string;
  exit_time: string;
  bars_held: number;
}

describe('sluice run on the bundled SPY example', () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-it-'));
  const again = mkdtempSync(join(tmpdir(), 'sluice-it-'));
  let first: CliResult;
  let dir: string;

  beforeAll(async () => {
    [first] = await Promise.all([
      sluice(['run', 'examples/spy-sma-crossover.yaml', '--out', out]),
      sluice(['run', 'examples/spy-sma-crossover.yaml', '--out', again]),
    ]);
    dir = onlyDir(out);
  });

  it('exits 0 and prints the summary table', () => {
    expect(first.code, first.stderr).toBe(0);
    for (const label of [
      'Trades',
      'Total return',
      'CAGR',
      'Sharpe',
      'Sortino',
      'Max drawdown',
      'Win rate',
      'Profit factor',
      'Exposure',
    ]) {
      expect(first.stdout).toContain(label);
    }
    expect(first.stdout).toContain('20769 bars');
    expect(first.stdout).toContain(`results: ${dir}`);
  });

  it('writes the results directory as DESIGN.md lays it out', () => {
    expect(readdirSync(out)[0]).toMatch(/^\d{8}T\d{9}Z-spy_sma_crossover-[0-9a-f]{4}$/);
    const workflow = readJson(join(dir, 'workflow.json'));
    expect(workflow['status']).toBe('completed');
    expect(workflow['phases']).toEqual([{ name: 'backtest', topology: 'backtest', status: 'completed' }]);
    const phase = join(dir, 'backtest');
    for (const f of ['phase_summary.json', 'aggregate_results.json', 'trades.ndjson'])
      expect(existsSync(join(phase, f)), f).toBe(true);
    expect(readdirSync(join(phase, 'containers')).sort()).toEqual([
      'data_results.json',
      'execution_results.json',
      'features_results.json',
      'portfolio_sma_crossover_results.json',
      'risk_results.json',
      'strategy_sma_crossover_results.json',
    ]);
    // No temporary files left behind by the atomic writes.
    const all = readdirSync(dir, { recursive: true }).map(String);
    expect(all.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('phase_summary.json numbers equal those recomputed from trades.ndjson', () => {
    const phase = join(dir, 'backtest');
    const summary = readJson(join(phase, 'phase_summary.json'));
    expect(summary['status']).toBe('completed');
    const m = (summary['best'] as { metrics: Record<string, number | null> }).metrics;
    const trades = readFileSync(join(phase, 'trades.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TradeRow);
    const wins = trades.filter((t) => t.pnl > 0);
    const losses = trades.filter((t) => t.pnl < 0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const grossProfit = sum(wins.map((t) => t.pnl));
    const grossLoss = -sum(losses.map((t) => t.pnl));
    const net = sum(trades.map((t) => t.pnl));
    expect(m['trade_count']).toBe(trades.length);
    expect(m['win_rate']).toBeCloseTo(wins.length / trades.length, 12);
    expect(m['gross_profit']).toBeCloseTo(grossProfit, 6);
    expect(m['gross_loss']).toBeCloseTo(grossLoss, 6);
    expect(m['profit_factor']).toBeCloseTo(grossProfit / grossLoss, 10);
    expect(m['net_profit']).toBeCloseTo(net, 6);
    expect(m['average_trade']).toBeCloseTo(net / trades.length, 8);
    // Flat at the end (close_at_end), so the equity change is exactly the sum of trade P&L.
    expect(m['final_equity']).toBeCloseTo(100_000 + net, 6);
    expect(m['total_return']).toBeCloseTo(net / 100_000, 10);
    // Exposure: fraction of bars holding a position, from the trades' entry/exit bars.
    const held = sum(trades.map((t) => t.bars_held));
    expect(m['exposure']).toBeGreaterThan(0);
    expect(Math.abs((m['exposure'] as number) * 20769 - held)).toBeLessThanOrEqual(trades.length + 1);
  });

  it('gives byte-identical phase files on a second run', () => {
    const a = join(dir, 'backtest');
    const b = join(onlyDir(again), 'backtest');
    const files = readdirSync(a, { recursive: true })
      .map(String)
      .filter((f) => f.includes('.'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expect(readFileSync(join(b, f), 'utf8'), f).toBe(readFileSync(join(a, f), 'utf8'));
  });
});

describe('sluice run with the signal_generation topology', () => {
  it('writes one sparse row per signal change, as many as the backtest acted on', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-sig-'));
    const res = await sluice([
      'run',
      'examples/spy-sma-crossover.yaml',
      '--set',
      'topology=signal_generation',
      '--out',
      out,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('signals: 788 signal changes computed');
    expect(res.stdout).toContain('signal store: 788 signal rows, 0 regime rows in ');
    const rows = (await readSignalStore(join(onlyDir(out), 'signal_generation', 'signals'))).signals;
    // The backtest of the same config sent 788 orders: one per signal change.
    expect(rows).toHaveLength(788);
    // The first signal is on bar 29, the first bar where SMA(30) exists.
    expect(rows[0]).toMatchObject({ seq: 29, direction: 1, strategy_id: 'sma_crossover' });
    // Sparse: consecutive rows always change direction.
    rows.slice(1).forEach((r, i) => expect(r.direction).not.toBe(rows[i]!.direction));
  });
});

describe('sluice run when the data breaks mid-run', () => {
  it('saves partial results marked failed, names file and row, exits 1 by itself', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sluice-bad-'));
    const lines = readFileSync('examples/data/SPY_5m.csv', 'utf8').trim().split('\n');
    lines[12001] = lines[12001]!.replace(/,([0-9.]+),(\d+)$/, ',abc,$2'); // close of row 12002 (header is row 1)
    writeFileSync(join(work, 'bars.csv'), `${lines.join('\n')}\n`);
    copyFileSync('examples/spy-sma-crossover.yaml', join(work, 'config.yaml'));
    const config = readFileSync(join(work, 'config.yaml'), 'utf8').replace('data/SPY_5m.csv', 'bars.csv');
    writeFileSync(join(work, 'config.yaml'), config);

    const res = await sluice(['run', join(work, 'config.yaml'), '--out', join(work, 'results')], 30_000);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('bars.csv:12002');
    expect(res.stderr).toContain("cannot parse 'abc'");
    expect(res.stderr).not.toMatch(/^\s+at /m);
    const dir = onlyDir(join(work, 'results'));
    // The error and where the partial results are, not a summary table of them.
    expect(res.stdout).not.toContain('Final equity');
    expect(res.stderr).toContain(`partial results: ${dir} (marked "status": "failed")`);
    expect(readJson(join(dir, 'workflow.json'))['status']).toBe('failed');
    const summary = readJson(join(dir, 'backtest', 'phase_summary.json'));
    expect(summary['status']).toBe('failed');
    expect((summary['error'] as { message: string }).message).toContain('bars.csv:12002');
    // Every bar before the bad row was processed (rows 2 to 12001), not only the full
    // chunks before it, and their trades kept.
    const data = summary['data'] as { bars: number; last: string };
    expect(data.bars).toBe(12000);
    expect(data.last).toBe(new Date(`${lines[12000]!.split(',')[0]!}`).toISOString());
    expect(
      readFileSync(join(dir, 'backtest', 'trades.ndjson'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeGreaterThan(50);
  });
});

describe('sluice run interrupted with Ctrl-C', () => {
  it('stops, saves results marked cancelled, exits 130 by itself', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-int-'));
    // A few hundred combinations: long enough to interrupt mid-run.
    const child = spawn(
      'node',
      [
        'bin/sluice.js',
        'run',
        'examples/spy-sma-crossover.yaml',
        '--log-json',
        '--out',
        out,
        '--set',
        'strategies[0].params.fast_period=range(2, 40, 2)',
        '--set',
        'strategies[0].params.slow_period=range(40, 240, 10)',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('"run started"') && !child.killed) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sluice did not exit after SIGINT')), 60_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted');
    const dir = onlyDir(out);
    expect(readJson(join(dir, 'workflow.json'))['status']).toBe('cancelled');
    const summary = readJson(join(dir, 'backtest', 'phase_summary.json'));
    expect(summary['status']).toBe('cancelled');
    expect((summary['data'] as { bars: number }).bars).toBeLessThan(20769);
  });
});

describe('sluice explain, validate and list', () => {
  it('explain prints containers with foreach instances, routes, and Mermaid', async () => {
    const res = await sluice([
      'explain',
      'examples/spy-sma-crossover.yaml',
      '--set',
      'strategies[0].params.fast_period=[5,10]',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('strategy     strategy  foreach strategies → 2 instance(s)');
    expect(res.stdout).toContain('strategy_sma_crossover_5_30');
    expect(res.stdout).toMatch(/fills\s+feedback by key\s+\[FILL, REJECT\]/);
    expect(res.stdout).toContain('flowchart LR');
    expect(res.stdout).toContain('execution -.->|feedback: FILL,REJECT| portfolio');
  });

  it('validate says OK without running', async () => {
    const res = await sluice(['validate', 'examples/spy-sma-crossover.yaml']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('OK');
    expect(res.stderr).toBe('');
  });

  it('validate says that fill: close is optimistic', async () => {
    const res = await sluice(['validate', 'examples/spy-sma-crossover.yaml', '--set', 'execution.fill=close']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('OK');
    expect(res.stderr).toMatch(
      /^warning: execution\.fill: close fills each market order at the close of the very bar whose close produced its signal, .*results are optimistic \(on examples\/spy-sma-crossover\.yaml, \+1\.8 points of total return against fill: next_open\)/,
    );
  });

  it('run logs fill: close and the annualization the data disagrees with, and records both in phase_summary.json', async () => {
    const out2 = mkdtempSync(join(tmpdir(), 'sluice-it-'));
    const res = await sluice([
      'run',
      'examples/spy-sma-crossover.yaml',
      '--set',
      'execution.fill=close',
      '--out',
      out2,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('execution.fill: close fills each market order');
    expect(res.stderr).toContain('annualization: timeframe 5m on us_equity assumes 78 bars a session');
    const summary = readJson(join(onlyDir(out2), 'backtest', 'phase_summary.json'));
    const warnings = summary['warnings'] as string[];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^execution\.fill: close .* optimistic/);
    expect(warnings[1]).toMatch(/^annualization: .* SPY has 80\.94 .* 1\.87 % lower/);
    expect((summary['data'] as Record<string, unknown>)['annualization']).toMatchObject({
      bars: 20558,
      sessions: 254,
      assumed_bars_per_year: 19656,
      used: 'timeframe',
    });
  });

  it('list shows topologies, strategies with parameters and defaults, indicators', async () => {
    const res = await sluice(['list']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/backtest\s+built-in/);
    expect(res.stdout).toMatch(/signal_generation\s+built-in/);
    expect(res.stdout).toMatch(/sma_crossover\s+fast_period=10, slow_period=30/);
    expect(res.stdout).toMatch(/rsi\s+period=14/);
    // Enum params show their default option; an optional param without one is bracketed.
    expect(res.stdout).toMatch(/atr\s+period=14, first_bar="skip"/);
    expect(res.stdout).toMatch(/adxr\s+period=14, \[lag\]/);
  });
});
