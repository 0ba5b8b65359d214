/**
 * Why a connection to an upstream failed, in the words an operator acts on: the DNS name did not
 * resolve, the port refused, TLS failed, the deadline passed, or the connection was reset. Deno's
 * `fetch` rejects with `TypeError: fetch failed` whose `cause` carries hyper/rustls's text
 * ("tcp connect error: Connection refused (os error 111)", "dns error: failed to lookup address
 * information", "invalid peer certificate: UnknownIssuer", "received corrupt message of type
 * InvalidContentType" for TLS spoken to a plain-HTTP port); an abort by `AbortSignal.timeout` is a
 * `TimeoutError`. Changes when the runtime words these differently.
 *
 * @module
 */

/** The kinds of connection failure told apart. */
export type NetworkCauseKind = "DNS" | "refused" | "TLS" | "timeout" | "reset" | "other";

const PATTERNS: [NetworkCauseKind, RegExp][] = [
  ["DNS", /dns error|failed to lookup address|name or service not known|no such host/i],
  ["refused", /connection refused|os error 111|ECONNREFUSED/i],
  ["timeout", /timed out|TimeoutError|deadline/i],
  ["reset", /connection reset|broken pipe|ECONNRESET|connection closed before message completed/i],
  ["TLS", /certificate|tls|handshake|InvalidContentType|corrupt message|peer/i],
];

/**
 * Classifies a failed `fetch` (or any error whose `cause` chain holds its text).
 *
 * @param error what `fetch` rejected with
 * @returns the kind and a short reason for a log line or a check's output (at most 200
 *   characters; the URL's query is never part of it)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkCause } from "./network_cause.ts";
 * const refused = new TypeError("fetch failed", {
 *   cause: new Error("client error (Connect): tcp connect error: Connection refused (os error 111)"),
 * });
 * assert.equal(networkCause(refused), "refused (connection refused)");
 * assert.equal(networkCause(new DOMException("aborted", "TimeoutError")), "timeout");
 * ```
 */
export function networkCause(error: unknown): string {
  const texts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error || e instanceof DOMException) {
      texts.push(`${e.name}: ${e.message}`);
      e = (e as { cause?: unknown }).cause;
    } else {
      texts.push(String(e));
      break;
    }
  }
  const all = texts.join(" | ");
  const kind = PATTERNS.find(([, re]) => re.test(all))?.[0] ?? "other";
  switch (kind) {
    case "timeout":
      return "timeout";
    case "refused":
      return "refused (connection refused)";
    case "DNS":
      return "DNS (the name does not resolve)";
    case "reset":
      return "reset (the connection was closed)";
    default: {
      const last = (texts.at(-1) ?? "").replace(/https?:\/\/[^\s)]*/g, (u) => u.split("?")[0]!);
      const detail = last.replace(/^.*client error \(Connect\):\s*/, "").slice(0, 160);
      return kind === "TLS" ? `TLS (${detail})` : detail;
    }
  }
}
