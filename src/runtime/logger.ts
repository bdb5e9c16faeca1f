import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The level a command logs at: `--log-level` when given, else `info` with `-v`, else
 * warnings and errors only in a terminal (the results on stdout are what a person reads)
 * and `info` in JSON (a pipe, `--log-json`: what a log collector wants).
 */
export function logLevel(opts: { json: boolean; level?: string | undefined; verbose?: boolean | undefined }): string {
  if (opts.level !== undefined) return opts.level;
  if (opts.verbose === true) return 'info';
  return opts.json || process.stderr.isTTY !== true ? 'info' : 'warn';
}

/**
 * The CLI's logger, on stderr (stdout carries results). Human-readable in a terminal,
 * one JSON object per line with ISO-8601 UTC times (`"time":"2026-12-07T03:40:07.995Z"`)
 * when piped or with --log-json. Never called per bar.
 */
export function createLogger(opts: {
  json: boolean;
  level?: string | undefined;
  verbose?: boolean | undefined;
}): Logger {
  const level = logLevel(opts);
  if (opts.json || process.stderr.isTTY !== true) {
    return pino(
      { level, base: null, timestamp: pino.stdTimeFunctions.isoTime },
      pino.destination({ fd: 2, sync: true }),
    );
  }
  return pino(
    { level, base: null },
    pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }),
  );
}
