import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BehaviorSchema } from '../../src/config/schema/topology.ts';
import type { OrderEvent, SluiceEvent } from '../../src/events/index.ts';
import { createRoute } from '../../src/routes/index.ts';
import { ContainerRecorder } from '../../src/tracing/container-recorder.ts';

const order = (orderId: number, source: string): OrderEvent => ({
  type: 'ORDER',
  seq: orderId,
  ts: Date.UTC(2024, 2, 26) + orderId * 300_000,
  symbol: 'SPY',
  source,
  key: source.replace('portfolio_', ''),
  orderId,
  signalId: orderId,
  side: 'buy',
  quantity: 10,
  reason: 'signal',
  price: 520,
  position: 0,
  equity: 1e5,
  grossExposure: 0,
});

describe('ContainerRecorder (behaviors[].record)', () => {
  it('writes every event a matching container sends, once, in order, as NDJSON trace records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-record-'));
    // A merge route fed by two books, and a second route carrying the same ORDER type from one of them.
    const orders = createRoute({
      name: 'orders',
      kind: 'merge',
      from: ['portfolio_a', 'portfolio_b'],
      targets: [{ id: 'risk' }],
      events: ['ORDER', 'CANCEL'],
      byKey: false,
    });
    const audit = createRoute({
      name: 'audit',
      kind: 'pipeline',
      from: ['portfolio_a'],
      targets: [{ id: 'risk' }],
      events: ['ORDER'],
      byKey: false,
    });
    let tapped = 0;
    orders.tap = () => tapped++; // a tap already there (the tracer's) keeps working
    const recorder = await ContainerRecorder.open({
      behaviors: [
        parseCamel(BehaviorSchema, { match: 'portfolio_a', record: {} }),
        parseCamel(BehaviorSchema, { match: 'portfolio_*', trace: 'minimal' }),
      ],
      instances: ['portfolio_a', 'portfolio_b', 'risk'],
      routes: [orders, audit],
      phaseDir: dir,
    });
    expect(recorder).toBeDefined();
    orders.output('risk').subscribe(() => undefined);
    audit.output('risk').subscribe(() => undefined);
    const a1 = order(1, 'portfolio_a');
    orders.next(a1);
    audit.next(a1); // the same event on a second route: one record
    orders.next(order(2, 'portfolio_b')); // not recorded: no behavior records portfolio_b
    const metrics$ = new Subject<SluiceEvent>();
    const seen: SluiceEvent[] = [];
    recorder!.metrics('portfolio_a', metrics$).subscribe((ev) => seen.push(ev));
    const snapshot = {
      type: 'PORTFOLIO',
      seq: 3,
      ts: a1.ts,
      symbol: 'SPY',
      source: 'portfolio_a',
      key: 'a',
      cash: 1,
      equity: 2,
      grossExposure: 0,
      invested: 0,
      realizedPnl: 0,
      unrealizedPnl: 0,
    } as unknown as SluiceEvent;
    metrics$.next(snapshot);
    orders.next(order(4, 'portfolio_a'));
    expect(recorder!.metrics('risk', metrics$)).toBe(metrics$);

    const files = await recorder!.close();
    expect(files).toEqual(['records/portfolio_a.ndjson']);
    expect(existsSync(join(dir, 'records', 'portfolio_b.ndjson'))).toBe(false);
    const lines = readFileSync(join(dir, 'records', 'portfolio_a.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['trace_seq'], l['type'], l['id'], l['route'], l['source'], l['target']])).toEqual([
      [1, 'ORDER', 'order:1', 'orders', 'portfolio_a', null],
      [2, 'PORTFOLIO', 'portfolio:a:3', 'metrics', 'portfolio_a', null],
      [3, 'ORDER', 'order:4', 'orders', 'portfolio_a', null],
    ]);
    expect(seen).toEqual([snapshot]);
    expect(tapped).toBe(3);
  });

  it('is not built when no behavior records, or the run writes nothing', async () => {
    const route = createRoute({
      name: 'orders',
      kind: 'merge',
      from: ['portfolio_a'],
      targets: [{ id: 'risk' }],
      events: ['ORDER'],
      byKey: false,
    });
    const args = { instances: ['portfolio_a'], routes: [route] };
    expect(
      await ContainerRecorder.open({
        ...args,
        behaviors: [parseCamel(BehaviorSchema, { match: '*', trace: 'debug' })],
        phaseDir: mkdtempSync(join(tmpdir(), 'sluice-record-')),
      }),
    ).toBeUndefined();
    expect(
      await ContainerRecorder.open({
        ...args,
        behaviors: [parseCamel(BehaviorSchema, { match: '*', record: {} })],
        phaseDir: null,
      }),
    ).toBeUndefined();
    expect(route.tap).toBeUndefined();
  });
});
