import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The CLI's logger, on stderr (stdout carries results). Human-readable in a terminal,
 * one JSON object per line when piped or with --log-json. Never called per bar.
 */
export function createLogger(opts: { json: boolean; level: string }): Logger {
  if (opts.json || process.stderr.isTTY !== true) {
    return pino({ level: opts.level, base: null }, pino.destination({ fd: 2, sync: true }));
  }
  return pino(
    { level: opts.level, base: null },
    pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }),
  );
}
