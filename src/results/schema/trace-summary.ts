/** The `trace` block of `phase_summary.json` and of `workflow.json`'s phases: what a traced phase recorded. */
import { z } from 'zod';

const count = () => z.number().int().nonnegative();

const TypeCountSchema = z.strictObject({
  recorded: count().describe('Records made of this event type (after sampling).'),
  dropped: count().describe('Records retention dropped (`max_events`).'),
});

/** Present only when the phase ran traced; absent (not empty) otherwise. */
export const TraceSummarySchema = z
  .strictObject({
    level: z.string().describe('Trace level the phase ran at.'),
    file: z.string().nullable().describe('The trace file, relative to the phase folder; null when it went to a sink.'),
    recorded: count(),
    dropped: count(),
    written: count(),
    containers: z
      .record(z.string(), z.record(z.string(), TypeCountSchema))
      .describe('Per sending container, per event type (TRADE, FILL, …): records made and dropped.'),
  })
  .describe("The phase's trace summary (docs/tracing.md).");
