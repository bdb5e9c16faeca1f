import { FeaturesContainer } from '../containers/features.ts';
import { FeatureHub } from '../domain/indicators/feature-hub.ts';
import { startChain } from './chain-harness.ts';
import type { IndicatorSubject } from './marble-spec.ts';
import type { SubjectHarness } from './subject-harness.ts';

/**
 * An indicator as the engine computes it: registered with a feature hub, bars into the
 * features container. The `values` stream gets the indicator's output on every bar where
 * it is ready (a number, or a mapping of every output) and nothing while it warms up,
 * so warm-up shows in the diagram as silence.
 */
export function indicatorHarness(subject: IndicatorSubject): SubjectHarness {
  const hub = new FeatureHub();
  const slots = subject.outputs.map((output) =>
    hub.register({
      indicator: subject.definition.name,
      params: subject.params as Record<string, number>,
      input: subject.input,
      output,
    }),
  );
  const features = new FeaturesContainer('features', hub);
  return {
    prepare(ctx) {
      ctx.told('initialize', features.id);
      return Promise.resolve();
    },
    start(ctx) {
      const values = ctx.output('values');
      startChain(ctx, {
        containers: [features],
        input$: ctx.inputs.get('bars')!,
        next: (ev) => {
          if (ev.type !== 'FEATURES') return;
          const read = slots.map((s) => ev.values[s]!);
          if (read.some(Number.isNaN)) return;
          values.next(subject.single ? read[0] : Object.fromEntries(subject.outputs.map((o, i) => [o, read[i]])));
        },
        end: (how) => (how === 'complete' ? values.complete() : values.error(how.error)),
      });
    },
  };
}
