/**
 * Sweeps through BullMQ on a real redis-server, with real `sluice worker` processes and a
 * real `sluice run --queue` coordinator: a worker killed mid-job, a worker whose data
 * differs, a bad URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sluice } from '../helpers/cli.ts';
import { resultFiles, resultsDir } from '../helpers/results.ts';
import { freePort, skipReason, startRedis, type RedisServer } from './redis-server.ts';

const CONFIG = 'examples/spy-sma-crossover.yaml';
/** 6 combinations on the 20,769 SPY bars; no resume store, so every run computes all. */
const SWEEP = [
  '--set',
  'strategies[0].params.fast_period=[5,10,20]',
  '--set',
  'strategies[0].params.slow_period=[30,60]',
  '--set',
  'sequence={type: parameter_sweep, shard_size: 2, resume: false}',
  // About 4,000 bars: enough for trades, quick to compute.
  '--set',
  'data.end=2024-06-15',
];

const tmp = (): string => mkdtempSync(join(tmpdir(), 'sluice-queue-'));

/** A `sluice worker` process and what it printed so far. */
interface WorkerProcess {
  readonly proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in its output. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function startWorker(url: string, extra: string[] = []): WorkerProcess {
  const proc = spawn('node', ['bin/sluice.js', 'worker', '--queue', url, '--lock-ms', '1500', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  return {
    proc,
    output: () => text,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(text);
          if (m === null) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker never printed ${String(re)}; it printed:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

function stop(w: WorkerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
    w.proc.once('exit', () => resolve());
    w.proc.kill('SIGTERM');
  });
}

describe.skipIf(skipReason !== undefined)(
  `sluice run --queue with sluice workers${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let redis: RedisServer;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await Promise.all(workers.map(stop));
      await redis?.stop();
    });

    it('completes a sweep after a worker is killed mid-job, with result files identical to a local run', async () => {
      const a = startWorker(redis.url);
      const b = startWorker(redis.url);
      workers.push(a, b);
      await Promise.all([a.waitFor(/worker ready/), b.waitFor(/worker ready/)]);
      const coordinator = sluice(
        ['run', CONFIG, ...SWEEP, '--queue', redis.url, '--chunk-size', '1', '--out', tmp()],
        60_000,
      );
      // The first job's thread is still loading the engine when "started" is printed: mid-job.
      const started = await a.waitFor(/job (\S+) started/);
      a.proc.kill('SIGKILL');
      const killedJob = started[1]!;
      // The local run to compare with, meanwhile.
      const localRun = sluice(['run', CONFIG, ...SWEEP, '--out', tmp()]);
      const queued = await coordinator;
      expect(queued.stderr).not.toMatch(/internal error/);
      expect(queued.code).toBe(0);
      // The killed worker's job was recovered (stalled, back to the queue) and done by b.
      expect(b.output()).toContain(`job ${killedJob} done`);
      expect(queued.stderr).toMatch(/stalled/);
      const local = await localRun;
      expect(local.code).toBe(0);
      const q = resultFiles(resultsDir(queued.stdout));
      const l = resultFiles(resultsDir(local.stdout));
      expect([...q.keys()].sort()).toEqual([...l.keys()].sort());
      expect(q.size).toBeGreaterThan(3);
      for (const [file, text] of l) expect(q.get(file), file).toBe(text);
      const manifest = JSON.parse(readFileSync(join(resultsDir(queued.stdout), 'workflow.json'), 'utf8')) as {
        status: string;
      };
      expect(manifest.status).toBe('completed');
      await stop(b);
    }, 90_000);

    it('sweeps a plugin strategy through the queue with files identical to one thread, and a worker with other plugin code refuses it', async () => {
      const PLUGIN_SWEEP = [
        '--set',
        'strategies=[{type: trend_efficiency, params: {fast_period: [8, 12], slow_period: [48, 96]}}]',
        '--set',
        'classifiers=[]',
        '--set',
        'sequence={type: parameter_sweep, shard_size: 1, resume: false}',
        '--set',
        'data.end=2024-06-15',
      ];
      const PLUGIN_CONFIG = 'examples/spy-plugin-strategy.yaml';
      const w = startWorker(redis.url);
      workers.push(w);
      await w.waitFor(/worker ready/);
      const [queued, local] = await Promise.all([
        sluice(
          ['run', PLUGIN_CONFIG, ...PLUGIN_SWEEP, '--queue', redis.url, '--chunk-size', '1', '--out', tmp()],
          90_000,
        ),
        sluice(['run', PLUGIN_CONFIG, ...PLUGIN_SWEEP, '--out', tmp()]),
      ]);
      expect(queued.code, queued.stderr).toBe(0);
      expect(local.code, local.stderr).toBe(0);
      const q = resultFiles(resultsDir(queued.stdout));
      const l = resultFiles(resultsDir(local.stdout));
      expect([...q.keys()].sort()).toEqual([...l.keys()].sort());
      for (const [file, text] of l) expect(q.get(file), file).toBe(text);
      expect(l.get('backtest/aggregate_results.json')).toMatch(/trend_efficiency_12_96/);
      await stop(w);

      // A worker whose copy of the plugin differs by one comment refuses the job, naming the file and both hashes.
      const root = tmp();
      mkdirSync(join(root, 'examples', 'data'), { recursive: true });
      copyFileSync(join(ROOT, PLUGIN_CONFIG), join(root, PLUGIN_CONFIG));
      copyFileSync(join(ROOT, 'examples/data/SPY_5m.csv'), join(root, 'examples/data/SPY_5m.csv'));
      cpSync(join(ROOT, 'examples/plugins'), join(root, 'examples/plugins'), { recursive: true });
      appendFileSync(join(root, 'examples/plugins/trend-efficiency.ts'), '\n// changed on this machine\n');
      const other = startWorker(redis.url, ['--data-root', root]);
      workers.push(other);
      await other.waitFor(/worker ready/);
      const refused = await sluice(
        ['run', PLUGIN_CONFIG, ...PLUGIN_SWEEP, '--queue', redis.url, '--out', tmp()],
        90_000,
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /plugin file .*trend-efficiency\.ts does not match the coordinator's examples\/plugins\/trend-efficiency\.ts: here sha256 [0-9a-f]{64}; coordinator sha256 [0-9a-f]{64}/,
      );
      await stop(other);
    }, 180_000);

    it('fails the sweep with both fingerprints when a worker holds other data', async () => {
      // The worker's data root holds the config's folder with a shorter SPY file.
      const root = tmp();
      mkdirSync(join(root, 'examples', 'data'), { recursive: true });
      copyFileSync(join(ROOT, CONFIG), join(root, CONFIG));
      const bars = readFileSync(join(ROOT, 'examples/data/SPY_5m.csv'), 'utf8').split('\n');
      writeFileSync(join(root, 'examples/data/SPY_5m.csv'), bars.slice(0, 2000).join('\n') + '\n');
      const w = startWorker(redis.url, ['--data-root', root]);
      workers.push(w);
      await w.waitFor(/worker ready/);
      const r = await sluice(['run', CONFIG, ...SWEEP, '--queue', redis.url, '--out', tmp()], 60_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /data file .*SPY_5m\.csv does not match the coordinator's SPY_5m\.csv: here \d+ bytes, sha256 [0-9a-f]{64}; coordinator \d+ bytes, sha256 [0-9a-f]{64}/,
      );
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      // Refused, not retried (an UnrecoverableError): no job is started twice.
      const started = [...w.output().matchAll(/job (\S+) started/g)].map((m) => m[1]);
      expect(started.length).toBeGreaterThan(0);
      expect(new Set(started).size).toBe(started.length);
      await stop(w);
    }, 60_000);
  },
);

describe('--queue mistakes', () => {
  it('a URL that is not redis:// is one line, exit 1', async () => {
    const r = await sluice(['run', CONFIG, '--queue', 'http://127.0.0.1:6379', '--out', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "--queue: 'http://127.0.0.1:6379' is not a Redis URL (http:); write redis://HOST:PORT (or rediss:// for TLS)",
    );
  });

  it('an unreachable server is one line, exit 1, without hanging', async () => {
    const port = await freePort();
    const r = await sluice(['worker', '--queue', `redis://127.0.0.1:${port}`], 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`cannot reach Redis at redis://127.0.0.1:${port}: ECONNREFUSED`);
  });
});
