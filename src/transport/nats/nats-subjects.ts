/**
 * Names on the NATS side of live runs: subject tokens, subjects, JetStream message ids
 * and `nats://` URLs (docs/distributed.md).
 *
 * A NATS subject is a list of tokens joined by `.`; a token may not be empty nor hold
 * `.`, whitespace, `*` or `>` (the last two are wildcards). Symbols (`BRK.B`) and strategy
 * ids (grid keys, user ids like `my strategy`) can hold any of them, so every token Sluice
 * builds from a name is escaped: ASCII letters, digits, `_` and `-` stay as they are, every
 * other character becomes `%` and two upper-case hex digits per UTF-8 byte (`BRK.B` →
 * `BRK%2EB`, `a b` → `a%20b`, `%` → `%25`). The escaping is reversible and deterministic,
 * and plain ids (the usual case: `sma_crossover`, `ema_crossover_8_26`) read as they are.
 */
import { LiveError } from '../../errors/live-error.ts';

/** Default stream and subject of `sluice subscribe`: the signals a NATS sink publishes. */
export const SIGNALS_STREAM = 'SLUICE_SIGNALS';
export const SIGNALS_SUBJECT = 'sluice.signals.>';

const PLAIN = /^[A-Za-z0-9_-]+$/;

/** A name as one subject token (see the module comment). */
export function escapeToken(name: string): string {
  if (name === '') throw new LiveError('an empty name cannot be a NATS subject token');
  if (PLAIN.test(name)) return name;
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && PLAIN.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The name an {@link escapeToken} token stands for. */
export function unescapeToken(token: string): string {
  if (!token.includes('%')) return token;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '%') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `<prefix>.<symbol>.<strategy_id>`: the subject of a strategy's signals on one symbol. */
export function signalSubject(prefix: string, symbol: string, strategyId: string): string {
  return `${prefix}.${escapeToken(symbol)}.${escapeToken(strategyId)}`;
}

/** `<prefix>.<symbol>`: the subject of a symbol's bars (and of a replay's end message). */
export function barSubject(prefix: string, symbol: string): string {
  return `${prefix}.${escapeToken(symbol)}`;
}

/**
 * The JetStream message id (`Nats-Msg-Id`) of a signal: `<strategy_id>:<symbol>:<bar ts>`.
 * It depends only on what the signal is about, so a restarted or duplicated publisher
 * sending the same signal again is stored once (within the stream's duplicate window).
 */
export function signalMsgId(strategyId: string, symbol: string, ts: string): string {
  return `${strategyId}:${symbol}:${ts}`;
}

/** The message id of a bar: `bar:<symbol>:<ts>`. */
export function barMsgId(symbol: string, ts: string): string {
  return `bar:${symbol}:${ts}`;
}

/** A checked subject prefix (dot-separated plain tokens, no wildcard). */
export function checkPrefix(prefix: string, what: string): string {
  if (!prefix.split('.').every((t) => /^[^\s.*>]+$/.test(t)))
    throw new LiveError(`${what} '${prefix}': expected tokens separated by dots, without spaces, '*' or '>'`);
  return prefix;
}

/** A parsed `nats://host:port[,host:port…][/subject]`. */
export interface NatsUrl {
  /** Server URLs for the client, `nats://host:port` each. */
  readonly servers: string[];
  /** The path as a subject (`/sluice.bars.>` → `sluice.bars.>`), or undefined. */
  readonly subject: string | undefined;
  /** As given, for logs. */
  readonly text: string;
}

/**
 * Parses a nats:// URL; the port defaults to 4222, several servers of one cluster may be
 * given comma-separated (`nats://a:4222,b:4222`).
 *
 * @throws LiveError naming what is wrong, in one line.
 */
export function parseNatsUrl(text: string): NatsUrl {
  const m = /^nats:\/\/([^/]+)(?:\/(.*))?$/.exec(text.trim());
  if (m === null) throw new LiveError(`'${text}': expected nats://host:port[/subject]`);
  const servers = m[1]!.split(',').map((hostPort) => {
    let url: URL;
    try {
      url = new URL(`nats://${hostPort}`);
    } catch {
      throw new LiveError(`'${text}': '${hostPort}' is not a host:port`);
    }
    if (url.hostname === '') throw new LiveError(`'${text}': no host`);
    return `nats://${url.hostname}:${url.port === '' ? '4222' : url.port}`;
  });
  const path = m[2] === undefined || m[2] === '' ? undefined : decodeURIComponent(m[2]);
  if (path !== undefined && !path.split('.').every((t) => /^[^\s.]+$/.test(t)))
    throw new LiveError(`'${text}': '${path}' is not a NATS subject`);
  return { servers, subject: path, text };
}
