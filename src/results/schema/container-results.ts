/**
 * `<phase>/containers/<id>_results.json`: what one container reports at the end of a run.
 * Each role reports its own counters (a portfolio its cash and trades, execution its
 * fills…), so only the fields every role writes are fixed; the rest is the role's.
 */
import { z } from 'zod';

/** One container's results. */
export const ContainerResultsSchema = z
  .looseObject({
    id: z.string().describe('Container id.'),
    role: z
      .string()
      .describe('data, features, classifier, strategy, portfolio, risk, execution, signal_sink, signal_source.'),
    key: z.string().optional().describe('Its foreach key (the book of a portfolio).'),
  })
  .describe(
    "`containers/<id>_results.json`: one container's end-of-run counters (fields beyond id, role and key depend on the role).",
  );
