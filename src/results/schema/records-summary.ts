/** The `records` block of `phase_summary.json`: what a phase's `record` behaviors wrote. */
import { z } from 'zod';

const count = () => z.number().int().nonnegative();

/** Present only when a `record` behavior recorded some container; absent (not empty) otherwise. */
export const RecordsSummarySchema = z
  .record(
    z.string(),
    z.strictObject({
      file: z.string().describe('The recording, relative to the phase folder (records/<container>.<format>).'),
      written: count().describe('Records written (after `record.throttle`).'),
      dropped: count().describe('Events past `record.max_events`, not written.'),
    }),
  )
  .describe('Per recorded container: its file, records written and records the cap dropped (docs/tracing.md).');
