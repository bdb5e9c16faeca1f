import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/runtime/clock.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { runWorkflow } from '../../src/coordinator/run-workflow.ts';
import { silent } from '../helpers/run.ts';

describe('systemClock', () => {
  it('reads the process clocks', async () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
    expect(systemClock.now()).toBeLessThanOrEqual(Date.now());
    const m0 = systemClock.monotonic();
    await systemClock.sleep(5);
    expect(systemClock.monotonic() - m0).toBeGreaterThanOrEqual(4);
  });

  it('a cleared timer never fires', async () => {
    let fired = false;
    const t = systemClock.setTimeout(() => (fired = true), 1);
    systemClock.clearTimeout(t);
    await systemClock.sleep(10);
    expect(fired).toBe(false);
  });
});

describe('ManualClock', () => {
  it('moves wall and monotonic time together, only when told to', () => {
    const c = new ManualClock(Date.parse('2026-01-02T03:04:05.000Z'));
    expect(c.now()).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
    expect(c.monotonic()).toBe(0);
    c.advance(1500);
    expect(c.now()).toBe(Date.parse('2026-01-02T03:04:06.500Z'));
    expect(c.monotonic()).toBe(1500);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });

  it('fires due timers in time order, at their own time, including one a callback sets', () => {
    const c = new ManualClock(0);
    const seen: string[] = [];
    c.setTimeout(() => seen.push(`b@${c.monotonic()}`), 200);
    c.setTimeout(() => {
      seen.push(`a@${c.monotonic()}`);
      c.setTimeout(() => seen.push(`c@${c.monotonic()}`), 50);
    }, 100);
    const late = c.setTimeout(() => seen.push('never'), 1000);
    c.clearTimeout(late);
    c.advance(400);
    expect(seen).toEqual(['a@100', 'c@150', 'b@200']);
    expect(c.monotonic()).toBe(400);
    c.advance(1000);
    expect(seen).toHaveLength(3);
  });

  it('sleep resolves once the clock has moved past it', async () => {
    const c = new ManualClock(0);
    let done = false;
    const p = c.sleep(100).then(() => (done = true));
    c.advance(99);
    await Promise.resolve();
    expect(done).toBe(false);
    c.advance(1);
    await p;
    expect(done).toBe(true);
  });
});

describe('a run on a fixed clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-clock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the clock's time into the workflow id and workflow.json", async () => {
    const loaded = await loadWorkflow('test/fixtures/configs/spy-small.yaml', { sets: ["data.end='2024-06-01'"] });
    const clock = new ManualClock(Date.parse('2026-01-02T03:04:05.000Z'));
    const r = await runWorkflow(loaded, { logger: silent, outDir: dir, clock });
    expect(r.status).toBe('completed');
    expect(r.workflowId).toMatch(/^20260102T030405000Z-/);
    const manifest = JSON.parse(readFileSync(join(r.dir!, 'workflow.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['started_at']).toBe('2026-01-02T03:04:05.000Z');
    expect(manifest['finished_at']).toBe('2026-01-02T03:04:05.000Z');
    expect(manifest['duration_ms']).toBe(0);
  });
});
