/**
 * A rotation run live (`sluice live`), its bars fed by `sluice replay` of the three daily
 * files (merged by timestamp, then symbol): it sends the backtest's 467 target signals
 * (each with its weight), writes a live signal store, and that store, replayed (with
 * --force, as every live store), gives the backtest's trades byte for byte. A feed that
 * sends a symbol's bar after a later timestamp's bar of another is warned about: that
 * timestamp decides nothing (docs/portfolios.md, "Live").
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice, spawnSluice } from '../helpers/cli.ts';

const EXAMPLE = 'examples/daily-rotation.yaml';
const FILES = ['NVDA', 'ORCL', 'YHOO'].map((s) => `examples/data/${s}_1d.csv`);
const started: ChildProcess[] = [];

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const onlyDir = (root: string): string => join(root, readdirSync(root)[0]!);
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('rotation live', () => {
  it('sends every target with its weight, and its live store replays to the backtest byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-live-rotation-'));
    const store = join(dir, 'store');
    const out = join(dir, 'signals.ndjson');
    const replay = spawnSluice(
      ['replay', ...FILES, '--symbol', 'NVDA', '--symbol', 'ORCL', '--symbol', 'YHOO'],
      started,
    );
    const live = spawnSluice(['live', EXAMPLE, '--feed', 'stdin', '--store', store, '--file', out], started, 'pipe');
    replay.child.stdout!.pipe(live.child.stdin!);
    const [r, l] = await Promise.all([replay.exit, live.exit]);
    expect(r.code, replay.stderr).toBe(0);
    expect(l.code, live.stderr).toBe(0);
    const sent = lines(readFileSync(out, 'utf8')).filter((m) => m['type'] === 'signal');
    expect(sent).toHaveLength(467);
    for (const m of sent) expect(m['weight']).toBe(m['direction'] === 1 ? 0.475 : 0);

    const backtestOut = mkdtempSync(join(tmpdir(), 'sluice-live-rotation-bt-'));
    const replayOut = mkdtempSync(join(tmpdir(), 'sluice-live-rotation-rp-'));
    const [backtest, replayed] = await Promise.all([
      sluice(['run', EXAMPLE, '--out', backtestOut]),
      sluice([
        'run',
        EXAMPLE,
        '--set',
        'topology=signal_replay',
        '--set',
        `replay.store=${store}`,
        '--force',
        '--out',
        replayOut,
      ]),
    ]);
    expect(backtest.code, backtest.stderr).toBe(0);
    expect(replayed.code, replayed.stderr).toBe(0);
    const trades = (root: string, phase: string) => readFileSync(join(onlyDir(root), phase, 'trades.ndjson'), 'utf8');
    expect(trades(replayOut, 'signal_replay')).toBe(trades(backtestOut, 'backtest'));
  }, 180_000);

  it('a bar arriving after a later timestamp of another symbol is warned about, and its timestamp decides nothing', async () => {
    const bar = (symbol: string, day: string, close: number) =>
      JSON.stringify({
        type: 'bar',
        symbol,
        ts: `${day}T00:00:00.000Z`,
        open: close,
        high: close,
        low: close,
        close,
        volume: 1000,
      });
    // roc(1), every bar: 01-03 is complete (a decision); YHOO's 01-04 bar comes after NVDA's 01-05.
    const feed = [
      ['2024-01-02', 10, 20, 30],
      ['2024-01-03', 11, 21, 31],
    ].flatMap(([d, a, b, c]) => [
      bar('NVDA', d as string, a as number),
      bar('ORCL', d as string, b as number),
      bar('YHOO', d as string, c as number),
    ]);
    feed.push(
      bar('NVDA', '2024-01-04', 12),
      bar('ORCL', '2024-01-04', 22),
      bar('NVDA', '2024-01-05', 13),
      bar('YHOO', '2024-01-04', 32),
      JSON.stringify({ type: 'end', reason: 'complete', bars: 10 }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'sluice-live-rotation-late-'));
    const out = join(dir, 'signals.ndjson');
    const live = spawnSluice(
      [
        'live',
        EXAMPLE,
        '--feed',
        'stdin',
        '--file',
        out,
        '--set',
        'strategies[0].params.rank_by=roc(1)',
        '--set',
        'strategies[0].params.rebalance.every=1',
        '--set',
        'strategies[0].params.top_n=1',
      ],
      started,
      'pipe',
    );
    live.child.stdin!.end(`${feed.join('\n')}\n`);
    const l = await live.exit;
    expect(l.code, live.stderr).toBe(0);
    expect(live.stderr).toContain(
      'bar of YHOO at 2024-01-04T00:00:00.000Z arrived after a bar of 2024-01-05T00:00:00.000Z',
    );
    // One decision (01-03): YHOO held; 01-04 never completed.
    const sent = lines(readFileSync(out, 'utf8')).filter((m) => m['type'] === 'signal');
    expect(sent.map((m) => [m['ts'], m['symbol'], m['weight']])).toEqual([['2024-01-03T00:00:00.000Z', 'NVDA', 0.5]]);
  }, 60_000);
});
