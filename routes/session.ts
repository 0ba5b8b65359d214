/**
 * The signed session cookie: HMAC-signed (hono/cookie), HttpOnly, SameSite=Lax, Secure unless the
 * origin is http://localhost. The expiry lives inside the signed value and is checked here:
 * idle expiry (refreshed as the person uses the site) and absolute expiry (from sign-in).
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
}

/** Whether cookies must be `Secure` for this request. */
export function secureCookies(c: Ctx, config: Config): boolean {
  const origin = new URL(config.PUBLIC_ORIGIN ?? c.req.url);
  return !(origin.protocol === "http:" && LOCAL_HOSTS.has(origin.hostname));
}

/**
 * Reads and checks the session cookie. A missing, tampered, expired or malformed cookie yields
 * `null`. Accepts cookies signed with `SECRET_KEY` or `SECRET_KEY_PREVIOUS` (rotation).
 */
export async function readSession(c: Ctx, config: Config, now: Date): Promise<SessionData | null> {
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
    if (secret !== config.SECRET_KEY || t - data.seen > REFRESH_MS) {
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

/** Starts a new session for `email` (a fresh CSRF token each time: rotation on sign-in). */
export async function startSession(
  c: Ctx,
  config: Config,
  options: { email: string; privileged: boolean; now: Date },
): Promise<SessionData> {
  const t = options.now.getTime();
  const data: SessionData = {
    e: options.email,
    p: options.privileged,
    iat: t,
    seen: t,
    csrf: randomToken(),
  };
  await writeSession(c, config, data);
  return data;
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
      typeof d.seen !== "number" || typeof d.csrf !== "string"
    ) return null;
    return d as SessionData;
  } catch {
    return null;
  }
}
