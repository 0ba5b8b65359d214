/**
 * How this app talks HTTP to the OpenID provider, given to openid-client as its `customFetch`:
 * through `plugins/outbound.ts` (redirects only within the provider's origin, `http:` because the
 * issuer is a setting the operator wrote, the `oidc` answer ceiling), a key set that must be one,
 * and a failure to connect, an oversized answer or a passed deadline as the plain-words 502 of an
 * unreachable provider naming the host and the cause. The deadline is openid-client's `timeout`
 * joined to {@link PROVIDER_TIMEOUT_MS}. Changes when those limits do.
 *
 * @module
 */
import type { CustomFetch } from "openid-client";
import { fetchFailure } from "../../lib/fetch_failure.ts";
import { ANSWER_CEILINGS, outboundFetch } from "../../plugins/outbound.ts";
import { unreachable } from "./oidc_rules.ts";

/** The deadline of one call to the provider (discovery, token endpoint, keys). */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** The most an answer of the provider may hold (`ANSWER_CEILINGS.oidc`). */
export const MAX_BODY_BYTES = ANSWER_CEILINGS.oidc;

const send = outboundFetch("oidc", {
  name: "OpenID provider",
  timeoutMs: PROVIDER_TIMEOUT_MS,
  allowHttp: true,
});

/**
 * The `customFetch` of openid-client for one part of the provider.
 *
 * @param what the part, for the 502's words ("discovery", "token endpoint")
 * @param jwksUri the key set's URL: its answer must be 200 with a `keys` array, else the 502 says
 *   "keys answered unexpectedly"
 * @returns a fetch answering the provider's response with its body read whole (at most
 *   {@link MAX_BODY_BYTES})
 * @throws {OidcRefused} 502 `provider_unreachable` (from the fetch) when the provider cannot be
 *   reached (its `detail` has the host and the cause), answers too much, or publishes no key set
 */
export function providerFetch(what: string, jwksUri?: string): CustomFetch {
  return async (url, init) => {
    const part = url === jwksUri ? "keys" : what;
    const host = new URL(url).host;
    let response: Response;
    let text: string;
    try {
      response = await send(url, init as RequestInit);
    } catch (error: unknown) {
      throw unreachable(part, { host, cause: fetchFailure(error, url).cause });
    }
    try {
      text = await response.text();
    } catch {
      throw unreachable(`${part} answered too much`, {
        host,
        cause: `over ${MAX_BODY_BYTES} bytes`,
      });
    }
    if (part === "keys" && !isKeySet(response.status, text)) {
      throw unreachable("keys answered unexpectedly", { status: String(response.status) });
    }
    return new Response(text, { status: response.status, headers: response.headers });
  };
}

function isKeySet(status: number, text: string): boolean {
  if (status !== 200) return false;
  try {
    return Array.isArray((JSON.parse(text) as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}
