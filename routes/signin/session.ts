/**
 * The signed session cookie: HMAC-signed (hono/cookie), HttpOnly, SameSite=Lax, Secure unless the
 * origin is http://localhost. The expiry lives inside the signed value and is checked here:
 * idle expiry (refreshed as the person uses the site) and absolute expiry (from sign-in).
 *
 * Each session has a random id (`sid`). Signing out revokes that id in the store until the
 * session's absolute expiry, so a copy of the cookie replayed after `/logout` is refused — after a
 * restart too, and by every process sharing the store (the Elasticsearch store for several
 * processes). When the store cannot answer, the cookie is accepted and the failure logged as an
 * error, so pages keep working through a store outage (see `isRevoked`).
 *
 * The cookie carries no privilege: the session middleware asks `isPrivileged()` (privilege.ts) on
 * every request, with the groups recorded here at sign-in.
 *
 * @module
 */
import type { Config } from "../../config/schema.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { Ctx } from "../context.ts";
import { cookieKeys, signedJsonCookie } from "./signed_cookies.ts";
import { encodeHex } from "../../lib/hex.ts";

/** Re-sign the cookie (sliding idle expiry) at most this often. */
const REFRESH_MS = 5 * 60_000;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** What the cookie holds. */
export interface SessionData {
  /** Email of the person. */
  e: string;
  /**
   * The person's groups at sign-in that were listed in `PRIVILEGED_GROUPS` then (only those, so
   * the cookie stays small for people in hundreds of groups); absent when none.
   */
  g?: string[];
  /** Issued at (ms since epoch): absolute expiry counts from here. */
  iat: number;
  /** Last seen (ms): idle expiry counts from here. */
  seen: number;
  /** Double-submit CSRF token. */
  csrf: string;
  /** Session id: random, new at every sign-in; revoked at sign-out. */
  sid: string;
}

/** The session cookie: signed JSON, SameSite=Lax, for the whole site. */
const SESSION_COOKIE = signedJsonCookie<SessionData>({
  name: "stethoscope_session",
  path: "/",
  sameSite: "Lax",
  parse: parseSession,
});

/** Whether cookies must be `Secure` for this request. */
export function secureCookies(c: Ctx, config: Config): boolean {
  const origin = new URL(config.PUBLIC_ORIGIN ?? c.req.url);
  return !(origin.protocol === "http:" && LOCAL_HOSTS.has(origin.hostname));
}

/**
 * Reads and checks the session cookie. A missing, tampered, expired, revoked or malformed cookie
 * yields `null`. Accepts cookies signed with `SECRET_KEY` or `SECRET_KEY_PREVIOUS` (rotation).
 * Unless `refresh` is false, re-signs the cookie now and then (sliding idle expiry).
 */
export async function readSession(
  c: Ctx,
  config: Config,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<SessionData | null> {
  const keys = cookieKeys(config);
  if (!keys) return null;
  const t = now.getTime();
  const read = await SESSION_COOKIE.read(c, {
    keys,
    expired: (data) =>
      t - data.iat > config.SESSION_MAX_SECONDS * 1000 ||
      t - data.seen > config.SESSION_IDLE_SECONDS * 1000 ||
      data.iat > t + 60_000,
  });
  if (read.outcome !== "valid") return null;
  const data = read.value;
  if (await isRevoked(c, data.sid, now)) return null;
  if (options.refresh !== false && (read.key !== "current" || t - data.seen > REFRESH_MS)) {
    await writeSession(c, config, { ...data, seen: t });
  }
  return data;
}

/** Writes (or rotates) the session cookie. */
export async function writeSession(c: Ctx, config: Config, data: SessionData): Promise<void> {
  if (!config.SECRET_KEY) throw new Error("SECRET_KEY is required to sign sessions");
  await SESSION_COOKIE.write(c, data, {
    key: config.SECRET_KEY,
    secure: secureCookies(c, config),
    maxAgeSeconds: config.SESSION_MAX_SECONDS,
  });
}

const SAFE_NEXT_RE = /^\/(?![/\\])[\x21-\x7e]*$/;

/**
 * `next` if it is a same-origin path (no `//host`, no backslashes, no scheme, no control
 * characters), else `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(safeNext("/devices"), "/devices");
 * assert.equal(safeNext("//evil.example/"), "/");
 * ```
 */
export function safeNext(next: string | undefined): string {
  if (!next || next.length > 512 || !SAFE_NEXT_RE.test(next) || next.includes("\\")) return "/";
  return next;
}

/**
 * Starts a new session for `email`: a new id and a fresh CSRF token each time (rotation on
 * sign-in); a session this browser already had is revoked.
 */
export async function startSession(
  c: Ctx,
  config: Config,
  options: { email: string; groups?: readonly string[]; now: Date },
): Promise<SessionData> {
  await revokeCurrent(c, config, options.now);
  const t = options.now.getTime();
  const groups = (options.groups ?? []).filter((g) => config.PRIVILEGED_GROUPS.includes(g));
  const data: SessionData = {
    e: options.email,
    ...(groups.length > 0 ? { g: groups } : {}),
    iat: t,
    seen: t,
    csrf: randomToken(),
    sid: randomToken(),
  };
  await writeSession(c, config, data);
  return data;
}

/**
 * Ends the session: revokes its id (so a copy of the cookie is refused from now on) and removes
 * the cookie.
 */
export async function endSession(c: Ctx, config: Config, now: Date): Promise<void> {
  await revokeCurrent(c, config, now);
  clearSession(c, config);
}

/** Revokes the session the request carries, if any, until its absolute expiry (+1 min leeway). */
async function revokeCurrent(c: Ctx, config: Config, now: Date): Promise<void> {
  const data = await readSession(c, config, now, { refresh: false });
  if (!data) return;
  const until = new Date(data.iat + config.SESSION_MAX_SECONDS * 1000 + 60_000);
  const { store, log } = c.get("deps");
  try {
    await store.revocations.revoke(SESSION_PREFIX + data.sid, { until, now });
  } catch (error: unknown) {
    // The browser's cookie is still removed; a copy stays usable until it expires.
    log.error("cannot record the signed-out session in the store", { error: String(error) });
    return;
  }
  await pruneRevokedNowAndThen(c, now);
}

/** What a session id is stored under (the store's revocations also hold other kinds of ids). */
const SESSION_PREFIX = "session:";
/** Ended revocations are pruned at most this often per store (ms). */
const PRUNE_EVERY_MS = 3_600_000;
const lastPrune = new WeakMap<Store, number>();

/**
 * Forgets ended revocations (signed-out sessions, used sign-in states) at most once an hour per
 * store; called after each sign-out and each sign-in. A failure is logged, never thrown.
 */
export async function pruneRevokedNowAndThen(c: Ctx, now: Date): Promise<void> {
  const store = c.get("deps").store;
  const t = now.getTime();
  if (t - (lastPrune.get(store) ?? -Infinity) < PRUNE_EVERY_MS) return;
  lastPrune.set(store, t);
  try {
    await store.revocations.pruneRevoked(now);
  } catch (error: unknown) {
    c.get("deps").log.warn("cannot prune revoked sessions", { error: String(error) });
  }
}

/**
 * Whether the store holds `sid` as revoked. When the store cannot answer, the session is accepted
 * and the failure logged as an error: pages keep working through a store outage (as they do for
 * dismissals and history), at the price of a signed-out copy being usable until the store is back.
 */
async function isRevoked(c: Ctx, sid: string, now: Date): Promise<boolean> {
  try {
    return await c.get("deps").store.revocations.isRevoked(SESSION_PREFIX + sid, now);
  } catch (error: unknown) {
    c.get("deps").log.error("cannot check the session against revocations; accepting it", {
      error: String(error),
    });
    return false;
  }
}

/** Removes the session cookie. */
export function clearSession(c: Ctx, config: Config): void {
  SESSION_COOKIE.clear(c, { secure: secureCookies(c, config) });
}

/** 64 hex characters from the system's secure random source. */
export function randomToken(): string {
  return encodeHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** The session's fields from the cookie's JSON, or `null` when a field is missing or mistyped. */
function parseSession(json: unknown): SessionData | null {
  const d = json as Partial<SessionData>;
  if (
    typeof d.e !== "string" || typeof d.iat !== "number" ||
    (d.g !== undefined && (!Array.isArray(d.g) || !d.g.every((g) => typeof g === "string"))) ||
    typeof d.seen !== "number" || typeof d.csrf !== "string" || typeof d.sid !== "string" ||
    d.sid.length < 16
  ) return null;
  // Cookies from before privilege was decided per request carry a `p` flag: ignored.
  const { p: _frozen, ...data } = d as SessionData & { p?: unknown };
  return data;
}
