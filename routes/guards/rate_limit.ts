/**
 * Rate limits per client address: a token bucket for sign-in routes (`/login`, `/auth/*`:
 * `RATE_LIMITS.LOGIN`, default 20 per 60 s) and for the JSON API (`/api/*`: `RATE_LIMITS.API`,
 * default 120 per 60 s). Over the limit: `429` with `Retry-After` (seconds) and a plain message.
 *
 * The buckets live in the shared store when one is given (issue 24: N processes behind a load
 * balancer allow 20 sign-ins a minute from an address together, not 20 each); a store that
 * fails falls back to this process's own buckets (logged), so a store outage neither lets a flood
 * through unlimited nor refuses everyone. In-process memory is bounded: past `maxBuckets`, buckets
 * full again are forgotten first, then the least recently used.
 *
 * The client address is the connection's peer (Deno's connection info), or `"unknown"` when the
 * app runs without one. `X-Forwarded-For` is honoured only when the peer is one of
 * `TRUSTED_PROXIES`: the address used is then the right-most one that is not a trusted proxy.
 * Buckets are kept per IPv4 address and per IPv6 /64 (an IPv4-mapped IPv6 address is its IPv4
 * address): see `bucketKey()` in `proxies.ts`, loaded at the first IPv6 client.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../config/log.ts";
import type { CoordinationStore } from "../../engine/core/store_ports.ts";
import { errorMessage } from "../../lib/error_message.ts";
import { type Bucket, takeToken } from "../../lib/token_bucket.ts";

/** A limit: `requests` per `perSeconds`. */
export interface Limit {
  requests: number;
  perSeconds: number;
}

/** Defaults when `RATE_LIMITS` does not say. */
export const DEFAULT_LIMITS: { LOGIN: Limit; API: Limit } = {
  LOGIN: { requests: 20, perSeconds: 60 },
  API: { requests: 120, perSeconds: 60 },
};

/**
 * The sign-in limit of demo mode when none is configured: trying the demo means switching
 * between its people often (each switch is two sign-in requests), which 20 a minute cut short.
 */
export const DEMO_LOGIN_LIMIT: Limit = { requests: 120, perSeconds: 60 };

/** A bucket in this process, and when it is full again (forgetting it then changes nothing). */
interface Held {
  bucket: Bucket;
  fullAt: number;
}

/**
 * Token buckets for one limit, keyed by client address, in this process: at most `maxBuckets`
 * (lru-cache); a new address past that first forgets the buckets full again, then the least
 * recently used.
 */
export class TokenBuckets {
  readonly #limit: Limit;
  readonly #buckets: LRUCache<string, Held>;

  /** @param limit the rate  @param maxBuckets the most addresses remembered */
  constructor(limit: Limit, maxBuckets = 10_000) {
    if (!(limit.requests > 0) || !(limit.perSeconds > 0)) {
      throw new RangeError("A rate limit needs requests > 0 and perSeconds > 0");
    }
    this.#limit = limit;
    this.#buckets = new LRUCache({ max: maxBuckets });
  }

  /**
   * Takes one token for `key` at time `nowMs`.
   *
   * @returns 0 when allowed, else the seconds to wait before the next request is allowed
   */
  take(key: string, nowMs: number): number {
    const { bucket, wait, fullAt } = takeToken(this.#buckets.get(key)?.bucket, this.#limit, nowMs);
    if (!this.#buckets.has(key) && this.#buckets.size >= this.#buckets.max) this.#forgetFull(nowMs);
    this.#buckets.set(key, { bucket, fullAt });
    return wait;
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #forgetFull(nowMs: number): void {
    const full = [...this.#buckets.entries()].filter(([, held]) => held.fullAt <= nowMs);
    for (const [key] of full) this.#buckets.delete(key);
  }
}

function peerOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** The bucket of `address` (see `bucketKey()`); IPv4 and `unknown` without loading ipaddr.js. */
async function keyOf(address: string): Promise<string> {
  if (!address.includes(":")) return address;
  const { bucketKey } = await import("./proxies.ts");
  return bucketKey(address);
}

const LOGIN_RE = /^\/(login|auth)(\/|$)/;
const API_RE = /^\/api(\/|$)/;

/**
 * Middleware applying the sign-in and API limits per client address.
 *
 * @param options the two limits, how to find the client address (the peer by default), and a
 *   clock in ms (`Date.now` by default)
 * @returns the middleware
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Hono } from "hono";
 * const app = new Hono();
 * app.use(rateLimits({
 *   login: { requests: 2, perSeconds: 60 }, api: DEFAULT_LIMITS.API,
 *   clientOf: () => "203.0.113.9", nowMs: () => 0,
 * }));
 * app.get("/login", (c) => c.text("sign in"));
 * const statuses = [];
 * for (let i = 0; i < 3; i++) statuses.push((await app.request("/login")).status);
 * assert.deepEqual(statuses, [200, 200, 429]);
 * ```
 */
export function rateLimits(options: {
  login: Limit;
  api: Limit;
  /** The client address from the peer and `X-Forwarded-For` (see routes/guards/proxies.ts). */
  clientOf?: (peer: string | undefined, forwardedFor: string | undefined) => string;
  nowMs?: () => number;
  maxBuckets?: number;
  /** Renders the 429 page of a sign-in route (styled, with the message); plain text without. */
  page?: (c: Context, message: string) => Response | Promise<Response>;
  /** The store every process shares: the buckets live there (see the module doc). */
  shared?: Pick<CoordinationStore, "takeToken">;
  /** Where a failing shared store is reported (at most once a minute). */
  log?: Logger;
}): MiddlewareHandler {
  const clientOf = options.clientOf ?? ((peer) => peer ?? "unknown");
  const login = new TokenBuckets(options.login, options.maxBuckets);
  const api = new TokenBuckets(options.api, options.maxBuckets);
  const nowMs = options.nowMs ?? Date.now;
  const shared = options.shared;
  let reportedAt = -Infinity;
  async function take(buckets: TokenBuckets, address: string): Promise<number> {
    const now = nowMs();
    if (shared === undefined) return buckets.take(address, now);
    const [name, limit] = buckets === login ? ["login", options.login] : ["api", options.api];
    try {
      return await shared.takeToken(`${name}\u0000${address}`, limit, new Date(now));
    } catch (error: unknown) {
      if (now - reportedAt >= 60_000) {
        reportedAt = now;
        options.log?.warn("rate limits: the shared store failed; counting in this process", {
          error: errorMessage(error),
        });
      }
      return buckets.take(address, now);
    }
  }
  return async function rateLimit(c, next) {
    const path = c.req.path;
    const buckets = LOGIN_RE.test(path) ? login : API_RE.test(path) ? api : null;
    if (buckets === null) return await next();
    const address = clientOf(peerOf(c), c.req.header("X-Forwarded-For"));
    const wait = await take(buckets, await keyOf(address));
    if (wait === 0) return await next();
    const message = `Too many requests from your address. Try again in ${wait} seconds.`;
    c.header("Retry-After", String(wait));
    c.header("Cache-Control", "no-store");
    if (buckets === api) return c.json({ error: message, status: 429 }, 429);
    return options.page ? await options.page(c, message) : c.text(message, 429);
  };
}
