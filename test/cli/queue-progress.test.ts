import pino from 'pino';
import { expect, it } from 'vitest';
import { QueueProgress } from '../../src/distributed/queue-progress.ts';

it('off a terminal, the last job and finish() log "4/4 jobs done" once', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push((JSON.parse(s) as { msg: string }).msg) });
  const q = new QueueProgress({ flow: 'f', total: 4, tty: false, logger, logEveryMs: 60_000 });
  for (let i = 0; i < 4; i++) q.done();
  q.finish();
  expect(lines.filter((l) => l.includes('4/4 jobs done'))).toHaveLength(1);
});
