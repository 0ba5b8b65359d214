/**
 * A bearer token kept until shortly before it expires, renewed by one exchange shared by every
 * caller that needs a token meanwhile (OAuth 2.0 token endpoints: Google's service-account JWT
 * grant, Entra ID's client-credentials grant). One reason to change: how a cached access token is
 * kept, shared and renewed — what the exchange sends and how it words a refusal stay with each
 * source.
 *
 * @module
 */
import { abortable } from "../lib/abort.ts";
import { singleFlight } from "../lib/single_flight.ts";
import { underOwnDeadline } from "./http_abort.ts";

/** What one exchange at the token endpoint got. */
export interface IssuedToken {
  /** The access token (the `access_token` field). */
  token: string;
  /** How long it is valid from now, in ms (the `expires_in` field, in seconds, × 1,000). */
  lifetimeMs: number;
}

/** How a {@link renewingToken} renews. */
export interface RenewingTokenOptions {
  /**
   * One exchange at the token endpoint; throws in plain words when it fails. Its signal is the
   * exchange's own deadline, never a caller's.
   */
  exchange(signal: AbortSignal): Promise<IssuedToken>;
  /** The token is renewed this long before it expires, in ms. */
  earlyRefreshMs: number;
  /** Limit for one exchange (all its attempts), in ms. */
  exchangeTimeoutMs: number;
  /** The endpoint in the timeout's message, e.g. `"Google token endpoint"`. */
  endpoint: string;
  now: () => Date;
}

/** A kept, renewing access token; see {@link renewingToken}. */
export interface RenewingToken {
  /**
   * The kept token while it is good, else the shared exchange's; rejects with the exchange's
   * error, the deadline's `UpstreamError`, or `signal`'s reason when it aborts first.
   */
  token(signal: AbortSignal): Promise<string>;
  /** Drops the kept token (the API refused it: expired or revoked), so the next call renews. */
  forget(): void;
}

/**
 * A token holder: the kept token while it is good, else the shared exchange's. The exchange runs
 * under its own deadline ({@link RenewingTokenOptions.exchangeTimeoutMs}), never a caller's
 * signal: one caller giving up must not fail the others. A failed exchange is not kept; the next
 * call tries again.
 *
 * @param options the exchange, its deadline, the early-renewal margin and the clock
 * @returns `token(signal)`, resolving to the access token, rejecting with the exchange's error,
 *   the deadline's `UpstreamError` ("… did not answer within N s"), or the caller's signal's
 *   reason when it aborts first (the exchange carries on for the others); and `forget()`
 * @example A token renewed a minute before it expires
 * ```ts
 * import assert from "node:assert/strict";
 * import { renewingToken } from "./renewing_token.ts";
 * let exchanges = 0;
 * const { token } = renewingToken({
 *   exchange: () => Promise.resolve({ token: `t${++exchanges}`, lifetimeMs: 3_600_000 }),
 *   earlyRefreshMs: 60_000,
 *   exchangeTimeoutMs: 30_000,
 *   endpoint: "Example token endpoint",
 *   now: () => new Date(),
 * });
 * const signal = AbortSignal.timeout(5_000);
 * assert.deepEqual(await Promise.all([token(signal), token(signal)]), ["t1", "t1"]);
 * assert.equal(exchanges, 1); // one exchange, shared, then cached for the hour
 * ```
 */
export function renewingToken(
  options: RenewingTokenOptions,
): RenewingToken {
  let cached: { token: string; renewAt: number } | null = null;
  const renewal = singleFlight(() =>
    underOwnDeadline(options.exchangeTimeoutMs, options.endpoint, async (signal) => {
      const issued = await options.exchange(signal);
      cached = {
        token: issued.token,
        renewAt: options.now().getTime() + issued.lifetimeMs - options.earlyRefreshMs,
      };
      return issued.token;
    })
  );
  return {
    token(signal) {
      if (cached && options.now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
      return abortable(renewal.run(), signal);
    },
    forget() {
      cached = null;
    },
  };
}
