import type { Readable } from 'node:stream';
import { LiveError } from '../../errors/live-error.ts';
import type { Feed, FeedCounters, FeedEnd } from './feed.ts';
import type { FeedIntake } from './feed-intake.ts';
import { LineReader } from './line-reader.ts';
import { MAX_MESSAGE_BYTES } from './messages.ts';

/**
 * NDJSON from a readable stream (standard input): one message per line, blank lines
 * skipped. EOF ends the feed like an end message. Lines are cut by a {@link LineReader}
 * that holds at most {@link MAX_MESSAGE_BYTES} of a line: a longer one is skipped as it
 * streams by and counted as malformed, however long it is.
 */
export class StreamFeed implements Feed {
  readonly description: string;
  private reader: LineReader | undefined;
  private closed = false;
  private done: Promise<void> = Promise.resolve();
  private resolveDone: () => void = () => undefined;
  private readonly onData = (chunk: Buffer | string): void => {
    this.reader?.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  };

  constructor(
    private readonly input: Readable,
    private readonly intake: FeedIntake,
    description = 'stdin',
  ) {
    this.description = description;
  }

  get counters(): FeedCounters {
    return this.intake.counters;
  }

  get ended(): FeedEnd | undefined {
    return this.intake.ended;
  }

  start(): void {
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.reader = new LineReader(
      MAX_MESSAGE_BYTES,
      (line) => {
        if (line.trim() === '') return true;
        if (!this.intake.message(line)) return true;
        this.close();
        return false;
      },
      (bytes, head) => this.intake.oversized(bytes, head, 'line'),
    );
    this.input.on('data', this.onData);
    this.input.once('end', () => {
      this.reader?.end();
      this.intake.finish('eof');
      this.close();
    });
    this.input.once('error', (err: Error) => {
      this.intake.fail(new LiveError(`${this.description}: ${err.message}`));
      this.close();
    });
  }

  pause(): void {
    this.input.pause();
  }

  resume(): void {
    if (!this.closed) this.input.resume();
  }

  async stop(): Promise<void> {
    this.intake.finish('stopped');
    this.close();
    await this.done;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader?.stop();
    this.input.off('data', this.onData);
    this.input.pause();
    // Standard input would otherwise keep the process alive after Ctrl-C.
    if (this.input === process.stdin) process.stdin.destroy();
    this.resolveDone();
  }
}
