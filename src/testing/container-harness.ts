import { merge } from 'rxjs';
import type { SluiceEvent } from '../events/index.ts';
import type { Container } from '../containers/container.ts';
import { ExecutionContainer } from '../containers/execution.ts';
import { PortfolioContainer } from '../containers/portfolio.ts';
import { RiskContainer } from '../containers/risk.ts';
import { startChain } from './chain-harness.ts';
import { streamNameOf } from './event-fields.ts';
import type { ContainerSubject } from './marble-spec.ts';
import type { SubjectHarness } from './subject-harness.ts';

/**
 * One container fed hand-written events: every input stream merged into its operator (in
 * a frame, inputs deliver in the order the spec lists them), its output split into
 * streams by event type (`orders`, `rejects`, `fills`), a portfolio's metrics into
 * `snapshots` and `trades`.
 */
export function containerHarness(subject: ContainerSubject): SubjectHarness {
  const container: Container = create(subject);
  return {
    async prepare(ctx) {
      ctx.told('initialize', container.id);
      await container.initialize?.(ctx.container);
    },
    start(ctx) {
      const outputs = ['orders', 'rejects', 'fills'].map((n) => ctx.output(n));
      const toStream = (ev: SluiceEvent): void => {
        const name = streamNameOf(ev.type);
        if (name !== undefined) ctx.output(name).next(ev);
      };
      startChain(ctx, {
        containers: [container],
        input$: merge(...ctx.inputs.values()),
        next: toStream,
        end: (how) => outputs.forEach((o) => (how === 'complete' ? o.complete() : o.error(how.error))),
        metrics: {
          next: toStream,
          error: (err: unknown) => ['snapshots', 'trades'].forEach((n) => ctx.output(n).error(err)),
          complete: () => ['snapshots', 'trades'].forEach((n) => ctx.output(n).complete()),
        },
      });
    },
  };
}

function create(subject: ContainerSubject): Container {
  switch (subject.role) {
    case 'portfolio':
      return new PortfolioContainer(subject.id, subject.key, subject.config);
    case 'risk':
      return new RiskContainer(subject.id, subject.config);
    case 'execution':
      return new ExecutionContainer(subject.id, subject.config);
  }
}
