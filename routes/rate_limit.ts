/**
 * Rate limits per client address: an in-process token bucket for sign-in routes (`/login`,
 * `/auth/*`: `RATE_LIMITS.LOGIN`, default 20 per 60 s) and for the JSON API (`/api/*`:
 * `RATE_LIMITS.API`, default 120 per 60 s). Over the limit: `429` with `Retry-After` (seconds)
 * and a plain message. Memory is bounded: idle buckets (full again) are evicted, and past
 * `maxBuckets` the least recently used go first.
 *
 * The client address is the connection's peer (Deno's connection info), or `"unknown"` when the
 * app runs without one. `X-Forwarded-For` is honoured only when the peer is one of
 * `TRUSTED_PROXIES`: the address used is then the right-most one that is not a trusted proxy.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";

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

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets for one limit, keyed by client address. */
export class TokenBuckets {
  readonly #limit: Limit;
  readonly #max: number;
  #buckets = new Map<string, Bucket>();

  /** @param limit the rate  @param maxBuckets the most addresses remembered */
  constructor(limit: Limit, maxBuckets = 10_000) {
    if (!(limit.requests > 0) || !(limit.perSeconds > 0)) {
      throw new RangeError("A rate limit needs requests > 0 and perSeconds > 0");
    }
    this.#limit = limit;
    this.#max = maxBuckets;
  }

  /**
   * Takes one token for `key` at time `nowMs`.
   *
   * @returns 0 when allowed, else the seconds to wait before the next request is allowed
   */
  take(key: string, nowMs: number): number {
    const { requests, perSeconds } = this.#limit;
    const rate = requests / (perSeconds * 1000);
    const old = this.#buckets.get(key);
    const bucket = old
      ? {
        tokens: Math.min(requests, old.tokens + Math.max(0, nowMs - old.at) * rate),
        at: Math.max(nowMs, old.at),
      }
      : { tokens: requests, at: nowMs };
    this.#buckets.delete(key);
    let wait = 0;
    if (bucket.tokens >= 1) bucket.tokens -= 1;
    else wait = Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#max) this.#evict(nowMs);
    return wait;
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #evict(nowMs: number): void {
    const fullAfter = this.#limit.perSeconds * 1000;
    for (const [key, b] of this.#buckets) {
      if (nowMs - b.at >= fullAfter) this.#buckets.delete(key);
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#max) break;
      this.#buckets.delete(key);
    }
  }
}

function peerOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
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
 * import { Hono } from "hono";
 * const app = new Hono();
 * app.use(rateLimits({ login: DEFAULT_LIMITS.LOGIN, api: DEFAULT_LIMITS.API }));
 * ```
 */
export function rateLimits(options: {
  login: Limit;
  api: Limit;
  /** The client address from the peer and `X-Forwarded-For` (see routes/proxies.ts). */
  clientOf?: (peer: string | undefined, forwardedFor: string | undefined) => string;
  nowMs?: () => number;
  maxBuckets?: number;
  /** Renders the 429 page of a sign-in route (styled, with the message); plain text without. */
  page?: (c: Context, message: string) => Response | Promise<Response>;
}): MiddlewareHandler {
  const clientOf = options.clientOf ?? ((peer) => peer ?? "unknown");
  const login = new TokenBuckets(options.login, options.maxBuckets);
  const api = new TokenBuckets(options.api, options.maxBuckets);
  const nowMs = options.nowMs ?? Date.now;
  return async function rateLimit(c, next) {
    const path = c.req.path;
    const buckets = LOGIN_RE.test(path) ? login : API_RE.test(path) ? api : null;
    if (buckets === null) return await next();
    const address = clientOf(peerOf(c), c.req.header("X-Forwarded-For"));
    const wait = buckets.take(address, nowMs());
    if (wait === 0) return await next();
    const message = `Too many requests from your address. Try again in ${wait} seconds.`;
    c.header("Retry-After", String(wait));
    c.header("Cache-Control", "no-store");
    if (buckets === api) return c.json({ error: message, status: 429 }, 429);
    return options.page ? await options.page(c, message) : c.text(message, 429);
  };
}
