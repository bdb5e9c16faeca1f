import type { z } from 'zod';
import { TopologySchema, type ContainerDef, type RouteDefSchema, type TopologyDef } from '../config/schema/topology.ts';
import { parseCamel } from '../config/schema-keys.ts';
import type { PipelineRole } from './marble-spec-schema.ts';

/**
 * The topology of a pipeline subject: a data container plus the listed roles, wired as
 * the built-in `backtest` and `signal_generation` patterns wire them, leaving out what is
 * not listed. Container ids are the role names; strategy and portfolio are expanded per
 * strategy (`strategy_<key>`, `portfolio_<key>`). Route names are those of the patterns
 * (`bars`, `features`, `signals`, `orders`, `approved`, `rejections`, `fills`), so a spec
 * names the streams it expects the way `sluice explain` prints them.
 *
 * The roles are assumed checked (features first, each role's producer present); the
 * result is still validated by `planGraph` like any topology.
 */
export function pipelineTopology(roles: readonly PipelineRole[]): TopologyDef {
  const has = (r: PipelineRole): boolean => roles.includes(r);
  const containers: ContainerDef[] = [{ id: 'data', role: 'data' }];
  for (const role of roles) {
    const foreach = role === 'strategy' || role === 'portfolio';
    containers.push(foreach ? { id: role, role, foreach: 'strategies' } : { id: role, role });
  }

  // Written as a topology file would be (`by_key`), then parsed like one.
  const routes: z.input<typeof RouteDefSchema>[] = [];
  // Declared order is delivery order: a portfolio closes the previous bar's snapshot and
  // the broker fills queued orders before any strategy reacts to the new bar.
  const barConsumers = (['portfolio', 'execution', 'features'] as const).filter(has);
  routes.push({ name: 'bars', kind: 'broadcast', from: 'data', to: [...barConsumers], events: ['BAR'] });
  if (has('strategy'))
    routes.push({ name: 'features', kind: 'broadcast', from: 'features', to: 'strategy', events: ['FEATURES'] });
  if (has('portfolio'))
    routes.push({ name: 'signals', kind: 'selective', from: 'strategy', to: 'portfolio', events: ['SIGNAL'] });
  if (has('signal_sink')) {
    routes.push({
      name: has('portfolio') ? 'sink' : 'signals',
      kind: 'merge',
      from: 'strategy',
      to: 'signal_sink',
      events: ['SIGNAL'],
    });
  }
  if (has('portfolio') && has('risk')) {
    routes.push({ name: 'orders', kind: 'merge', from: 'portfolio', to: 'risk', events: ['ORDER', 'CANCEL'] });
    if (has('execution'))
      routes.push({ name: 'approved', kind: 'pipeline', from: 'risk', to: 'execution', events: ['ORDER', 'CANCEL'] });
    routes.push({
      name: 'rejections',
      kind: 'feedback',
      by_key: true,
      from: 'risk',
      to: 'portfolio',
      events: ['REJECT'],
    });
  } else if (has('portfolio') && has('execution')) {
    routes.push({ name: 'orders', kind: 'merge', from: 'portfolio', to: 'execution', events: ['ORDER', 'CANCEL'] });
  }
  if (has('portfolio') && has('execution')) {
    routes.push({
      name: 'fills',
      kind: 'feedback',
      by_key: true,
      from: 'execution',
      to: 'portfolio',
      events: ['FILL', 'REJECT'],
    });
  }
  // Through the schema, so defaults are those of a topology read from a file.
  return parseCamel(TopologySchema, {
    name: 'marble_pipeline',
    description: `pipeline: ${roles.join(' → ')}`,
    containers,
    routes,
  });
}
