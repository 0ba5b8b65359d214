/**
 * The logging port: what the engine (and every plugin) needs from a logger. `config/log.ts`
 * implements it (one JSON object per line); tests pass a recorder or `silentLogger`. Changes when
 * what callers may log changes, never with the output format.
 *
 * @module
 */

/** Structured fields of a log line, e.g. `{ source: "jamf", error: "…" }`. */
export type Fields = Record<string, unknown>;

/** Writes structured log lines. */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Fields): Logger;
}
