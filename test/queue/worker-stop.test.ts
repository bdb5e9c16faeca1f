/**
 * `sluice worker` stops when told, even when its Redis has gone away: a supervisor's
 * SIGTERM is enough, no SIGKILL needed.
 */
import type { ChildProcess } from 'node:child_process';
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
