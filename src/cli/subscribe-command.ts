import { InvalidArgumentError, type Command } from 'commander';
import { LiveError } from '../errors/live-error.ts';
import { SIGNALS_STREAM, SIGNALS_SUBJECT } from '../transport/nats/nats-subjects.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Options of `sluice subscribe`. */
interface SubscribeCommandOptions {
  stream: string;
  subject: string;
  durable?: string;
  deliver: 'all' | 'new' | 'last_per_subject';
  batch: number;
  idleExit?: number;
  logJson?: boolean;
  logLevel: string;
}

/**
 * Registers `sluice subscribe nats://host:port[/subject] [--stream S] [--subject P]
 * [--durable NAME] [--idle-exit MS]`: prints the messages of a JetStream stream (the
 * signals of `sluice live` NATS sinks) as NDJSON on stdout, one payload per line. With
 * `--durable` a stopped reader (Ctrl-C, SIGTERM, --idle-exit) goes on where it stopped
 * when run again: no gap, no duplicate (docs/distributed.md). Exit 0 when stopped, 1 when
 * the server cannot be reached or the stream does not exist.
 */
export function registerSubscribeCommand(program: Command, io: Io, setCode: (code: number) => void): void {
  program
    .command('subscribe')
    .description(
      'print the messages of a NATS JetStream stream (live signals) as NDJSON; --durable resumes where the last run stopped',
    )
    .argument('<url>', 'nats://host:port[/subject]')
    .option('--stream <name>', 'the stream', SIGNALS_STREAM)
    .option('--subject <subject>', "subject filter, e.g. 'sluice.signals.SPY.>'", SIGNALS_SUBJECT)
    .option(
      '--durable <name>',
      'a durable consumer: acknowledged messages are not read again by the next run of this name',
    )
    .option(
      '--deliver <policy>',
      'where a new consumer starts: all, new or last_per_subject',
      parseDeliver,
      'all' as const,
    )
    .option('--batch <n>', 'messages per pull request', parsePositive, 256)
    .option(
      '--idle-exit <ms>',
      'exit once no message came for this long (read what is there, then stop)',
      parsePositive,
    )
    .option('--log-json', 'log JSON lines on stderr even in a terminal')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (url: string, o: SubscribeCommandOptions) => {
      // Imported when the command runs, not when the CLI starts (NATS, pino-pretty).
      const [{ subscribeStream }, { createLogger }] = await Promise.all([
        import('../transport/nats/nats-subscribe.ts'),
        import('../runtime/logger.ts'),
      ]);
      const logger = createLogger({ json: o.logJson === true, level: o.logLevel });
      const abort = new AbortController();
      const onSignal = (): void => {
        logger.info('stopping: finishing and acknowledging the messages of the pull request under way');
        abort.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const out = process.stdout;
      try {
        const r = await subscribeStream({
          url,
          stream: o.stream,
          subject: o.subject,
          deliver: o.deliver,
          batch: o.batch,
          ...(o.durable !== undefined ? { durable: o.durable } : {}),
          ...(o.idleExit !== undefined ? { idleMs: o.idleExit } : {}),
          onMessage: (data) => void out.write(`${data}\n`),
          drained: () =>
            out.writableNeedDrain ? new Promise<void>((r) => out.once('drain', () => r())) : Promise.resolve(),
          signal: abort.signal,
          logger,
        });
        io.err(
          `subscribe: ${r.messages} messages from stream ${o.stream}${o.durable !== undefined ? ` (durable ${o.durable})` : ''}; ${r.reason === 'idle' ? `idle for ${o.idleExit} ms` : 'stopped'}`,
        );
      } catch (err) {
        if (!(err instanceof LiveError)) throw err;
        io.err(`subscribe: ${err.message}`);
        setCode(1);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

function parseDeliver(value: string): 'all' | 'new' | 'last_per_subject' {
  if (value === 'all' || value === 'new' || value === 'last_per_subject') return value;
  throw new InvalidArgumentError('expected all, new or last_per_subject');
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}
