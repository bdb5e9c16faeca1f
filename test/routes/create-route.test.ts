import { describe, expect, it } from 'vitest';
import { BroadcastRoute, MergeRoute, PipelineRoute, SelectiveRoute, createRoute } from '../../src/routes/index.ts';
import { fill, routeSpec, signal } from './marble-events.ts';

describe('createRoute', () => {
  it('builds a BroadcastRoute for kind broadcast', () => {
    const route = createRoute(routeSpec('broadcast', ['features', 'portfolio']));
    expect(route).toBeInstanceOf(BroadcastRoute);
    expect(route.kind).toBe('broadcast');
  });

  it('builds a PipelineRoute for kind pipeline, with its checks', () => {
    const route = createRoute(routeSpec('pipeline', ['risk']));
    expect(route).toBeInstanceOf(PipelineRoute);
    expect(route.kind).toBe('pipeline');
    expect(() => createRoute(routeSpec('pipeline', ['risk', 'execution']))).toThrow(/exactly one producer/);
  });

  it('builds a MergeRoute for kind merge, with its checks', () => {
    const route = createRoute(routeSpec('merge', ['portfolio'], { from: ['strategy_a', 'strategy_b'] }));
    expect(route).toBeInstanceOf(MergeRoute);
    expect(route.kind).toBe('merge');
    expect(() => createRoute(routeSpec('merge', ['portfolio_a', 'portfolio_b']))).toThrow(/exactly one consumer/);
  });

  it('builds a SelectiveRoute for kind selective, with its checks', () => {
    const route = createRoute(routeSpec('selective', ['portfolio_a:a'], { byKey: true }));
    expect(route).toBeInstanceOf(SelectiveRoute);
    expect(route.kind).toBe('selective');
    expect(() => createRoute(routeSpec('selective', ['portfolio_a']))).toThrow(/has no foreach key/);
  });

  it('builds a keyed feedback route for kind feedback with byKey', () => {
    const route = createRoute(routeSpec('feedback', ['portfolio_a:a', 'portfolio_b:b'], { byKey: true }));
    expect(route.kind).toBe('feedback');
    const seen: string[] = [];
    route.output('portfolio_a').subscribe((ev) => seen.push(`portfolio_a<-${ev.seq}`));
    route.output('portfolio_b').subscribe((ev) => seen.push(`portfolio_b<-${ev.seq}`));
    route.next(fill('b', 1));
    expect(seen).toEqual(['portfolio_b<-1']);
  });

  it('builds a broadcasting feedback route for kind feedback without byKey', () => {
    const route = createRoute(routeSpec('feedback', ['portfolio_a', 'portfolio_b']));
    expect(route.kind).toBe('feedback');
    const seen: string[] = [];
    route.output('portfolio_b').subscribe((ev) => seen.push(`portfolio_b<-${ev.seq}`));
    route.output('portfolio_a').subscribe((ev) => seen.push(`portfolio_a<-${ev.seq}`));
    route.next(fill('b', 1));
    expect(seen).toEqual(['portfolio_a<-1', 'portfolio_b<-1']);
  });

  it('selects by key on a selective route even when the spec says byKey: false', () => {
    // byKey only switches the feedback kind; selective always selects.
    const route = createRoute(routeSpec('selective', ['portfolio_a:a', 'portfolio_b:b'], { byKey: false }));
    const seen: string[] = [];
    route.output('portfolio_a').subscribe((ev) => seen.push(`portfolio_a<-${ev.seq}`));
    route.output('portfolio_b').subscribe((ev) => seen.push(`portfolio_b<-${ev.seq}`));
    route.next(signal('a', 7));
    expect(seen).toEqual(['portfolio_a<-7']);
  });
});
