/**
 * Why a request never got an answer, in an operator's words: the host and port it went to and the
 * cause — DNS, connection refused, TLS, timeout, connection closed — read from what Deno's `fetch`
 * throws (a `TypeError("fetch failed")` whose `cause` says, e.g., "client error (Connect): tcp
 * connect error: Connection refused (os error 111)"). A pure function of the error and the URL,
 * so every outbound path (plugins/http.ts, the outbound module, token clients) words it alike.
 * Changes when Deno's wording does (the patterns below were taken from Deno 2.9.6).
 *
 * @module
 */

/** What {@link fetchFailure} found. */
export interface FetchFailure {
  /** The host name or address as in the URL (IPv6 in brackets). */
  host: string;
  /** The port, the scheme's default when the URL has none. */
  port: number;
  /** The kind of failure. */
  kind: "dns" | "refused" | "tls" | "timeout" | "closed" | "unroutable" | "blocked" | "other";
  /** The cause in plain words, e.g. `connection refused`; never contains the URL. */
  cause: string;
}

const DEFAULT_PORTS: Record<string, number> = { "https:": 443, "http:": 80 };
const DNS_RE =
  /dns error|failed to lookup address|name or service not known|no address associated|nodename nor servname|temporary failure in name resolution|ENOTFOUND|EAI_AGAIN/i;
const DNS_DETAIL_RE = /failed to lookup address information: (.+)$/i;
const REFUSED_RE = /connection refused|ECONNREFUSED|os error 111\b|os error 61\b/i;
const CERT_RE = /invalid peer certificate: (.+)$/i;
const TLS_RE = /corrupt message|InvalidContentType|tls|ssl|handshake|certificate/i;
const CLOSED_RE =
  /connection closed before message completed|connection reset|ECONNRESET|os error 104\b|broken pipe|unexpected eof/i;
const TIMEOUT_RE = /timed out|TimeoutError|ETIMEDOUT|os error 110\b/i;
const UNROUTABLE_RE =
  /no route to host|network is unreachable|EHOSTUNREACH|ENETUNREACH|os error 11[3]\b|os error 101\b/i;
const BLOCKED_RE = /requests to port (\d+) are blocked/i;
const PREFIX_RE = /^.*?error sending request (?:for url|from [^ ]+ for) [^)]*\)(?: \([^)]*\))?: /i;

/** Every message in the error's `cause` chain, outermost first (at most 5 deep). */
function messages(error: unknown): string[] {
  const out: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 5 && e !== undefined && e !== null; i++) {
    if (e instanceof Error) {
      out.push(e.name === "TimeoutError" ? `TimeoutError: ${e.message}` : e.message);
      e = e.cause;
    } else {
      out.push(String(e));
      break;
    }
  }
  return out;
}

function certificateCause(detail: string, host: string): string {
  if (/NotValidForName/i.test(detail)) return `TLS: the certificate is not valid for ${host}`;
  if (/Expired/i.test(detail)) return "TLS: the certificate has expired";
  if (/UnknownIssuer|CaUsedAsEndEntity|SelfSigned/i.test(detail)) {
    return `TLS: the certificate is not trusted (self-signed or unknown issuer: ${detail})`;
  }
  return `TLS: invalid certificate (${detail})`;
}

/**
 * `HOST:PORT` of a URL, the scheme's default port when it names none.
 *
 * @param url the URL asked
 * @returns e.g. `jamf.example.com:443`, `[::1]:8443`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(hostPort("https://jamf.example.com/api"), "jamf.example.com:443");
 * ```
 */
export function hostPort(url: URL | string): string {
  const u = typeof url === "string" ? new URL(url) : url;
  return `${u.hostname}:${u.port === "" ? DEFAULT_PORTS[u.protocol] ?? 0 : u.port}`;
}

/**
 * The host, port and cause of a request that got no answer.
 *
 * @param error what `fetch` threw (its `cause` chain is read)
 * @param url the URL asked
 * @returns where it went and why it failed; `kind: "other"` with the innermost message (the URL
 *   cut out) when the cause is not recognised
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const refused = new TypeError("fetch failed", {
 *   cause: new Error(
 *     "error sending request for url (http://127.0.0.1:8443/x): client error (Connect): " +
 *       "tcp connect error: Connection refused (os error 111)",
 *   ),
 * });
 * assert.deepEqual(fetchFailure(refused, "http://127.0.0.1:8443/x"), {
 *   host: "127.0.0.1", port: 8443, kind: "refused", cause: "connection refused",
 * });
 * ```
 */
export function fetchFailure(error: unknown, url: URL | string): FetchFailure {
  const u = typeof url === "string" ? new URL(url) : url;
  const host = u.hostname;
  const port = u.port === "" ? DEFAULT_PORTS[u.protocol] ?? 0 : Number(u.port);
  const all = messages(error);
  const text = all.join(" | ");
  const at = (kind: FetchFailure["kind"], cause: string): FetchFailure => ({
    host,
    port,
    kind,
    cause,
  });
  const blocked = BLOCKED_RE.exec(text);
  if (blocked) {
    return at("blocked", `fetch refuses port ${blocked[1]} (a port reserved for other protocols)`);
  }
  if (DNS_RE.test(text)) {
    const detail = all.map((m) => DNS_DETAIL_RE.exec(m)?.[1]).find((d) => d !== undefined);
    return at("dns", `DNS lookup of ${host} failed${detail ? ` (${detail})` : ""}`);
  }
  if (REFUSED_RE.test(text)) return at("refused", "connection refused");
  const cert = all.map((m) => CERT_RE.exec(m)?.[1]).find((d) => d !== undefined);
  if (cert !== undefined) return at("tls", certificateCause(cert, host));
  if (TLS_RE.test(text)) {
    const plain = /InvalidContentType|corrupt message/i.test(text)
      ? " (the port answered something other than TLS: plain HTTP?)"
      : "";
    return at("tls", `TLS handshake failed${plain}`);
  }
  if (TIMEOUT_RE.test(text)) return at("timeout", "timed out");
  if (UNROUTABLE_RE.test(text)) {
    return at("unroutable", /network/i.test(text) ? "network unreachable" : "no route to host");
  }
  if (CLOSED_RE.test(text)) return at("closed", "the connection closed before an answer");
  const inner = (all.at(-1) ?? "").replace(PREFIX_RE, "").replace(/^client error \([^)]*\): /i, "")
    .replace(/https?:\/\/\S+/g, "…");
  return at("other", inner === "" ? "no answer" : inner);
}

/**
 * The one-line wording of an unanswered request: `cannot reach HOST:PORT (REQUEST): CAUSE`.
 *
 * @param url the URL asked
 * @param request what was asked, e.g. `POST /api/oauth/token` (already redacted)
 * @param error what `fetch` threw
 * @returns e.g. `cannot reach 127.0.0.1:8443 (POST /api/oauth/token): connection refused`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   cannotReach("https://jamf.example.com/api", "GET /api", new TypeError("fetch failed")),
 *   "cannot reach jamf.example.com:443 (GET /api): fetch failed",
 * );
 * ```
 */
export function cannotReach(url: URL | string, request: string, error: unknown): string {
  const f = fetchFailure(error, url);
  return `cannot reach ${f.host}:${f.port} (${request}): ${f.cause}`;
}
