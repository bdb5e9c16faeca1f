import type { SluiceEvent } from '../events/index.ts';
import { FeaturesContainer } from '../containers/features.ts';
import { StrategyContainer } from '../containers/strategy.ts';
import { CrossSectionContainer } from '../containers/cross-section.ts';
import { FeatureHub } from '../domain/indicators/feature-hub.ts';
import { startChain } from './chain-harness.ts';
import type { StrategySubject } from './marble-spec.ts';
import type { SubjectHarness } from './subject-harness.ts';

/**
 * A strategy as the engine runs it: bars into a feature hub container, FEATURES into the
 * strategy container, whose SIGNALs are the `signals` stream. The strategy registers its
 * features with the hub exactly as the graph compiler does.
 */
export function strategyHarness(subject: StrategySubject): SubjectHarness {
  const hub = new FeatureHub();
  const slots = subject.definition.features(subject.params).map((req) => hub.register(req));
  const features = new FeaturesContainer('features', hub);
  const id = `strategy_${subject.key}`;
  const strategy =
    subject.definition.crossSection === undefined
      ? new StrategyContainer(id, subject.key, subject.definition, subject.params, slots)
      : new CrossSectionContainer(
          id,
          subject.key,
          subject.definition,
          subject.params,
          slots,
          subject.symbols,
          'continuous',
        );
  return {
    async prepare(ctx) {
      ctx.told('initialize', features.id);
      ctx.told('initialize', strategy.id);
      // Synchronous: a StrategyContainer's initialize returns nothing to await.
      strategy.initialize(ctx.container);
    },
    start(ctx) {
      const signals = ctx.output('signals');
      startChain(ctx, {
        containers: [features, strategy],
        input$: ctx.inputs.get('bars')!,
        next: (ev: SluiceEvent) => signals.next(ev),
        end: (how) => (how === 'complete' ? signals.complete() : signals.error(how.error)),
      });
    },
  };
}
