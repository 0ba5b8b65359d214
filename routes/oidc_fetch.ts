/**
 * How this app talks HTTP to the OpenID provider, through `plugins/outbound.ts`: a deadline,
 * redirects only within the provider's origin and a size limit on every answer, and a failure to connect (or an oversized answer) as the plain-words 502 of an
 * unreachable provider. Changes when those limits do.
 *
 * @module
 */
import { readBounded } from "../plugins/http_body.ts";
import { ANSWER_CEILINGS, outbound, type OutboundOptions } from "../plugins/outbound.ts";
import { unreachable } from "./oidc_rules.ts";

/** The deadline of one call to the provider (discovery, token endpoint, keys). */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** The most an answer of the provider may hold (`ANSWER_CEILINGS.oidc`). */
export const MAX_BODY_BYTES = ANSWER_CEILINGS.oidc;
/**
 * How every call to the provider goes out: under its deadline, `http:` allowed because the issuer
 * is a setting (the address the operator wrote), redirects only within the provider's origin.
 */
const PROVIDER: OutboundOptions = {
  name: "OpenID provider",
  timeoutMs: PROVIDER_TIMEOUT_MS,
  allowHttp: true,
};

/**
 * GETs or POSTs to the provider and parses a bounded JSON answer.
 *
 * @param url the endpoint
 * @param init method, headers, body (redirects and the deadline are set here)
 * @param what the part of the provider, for the 502's words ("discovery", "token endpoint")
 * @returns the status, and the parsed JSON (`undefined` when the body is not JSON)
 * @throws {OidcRefused} 502 when the provider cannot be reached or answers more than
 *   {@link MAX_BODY_BYTES}
 */
export async function fetchJson(
  url: string,
  init: RequestInit,
  what: string,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await outbound("oidc", url, init, PROVIDER);
  } catch {
    throw unreachable(what);
  }
  const text = await readBounded(response, MAX_BODY_BYTES).catch(() => null);
  if (text === null) throw unreachable(`${what} answered too much`);
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/**
 * `fetch` for jose's remote key set: redirects only within its origin, at most {@link MAX_BODY_BYTES}, and a failure
 * to connect or an oversized answer as the plain-words 502 of an unreachable provider (jose sets
 * the deadline).
 *
 * @param url the JWKS URL
 * @param init what jose asks with
 * @returns the answer, its body read whole
 * @throws {OidcRefused} 502 as above
 */
export async function boundedFetch(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await outbound("oidc", url, init, {
      ...PROVIDER,
      timeoutMs: null,
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch {
    throw unreachable("keys");
  }
  const text = await readBounded(response, MAX_BODY_BYTES).catch(() => null);
  if (text === null) throw unreachable("keys answered too much");
  return new Response(text, { status: response.status, headers: response.headers });
}
