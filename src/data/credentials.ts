/**
 * Provider credentials: read from the provider's usual environment variables or from a
 * file the config names — never from the config itself, so they cannot end up in
 * workflow.json, the signal store's metadata or anything else that copies the config.
 *
 * A secret is held by a {@link Secret}, which prints as `[redacted]` in every form (String,
 * JSON, util.inspect, a pino log object): only `reveal()`, called where it is sent to the
 * provider, gives the value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { LiveError } from '../errors/live-error.ts';

/** A credential value that does not print. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value, for the one place it is sent to the provider. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

export interface AlpacaCredentials {
  readonly key: Secret;
  readonly secret: Secret;
}

export const ALPACA_KEY_VAR = 'APCA_API_KEY_ID';
export const ALPACA_SECRET_VAR = 'APCA_API_SECRET_KEY';

/**
 * Alpaca's key id and secret key: from `file` (relative to `baseDir`) when given —
 * `APCA_API_KEY_ID=…` and `APCA_API_SECRET_KEY=…` lines, `export ` and quotes allowed, `#`
 * comments — else from the environment variables of the same names.
 *
 * @throws LiveError naming what is missing (never a value).
 */
export function alpacaCredentials(
  file: string | undefined,
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
  fileOption = 'live.feed.alpaca.credentials_file',
): AlpacaCredentials {
  let vars: Record<string, string | undefined> = env;
  let where = `the environment variables ${ALPACA_KEY_VAR} and ${ALPACA_SECRET_VAR}`;
  if (file !== undefined) {
    const path = resolve(baseDir, file);
    if (!existsSync(path))
      throw new LiveError(`alpaca feed: the credentials file ${path} (${fileOption}) does not exist`);
    vars = readEnvFile(readFileSync(path, 'utf8'));
    where = `the credentials file ${path}`;
  }
  const key = vars[ALPACA_KEY_VAR]?.trim() ?? '';
  const secret = vars[ALPACA_SECRET_VAR]?.trim() ?? '';
  const missing = [key === '' ? ALPACA_KEY_VAR : undefined, secret === '' ? ALPACA_SECRET_VAR : undefined].filter(
    (m) => m !== undefined,
  );
  if (missing.length > 0) {
    throw new LiveError(
      `alpaca feed: no credentials: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set in ${where}${file === undefined ? ` (or name a file in ${fileOption})` : ''}`,
    );
  }
  return { key: new Secret(key), secret: new Secret(secret) };
}

/** `NAME=value` lines of a dotenv-style file. */
function readEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (m === null) continue;
    let value = m[2]!;
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]))
      value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}
