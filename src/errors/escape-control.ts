/** C0 and C1 control characters but tab and line feed. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Control characters (but tab and line feed) as `\xNN`: text from a config or a data
 * file is printed to a terminal, where an ESC sequence could clear the screen or rewrite
 * what the user reads.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
