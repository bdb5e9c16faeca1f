/**
 * `sluice worker` stops when told, even when its Redis has gone away: a supervisor's
 * SIGTERM is enough, no SIGKILL needed.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSluice, until } from '../helpers/cli.ts';
import { skipReason, startRedis } from './redis-server.ts';

describe.skipIf(skipReason !== undefined)('sluice worker and SIGTERM', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.length = 0;
  });

  it('exits within a few seconds of SIGTERM after Redis became unreachable', async () => {
    const redis = await startRedis();
    const w = spawnSluice(['worker', '--queue', redis.url, '--lock-ms', '1500'], children);
    await until('worker ready', () => w.stdout.includes('worker ready'), 30_000);
    await redis.stop();
    // Let the worker notice the lost connection and start reconnecting.
    await new Promise((r) => setTimeout(r, 500));
    const sent = Date.now();
    w.child.kill('SIGTERM');
    const exit = await Promise.race([w.exit, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 8000))]);
    expect(exit, `still running 8 s after SIGTERM; stderr:\n${w.stderr}`).not.toBe('alive');
    expect(Date.now() - sent).toBeLessThan(8000);
    expect(w.stderr).toMatch(/Redis .*unreachable|cannot reach Redis/);
    expect(w.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);

  it('exits within a few seconds of SIGTERM when Redis goes away while a chunk is in hand', async () => {
    const redis = await startRedis();
    const w = spawnSluice(['worker', '--queue', redis.url, '--lock-ms', '1500'], children);
    await until('worker ready', () => w.stdout.includes('worker ready'), 30_000);
    const sweep = [
      '--set',
      'strategies[0].params.fast_period=[5,10]',
      '--set',
      'sequence={type: parameter_sweep, shard_size: 1, resume: false}',
    ];
    const out = mkdtempSync(join(tmpdir(), 'sluice-held-'));
    spawnSluice(['run', 'examples/spy-sma-crossover.yaml', ...sweep, '--queue', redis.url, '--out', out], children);
    // "started" is printed while the job's thread still loads the engine: mid-job.
    await until('a job started', () => /job \S+ started/.test(w.stdout), 30_000);
    await redis.stop();
    const sent = Date.now();
    w.child.kill('SIGTERM');
    const exit = await Promise.race([w.exit, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 10_000))]);
    expect(exit, `still running 10 s after SIGTERM; stderr:\n${w.stderr}`).not.toBe('alive');
    expect(Date.now() - sent).toBeLessThan(10_000);
  }, 90_000);

  it('exits promptly on SIGTERM when idle and Redis is up', async () => {
    const redis = await startRedis();
    try {
      const w = spawnSluice(['worker', '--queue', redis.url, '--lock-ms', '1500'], children);
      await until('worker ready', () => w.stdout.includes('worker ready'), 30_000);
      w.child.kill('SIGTERM');
      const exit = await Promise.race([w.exit, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 8000))]);
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      await redis.stop();
    }
  }, 60_000);
});

describe.skipIf(skipReason !== undefined)('a coordinator whose Redis loses its jobs', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    children.length = 0;
  });

  it('fails fast with a located reason, as docs/distributed.md says, instead of waiting forever', async () => {
    const redis = await startRedis();
    const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
    try {
      await client.connect();
      const sweep = [
        '--set',
        'strategies[0].params.fast_period=[5,10]',
        '--set',
        'sequence={type: parameter_sweep, shard_size: 1, resume: false}',
        '--set',
        'data.end=2024-06-15',
      ];
      const out = mkdtempSync(join(tmpdir(), 'sluice-lost-'));
      // No worker: the jobs wait in Redis until a FLUSHALL (a restart without persistence) loses them.
      const c = spawnSluice(
        ['run', 'examples/spy-sma-crossover.yaml', ...sweep, '--queue', redis.url, '--out', out],
        children,
      );
      const sent = Date.now() + 30_000;
      // The flow is in: its chunks wait in sweep-chunks' wait list.
      while ((await client.llen('sluice:sweep-chunks:wait')) === 0) {
        if (Date.now() > sent) throw new Error(`no job ever reached Redis; stderr:\n${c.stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await client.flushall();
      const flushed = Date.now();
      const exit = await Promise.race([c.exit, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 15_000))]);
      expect(exit, `still waiting 15 s after the jobs were lost; stderr:\n${c.stderr}`).not.toBe('alive');
      expect(Date.now() - flushed).toBeLessThan(15_000);
      expect(exit).toMatchObject({ code: 1 });
      expect(c.stderr + c.stdout).toMatch(/was removed from the queue before it finished/);
      const doc = readFileSync('docs/distributed.md', 'utf8');
      expect(doc).not.toMatch(/waits for completions that never come/);
      expect(doc).toMatch(/the coordinator fails fast/);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  }, 90_000);
});
