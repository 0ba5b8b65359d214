/**
 * The signed session cookie: HMAC-signed (hono/cookie), HttpOnly, SameSite=Lax, Secure unless the
 * origin is http://localhost. The expiry lives inside the signed value and is checked here:
 * idle expiry (refreshed as the person uses the site) and absolute expiry (from sign-in).
 *
 * Each session has a random id (`sid`). Signing out revokes that id in an in-process set, so a copy
 * of the cookie replayed after `/logout` is refused. The set lives in this process only: with
 * several processes behind a load balancer, a revoked cookie can still be replayed against another
 * process until it expires, so such deployments should keep `SESSION_IDLE_SECONDS` short.
 *
 * @module
 */
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { Config } from "../config/schema.ts";
import type { Ctx } from "./context.ts";

const COOKIE = "stethoscope_session";
/** Re-sign the cookie (sliding idle expiry) at most this often. */
const REFRESH_MS = 5 * 60_000;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** What the cookie holds. */
export interface SessionData {
  /** Email of the person. */
  e: string;
  /** Privileged (may look up others). */
  p: boolean;
  /** Issued at (ms since epoch): absolute expiry counts from here. */
  iat: number;
  /** Last seen (ms): idle expiry counts from here. */
  seen: number;
  /** Double-submit CSRF token. */
  csrf: string;
  /** Session id: random, new at every sign-in; revoked at sign-out. */
  sid: string;
}

/**
 * Session ids revoked by sign-out, each kept until the session could no longer be valid anyway.
 * Bounded: past `max` entries the expired ones are pruned, then the oldest are forgotten.
 */
export class RevokedSessions {
  #until = new Map<string, number>();
  readonly #max: number;

  /** @param max the most ids kept (default 100 000, a few MB) */
  constructor(max = 100_000) {
    this.#max = max;
  }

  /** Revokes `sid` until `untilMs` (ms since epoch). */
  revoke(sid: string, untilMs: number, nowMs: number): void {
    this.#until.delete(sid);
    this.#until.set(sid, untilMs);
    if (this.#until.size > this.#max) this.prune(nowMs);
    for (const oldest of this.#until.keys()) {
      if (this.#until.size <= this.#max) break;
      this.#until.delete(oldest);
    }
  }

  /** Whether `sid` was revoked and its revocation has not expired. */
  has(sid: string, nowMs: number): boolean {
    const until = this.#until.get(sid);
    if (until === undefined) return false;
    if (until <= nowMs) {
      this.#until.delete(sid);
      return false;
    }
    return true;
  }

  /** Forgets revocations that have expired. */
  prune(nowMs: number): void {
    for (const [sid, until] of this.#until) if (until <= nowMs) this.#until.delete(sid);
  }

  /** How many ids are kept. */
  get size(): number {
    return this.#until.size;
  }
}

/** The revocations of this process. */
export const revokedSessions: RevokedSessions = new RevokedSessions();

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
  if (!config.SECRET_KEY) return null;
  const secrets = [config.SECRET_KEY, config.SECRET_KEY_PREVIOUS].filter((s) => s !== undefined);
  for (const secret of secrets) {
    let value: string | false | undefined;
    try {
      value = await getSignedCookie(c, secret, COOKIE);
    } catch {
      return null;
    }
    if (value === undefined) return null;
    if (value === false) continue;
    const data = decode(value);
    if (!data) return null;
    const t = now.getTime();
    if (t - data.iat > config.SESSION_MAX_SECONDS * 1000) return null;
    if (t - data.seen > config.SESSION_IDLE_SECONDS * 1000) return null;
    if (data.iat > t + 60_000) return null;
    if (revokedSessions.has(data.sid, t)) return null;
    if (options.refresh !== false && (secret !== config.SECRET_KEY || t - data.seen > REFRESH_MS)) {
      await writeSession(c, config, { ...data, seen: t });
    }
    return data;
  }
  return null;
}

/** Writes (or rotates) the session cookie. */
export async function writeSession(c: Ctx, config: Config, data: SessionData): Promise<void> {
  if (!config.SECRET_KEY) throw new Error("SECRET_KEY is required to sign sessions");
  await setSignedCookie(c, COOKIE, encode(data), config.SECRET_KEY, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookies(c, config),
    path: "/",
    maxAge: config.SESSION_MAX_SECONDS,
  });
}

const SAFE_NEXT_RE = /^\/(?![/\\])[\x21-\x7e]*$/;

/**
 * `next` if it is a same-origin path (no `//host`, no backslashes, no scheme, no control
 * characters), else `/`.
 *
 * @example
 * ```ts
 * safeNext("/devices"); // "/devices"
 * safeNext("//evil.example/"); // "/"
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
  options: { email: string; privileged: boolean; now: Date },
): Promise<SessionData> {
  await revokeCurrent(c, config, options.now);
  const t = options.now.getTime();
  const data: SessionData = {
    e: options.email,
    p: options.privileged,
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

/** Revokes the session the request carries, if any, until it would have expired anyway. */
async function revokeCurrent(c: Ctx, config: Config, now: Date): Promise<void> {
  const data = await readSession(c, config, now, { refresh: false });
  if (!data) return;
  const t = now.getTime();
  const until = Math.min(
    data.iat + config.SESSION_MAX_SECONDS * 1000,
    t + config.SESSION_IDLE_SECONDS * 1000,
  );
  revokedSessions.revoke(data.sid, until + 60_000, t);
}

/** Removes the session cookie. */
export function clearSession(c: Ctx, config: Config): void {
  deleteCookie(c, COOKIE, { path: "/", secure: secureCookies(c, config) });
}

/** 64 hex characters from the system's secure random source. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function encode(data: SessionData): string {
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

function decode(value: string): SessionData | null {
  try {
    const b64 = value.replace(/-/g, "+").replace(/_/g, "/");
    const text = new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)));
    const d = JSON.parse(text) as Partial<SessionData>;
    if (
      typeof d.e !== "string" || typeof d.p !== "boolean" || typeof d.iat !== "number" ||
      typeof d.seen !== "number" || typeof d.csrf !== "string" || typeof d.sid !== "string" ||
      d.sid.length < 16
    ) return null;
    return d as SessionData;
  } catch {
    return null;
  }
}
