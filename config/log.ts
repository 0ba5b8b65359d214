/**
 * The one sanctioned logger: one JSON object per line on stdout (info) or stderr (warn, error),
 * implementing the engine's `Logger` port (`engine/core/log.ts`). Every line is one line to any
 * reader: characters JSON leaves raw that readers or terminals take as line breaks or controls
 * are written escaped ({@link jsonLine}).
 *
 * @module
 */
import type { Fields, Logger } from "../engine/core/log.ts";

/** Log levels, least to most severe. */
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

// The port is the engine's (engine/core/log.ts); re-exported so callers that make a logger here can
// name its type without a second import.
export type { Fields, Logger };

/** Where lines go; tests pass a recorder. */
export type Sink = (level: Level, line: string) => void;

const encoder = new TextEncoder();

/** Info lines gathered for stdout, written together once per turn of the event loop. */
let pending: string[] = [];
let pendingChars = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
/** Above this many characters the gathered lines are written at once. */
const FLUSH_CHARS = 64 * 1024;

/**
 * Writes the info lines gathered so far to stdout in one write (a no-op when there are none).
 * Runs by itself at the end of the event loop's turn, before a warning or an error is written
 * (so the two streams keep their order on a terminal), and when the process ends (the `unload`
 * event, which `Deno.exit()` dispatches too) or dies of an uncaught error.
 */
export function flushLog(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (pending.length === 0) return;
  const text = pending.join("");
  pending = [];
  pendingChars = 0;
  writeAll(Deno.stdout, encoder.encode(text));
}

/** Writes every byte (a single `writeSync` may write fewer than it is given). */
function writeAll(to: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += to.writeSync(bytes.subarray(at));
}

globalThis.addEventListener?.("unload", flushLog);
globalThis.addEventListener?.("error", flushLog);
globalThis.addEventListener?.("unhandledrejection", flushLog);

/**
 * The default sink: info and below to stdout, warnings and errors to stderr. A busy server logs
 * two or three lines per request (the request, each data access): one `write` system call per
 * line cost 14 % of a page view's CPU (issue 24), so info lines are gathered and written together
 * once per turn of the event loop ({@link flushLog}); warnings and errors are written at once.
 */
export const stdSink: Sink = (level: Level, line: string): void => {
  if (ORDER[level] >= ORDER.warn) {
    flushLog();
    writeAll(Deno.stderr, encoder.encode(line + "\n"));
    return;
  }
  pending.push(line + "\n");
  pendingChars += line.length + 1;
  if (pendingChars >= FLUSH_CHARS) flushLog();
  else flushTimer ??= setTimeout(flushLog, 0);
};

/**
 * Characters `JSON.stringify()` writes raw that are line breaks or controls to someone reading the
 * log: DEL and the C1 controls (U+0085 NEL is a line break to many readers), the line and
 * paragraph separators U+2028 and U+2029 (valid JSON, but a line break to JavaScript before
 * ES2019, to editors and to log shippers that split on Unicode line ends), and the bidirectional
 * formatting characters that make a terminal show text in another order than it is. (C0 controls
 * are escaped by JSON itself, lone surrogates by a well-formed `JSON.stringify()`.)
 */
const RAW_CONTROLS = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeControl = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `value` as one line of JSON that stays one line for every reader: `JSON.stringify()`, with the
 * characters of {@link RAW_CONTROLS} written as `\uXXXX` escapes. They can only stand inside
 * strings, so the line parses to the same value. Free text from forms (an exemption's reason, a
 * report's handling note) reaches the log through here.
 *
 * @param value what to write (JSON-serialisable)
 * @returns one line of JSON, without a line end
 * @example A reason with a line separator in it
 * ```ts
 * import assert from "node:assert/strict";
 * const line = jsonLine({ reason: "Lab\u2028machine" });
 * assert.equal(line, String.raw`{"reason":"Lab\u2028machine"}`);
 * assert.deepEqual(JSON.parse(line), { reason: "Lab\u2028machine" });
 * ```
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(RAW_CONTROLS, escapeControl);
}

/**
 * Creates a logger.
 *
 * @param options minimum level (default from `LOG_LEVEL`, else `info`), sink, base fields
 * @returns the logger
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const log = createLogger({ level: "info", sink: (_level, line) => void lines.push(line) });
 * log.debug("not written: below info");
 * log.child({ source: "jamf" }).warn("slow answer", { ms: 900 });
 * assert.equal(lines.length, 1);
 * const { msg, level, source, ms } = JSON.parse(lines[0]!);
 * assert.deepEqual([msg, level, source, ms], ["slow answer", "warn", "jamf", 900]);
 * ```
 */
export function createLogger(
  options: { level?: Level; sink?: Sink; fields?: Fields } = {},
): Logger {
  const min = ORDER[options.level ?? envLevel()];
  const sink = options.sink ?? stdSink;
  const base = options.fields ?? {};
  const write = (level: Level, msg: string, fields?: Fields) => {
    if (ORDER[level] < min) return;
    sink(level, jsonLine({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = createLogger({ sink: () => {} });

function envLevel(): Level {
  try {
    const v = Deno.env.get("LOG_LEVEL");
    if (v === "debug" || v === "info" || v === "warn" || v === "error") return v;
  } catch {
    // no env permission: keep the default
  }
  return "info";
}
