/**
 * The one door every request Stethoscope makes goes through — sources, sinks, release feeds,
 * OpenID Connect, token endpoints — so that one set of rules holds for all of them:
 *
 * - **schemes**: `https:` only; `http:` only when the caller says the URL is the one a setting
 *   names (`allowHttp`); never `file:` or anything else;
 * - **redirects**: followed only within the request's own origin, at most
 *   {@link MAX_REDIRECTS}; never to another origin; never for release feeds; never for a
 *   credentialed request that has a body (its credentials would be re-sent);
 * - **answer size**: a ceiling per kind ({@link ANSWER_CEILINGS}); a declared `Content-Length`
 *   over it is refused before reading, and a streamed body is cut at it with an
 *   {@link OutboundError};
 * - **time**: the caller's signal joined to the call's own deadline (`timeoutMs`);
 * - **logs**: every message this module writes is redacted: the `Authorization` header, secret
 *   form fields (`client_secret`, `assertion`, …) and token-like query values.
 *
 * A test (`tests/plugins/outbound_structure_test.ts`) fails when a module under `plugins/` or
 * `routes/` calls `fetch` or builds an SDK transport around it. Changes when one of these rules
 * changes.
 *
 * @module
 */
import { UpstreamError } from "../engine/core/ports.ts";
import { deadlineSignal, notAnsweredWithin } from "../lib/abort.ts";
import { errorMessage } from "../lib/error_message.ts";
import { redactUrl } from "./http_redact.ts";

/** What a request is for; each kind has its own answer-size ceiling. */
export type OutboundKind = "source" | "token" | "feed" | "sink" | "oidc" | "health" | "store";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The largest answer read for each kind, in bytes: a token answer is a few hundred bytes (64 KiB
 * leaves room for any real one), an OpenID document or key set a few kilobytes, a sink's or a
 * health check's answer an acknowledgement; a page of a source listing and a release feed are the
 * large ones (the SOFA macOS feed is about 1 MB; a Graph page of 1000 devices about 3 MB); the
 * store (Elasticsearch, through its own client: `maxResponseSize`) answers searches of up to a few
 * thousand documents.
 */
export const ANSWER_CEILINGS: Readonly<Record<OutboundKind, number>> = {
  token: 64 * KIB,
  oidc: 256 * KIB,
  health: 64 * KIB,
  sink: MIB,
  feed: 16 * MIB,
  source: 10 * MIB,
  store: 64 * MIB,
};

/** Redirects followed within one origin, at most. */
export const MAX_REDIRECTS = 3;

/**
 * A request refused by the outbound rules (`refused`), an answer over its ceiling (`too-large`),
 * or an upstream that could not be reached (`unreachable`, the only one worth retrying).
 */
export class OutboundError extends UpstreamError {
  override name = "OutboundError";
  /** Why the request failed. */
  readonly reason: "refused" | "too-large" | "unreachable";
  /**
   * @param message what happened, already redacted
   * @param reason why the request failed
   * @param status the upstream's HTTP status, if it answered one
   */
  constructor(
    message: string,
    reason: "refused" | "too-large" | "unreachable",
    status?: number,
  ) {
    super(message, status);
    this.reason = reason;
  }
}

/** How one request is made, beyond what `fetch` is given. */
export interface OutboundOptions {
  /** The upstream as operators know it (`Intune token endpoint`), for messages. */
  name?: string;
  /** The caller's signal; its reason is rethrown when it aborts. */
  signal?: AbortSignal;
  /** The call's own deadline in ms, joined to `signal` (default: none beyond `signal`). */
  timeoutMs?: number | null;
  /**
   * The request carries credentials (an `Authorization` header, a client secret or assertion in
   * the body, a key in the query). Default: true for `token` requests and whenever
   * {@link carriesCredentials} says so. A credentialed request is never redirected to another origin and
   * never re-sends its body.
   */
  credentialed?: boolean;
  /** Overrides the kind's ceiling (bytes); a source whose setting allows bigger pages. */
  maxBytes?: number;
  /** `http:` is allowed: the URL is the one a setting names explicitly. */
  allowHttp?: boolean;
  /** Further secrets to hide from messages (a client secret sent some other way). */
  secrets?: readonly string[];
  /** Replaces the transport (tests); it is called with `redirect: "manual"`. */
  fetch?: typeof fetch;
}

const SECRET_FIELDS = new Set([
  "client_secret",
  "client_assertion",
  "assertion",
  "password",
  "refresh_token",
  "code",
  "code_verifier",
  "api_token",
  "token",
]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Makes one request under the outbound rules and answers the final response, whose body is cut at
 * the kind's ceiling: reading past it rejects with an {@link OutboundError} naming the limit.
 *
 * @param kind what the request is for (chooses the size ceiling and the redirect rule)
 * @param url an absolute `https:` URL (`http:` with `allowHttp`)
 * @param init what `fetch` is given; `redirect` and `signal` are set here
 * @param options name, signal, deadline, credentials, limits
 * @returns the answer (any status; 3xx only when a redirect was not to be followed is thrown)
 * @throws {OutboundError} on a refused scheme or redirect, a declared body over the ceiling, or a
 *   transport failure (message redacted); the signal's reason when the caller aborted
 * @example A token request
 * ```ts
 * import assert from "node:assert/strict";
 * const url = "https://login.example/token";
 * const body = new URLSearchParams({ grant_type: "client_credentials", client_secret: "s3cret" });
 * const token = () => Promise.resolve(Response.json({ access_token: "t1", expires_in: 3599 }));
 * const answer = await outbound("token", url, { method: "POST", body }, { fetch: token });
 * assert.deepEqual(await answer.json(), { access_token: "t1", expires_in: 3599 });
 * const moved = () => Promise.resolve(Response.redirect("https://elsewhere.example/token", 307));
 * await assert.rejects(outbound("token", url, { method: "POST", body }, { fetch: moved }), {
 *   name: "OutboundError",
 *   message: `token: ${url} answered HTTP 307 to https://elsewhere.example/token; redirects to ` +
 *     "another origin are not followed: set the URL the upstream redirects to",
 * });
 * ```
 */
export async function outbound(
  kind: OutboundKind,
  url: string | URL,
  init: RequestInit,
  options: OutboundOptions = {},
): Promise<Response> {
  const name = options.name ?? kind;
  const clean = outboundRedactor(init, options.secrets);
  const first = checkedUrl(url, options.allowHttp === true, name, clean);
  const credentialed = options.credentialed ?? (kind === "token" || carriesCredentials(init));
  const hasBody = init.body !== undefined && init.body !== null;
  const maxBytes = options.maxBytes ?? ANSWER_CEILINGS[kind];
  const transport = options.fetch ?? fetch;
  const { signal, done: dispose } = deadlineSignal(
    options.signal,
    options.timeoutMs ?? null,
    (ms) => new UpstreamError(notAnsweredWithin(name, ms)),
  );
  let current = first;
  let request: RequestInit = { ...init };
  try {
    for (let redirects = 0;; redirects++) {
      let response: Response;
      try {
        response = await transport(current, { ...request, redirect: "manual", signal });
      } catch (error: unknown) {
        if (signal.aborted) throw signal.reason ?? error;
        const failure = new OutboundError(
          clean(`${name}: cannot reach ${where(current)}: ${errorMessage(error)}`),
          "unreachable",
        );
        failure.cause = error; // the transport's own error, for callers that word it themselves
        throw failure;
      }
      if (!REDIRECT_STATUSES.has(response.status)) {
        return bounded(response, maxBytes, name, signal, dispose);
      }
      await response.body?.cancel();
      const next = redirectTarget(response, current, name, clean);
      const refusal = kind === "feed"
        ? "release feeds follow no redirect"
        : next.origin !== current.origin
        ? "redirects to another origin are not followed"
        : credentialed && hasBody
        ? "a request with credentials is not re-sent"
        : redirects >= MAX_REDIRECTS
        ? `more than ${MAX_REDIRECTS} redirects`
        : null;
      if (refusal !== null) {
        throw new OutboundError(
          clean(
            `${name}: ${where(current)} answered HTTP ${response.status} to ${where(next)}; ` +
              `${refusal}: set the URL the upstream redirects to`,
          ),
          "refused",
          response.status,
        );
      }
      if (response.status === 303 || (response.status <= 302 && request.method === "POST")) {
        request = { ...request, method: "GET", body: null };
      }
      current = next;
    }
  } catch (error: unknown) {
    dispose();
    throw error;
  }
}

/**
 * A `fetch` for libraries that take one (openid-client's `customFetch`, jose's key set,
 * googleapis' `fetchImplementation`): every call goes through {@link outbound} with `kind` and
 * `options`, the URL a `string`, `URL` or `Request`.
 *
 * @param kind the kind every call is
 * @param options as for {@link outbound}; `signal` is joined with each call's own
 * @returns a function with `fetch`'s signature
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const big = () => Promise.resolve(new Response("x".repeat(2_000_000)));
 * const keysFetch = outboundFetch("oidc", {
 *   name: "OpenID provider",
 *   timeoutMs: 10_000,
 *   fetch: big,
 * });
 * // e.g. new jose.RemoteJWKSet(url, { [jose.customFetch]: keysFetch })
 * const answer = await keysFetch("https://id.example/jwks");
 * await assert.rejects(answer.text(), {
 *   message: "OpenID provider: the answer is larger than 262144 bytes, the limit; not read",
 * });
 * ```
 */
export function outboundFetch(kind: OutboundKind, options: OutboundOptions = {}): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : null;
    const merged: RequestInit = request === null ? { ...init } : {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: await request.arrayBuffer() } : {}),
      ...init,
    };
    const signals = [options.signal, init?.signal ?? request?.signal].filter(
      (s): s is AbortSignal => s instanceof AbortSignal,
    );
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    return await outbound(kind, request?.url ?? input as string | URL, merged, {
      ...options,
      ...(signal ? { signal } : {}),
    });
  };
}

/**
 * Reads an answer's body as text for a message: at most `limit` characters, with every secret the
 * request carried (and token-like query values) replaced by `REDACTED`, so an upstream that echoes
 * a client secret in its error does not put it in the log.
 *
 * @param response the upstream's answer (its body is consumed)
 * @param init the request it answers (its credentials are what is hidden)
 * @param limit the most characters kept (default 300)
 * @returns the redacted text, `""` when the body cannot be read
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const init = { body: new URLSearchParams({ client_secret: "s3cret" }) };
 * assert.equal(await redactedText(new Response("bad secret s3cret"), init), "bad secret REDACTED");
 * ```
 */
export async function redactedText(
  response: Response,
  init: RequestInit,
  limit = 300,
): Promise<string> {
  const text = await response.text().catch(() => "");
  return outboundRedactor(init)(text).slice(0, limit);
}

/**
 * A function hiding what a request carries that is secret: its `Authorization` value (whole and
 * without the scheme word), the values of its secret form fields (`client_secret`,
 * `client_assertion`, `assertion`, `password`, `refresh_token`, `code`, `code_verifier`,
 * `api_token`, `token`), `extra`, and token-like query values ({@link redactUrl}). Values shorter
 * than 4 characters are left alone.
 *
 * @param init the request
 * @param extra further secrets
 * @returns the cleaning function
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const clean = outboundRedactor({ headers: { Authorization: "Bearer abcd1234" } });
 * assert.equal(clean("got abcd1234"), "got REDACTED");
 * ```
 */
export function outboundRedactor(
  init: RequestInit,
  extra: readonly string[] = [],
): (text: string) => string {
  const secrets = [...extra];
  const auth = new Headers(init.headers).get("Authorization");
  if (auth !== null) secrets.push(auth, auth.replace(/^\w+\s+/, ""));
  for (const [k, v] of formOf(init) ?? []) {
    if (SECRET_FIELDS.has(k.toLowerCase())) secrets.push(v, encodeURIComponent(v));
  }
  const kept = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) =>
    b.length - a.length
  );
  return (text) => kept.reduce((t, s) => t.split(s).join("REDACTED"), redactUrl(text));
}

/**
 * Whether a request carries credentials by its look: an `Authorization` header, or a form body
 * with a secret field (`client_secret`, `assertion`, `password`, …, as {@link outboundRedactor}).
 *
 * @param init the request
 * @returns true when it does
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   carriesCredentials({ body: new URLSearchParams({ client_secret: "s3cret" }) }),
 *   true,
 * );
 * assert.equal(carriesCredentials({ headers: { Accept: "application/json" } }), false);
 * ```
 */
export function carriesCredentials(init: RequestInit): boolean {
  if (new Headers(init.headers).has("Authorization")) return true;
  return [...formOf(init)?.keys() ?? []].some((k) => SECRET_FIELDS.has(k.toLowerCase()));
}

function formOf(init: RequestInit): URLSearchParams | null {
  if (init.body instanceof URLSearchParams) return init.body;
  if (typeof init.body === "string" && !/^\s*[[{]/.test(init.body)) {
    return new URLSearchParams(init.body);
  }
  return null;
}

function checkedUrl(
  url: string | URL,
  allowHttp: boolean,
  name: string,
  clean: (text: string) => string,
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundError(clean(`${name}: "${String(url)}" is not an absolute URL`), "refused");
  }
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && allowHttp)) return parsed;
  const allowed = allowHttp ? "https: or http:" : "https:";
  throw new OutboundError(
    clean(`${name}: refused the ${parsed.protocol} URL ${where(parsed)}; only ${allowed} is used`),
    "refused",
  );
}

function redirectTarget(
  response: Response,
  from: URL,
  name: string,
  clean: (text: string) => string,
): URL {
  const location = response.headers.get("Location");
  try {
    if (location === null) throw new TypeError("no Location");
    return new URL(location, from);
  } catch {
    throw new OutboundError(
      clean(`${name}: ${where(from)} answered HTTP ${response.status} without a usable Location`),
      "refused",
      response.status,
    );
  }
}

/** The URL without credentials, query or fragment: safe to print. */
function where(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function bounded(
  response: Response,
  maxBytes: number,
  name: string,
  signal: AbortSignal,
  dispose: () => void,
): Response {
  const tooMuch = () =>
    new OutboundError(
      `${name}: the answer is larger than ${maxBytes} bytes, the limit; not read`,
      "too-large",
    );
  const declared = Number(response.headers.get("Content-Length") ?? "NaN");
  if (declared > maxBytes) {
    dispose();
    void response.body?.cancel();
    throw tooMuch();
  }
  if (response.body === null) {
    dispose();
    return response;
  }
  let size = 0;
  const cut = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        dispose();
        controller.error(tooMuch());
        return;
      }
      controller.enqueue(chunk);
    },
    flush: dispose,
  });
  signal.addEventListener("abort", dispose, { once: true });
  return new Response(response.body.pipeThrough(cut), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
