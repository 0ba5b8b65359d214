/**
 * The one sanctioned logger: one JSON object per line on stdout (info) or stderr (warn, error),
 * implementing the engine's `Logger` port (`engine/core/log.ts`).
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

/** The default sink: info and below to stdout, warnings and errors to stderr. */
export const stdSink: Sink = (level: Level, line: string): void => {
  const bytes = encoder.encode(line + "\n");
  if (ORDER[level] >= ORDER.warn) Deno.stderr.writeSync(bytes);
  else Deno.stdout.writeSync(bytes);
};

/**
 * Creates a logger.
 *
 * @param options minimum level (default from `LOG_LEVEL`, else `info`), sink, base fields
 * @returns the logger
 * @example
 * ```ts
 * const log = createLogger({ level: "info" });
 * log.info("listening", { address: "127.0.0.1:8000" });
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
    sink(level, JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
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
