/**
 * The JSON API, compatible with the original (spec §7): merged devices, accounts, notifications
 * and events per person; per-plugin and by-serial/MAC routes for privileged users only when
 * `ENABLE_DEBUG_ENDPOINTS` is on. A bearer JWT or the session cookie authorises; a person may
 * read only their own email unless privileged. Auth is checked before parameters.
 *
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { callWithDeadline } from "../engine/deadline.ts";
import {
  canonicalMac,
  invalidMessage,
  isValidEmail,
  isValidMac,
  isValidSerial,
  type Quantity,
} from "../engine/identifiers.ts";
import { mergeDevices } from "../engine/merge.ts";
import { applyPractices } from "../engine/practices.ts";
import { sortDevices } from "../engine/rating.ts";
import type { Engine, LookupOptions } from "../engine/engine.ts";
import type { AccessRecord } from "../engine/ports.ts";
import type { Collected, DeviceRecord, SourceError } from "../engine/types.ts";
import type { AppEnv, Ctx, User } from "./context.ts";
import { audit } from "./data.ts";
import { feedbackApi } from "./feedback_api.ts";
import { AuthFailure, verifyAuthorization } from "./tokens.ts";

/** The API sub-app, mounted at `/api/v1`. */
export const api: Hono<AppEnv> = new Hono<AppEnv>();

api.use(async function corsForConfiguredOrigins(c, next) {
  const origins = c.var.deps.config.CORS_ORIGINS;
  if (origins.length === 0) return await next();
  return await cors({
    origin: origins.map((o) => new URL(o).origin),
    allowMethods: ["GET", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type"],
    credentials: true,
    maxAge: 86_400,
  })(c, next);
});

/** The caller: a bearer token, else the session. Throws AuthFailure. */
async function caller(c: Ctx): Promise<User> {
  const header = c.req.header("Authorization");
  if (header === undefined && c.var.user) return c.var.user;
  const id = await verifyAuthorization(c.var.deps.config, header, c.var.deps.now());
  return { email: id.email, privileged: id.privileged, via: "token" };
}

function fail(c: Ctx, status: 400 | 401 | 403 | 404, message: string): Response {
  if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="stethoscope"');
  return c.json({ error: message, status }, status);
}

const MARKUP_RE = /[&<>"]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes markup in a message, as the original's HTML error page did (quotes kept readable). */
function escaped(message: string): string {
  return message.replace(MARKUP_RE, (ch) => ENTITIES[ch]!);
}

const VALIDATORS: Record<Quantity, (v: string) => boolean> = {
  "email address": isValidEmail,
  "serial number": isValidSerial,
  "MAC address": isValidMac,
};

/**
 * Authenticates, checks ownership (when `owner` is an email parameter) and validates the
 * parameter. Returns the caller, or a Response to send.
 */
async function guard(
  c: Ctx,
  options: { quantity: Quantity; value: string; owner: boolean; privilegedOnly?: boolean },
): Promise<User | Response> {
  let user: User;
  try {
    user = await caller(c);
  } catch (error: unknown) {
    if (error instanceof AuthFailure) return fail(c, error.status, error.message);
    throw error;
  }
  c.set("user", user);
  const denied = "Access Denied: User is not allowed to access resource.";
  if (options.privilegedOnly && !user.privileged) return fail(c, 403, denied);
  if (options.owner && options.value !== user.email && !user.privileged) {
    return fail(c, 403, denied);
  }
  if (!VALIDATORS[options.quantity](options.value)) {
    return fail(c, 400, escaped(invalidMessage(options.quantity, options.value)));
  }
  return user;
}

/** Sets `X-Stethoscope-Errors` naming failed sources (the body stays compatible). */
function reportErrors(c: Ctx, errors: readonly SourceError[]): void {
  if (errors.length > 0) {
    c.header("X-Stethoscope-Source-Errors", [...new Set(errors.map((e) => e.source))].join(","));
  }
}

/** The per-person routes: path → what the engine is asked and how the access is audited. */
type PersonLookup = (e: Engine, email: string, o: LookupOptions) => Promise<Collected<unknown>>;
const MERGED: [string, AccessRecord["record_type"], PersonLookup][] = [
  ["/devices/merged/:email", "device", (e, email, o) => e.devices(email, o)],
  ["/devices/staged/:email", "device", (e, email, o) => e.devices(email, o)],
  ["/accounts/merged/:email", "account", (e, email, o) => e.accounts(email, o)],
  ["/notifications/merged/:email", "notification", (e, email, o) => e.notifications(email, o)],
  ["/events/merged/:email", "event", (e, email, o) => e.events(email, o)],
];

for (const [path, recordType, lookup] of MERGED) {
  api.get(path, async (c) => {
    const email = c.req.param("email")!;
    const user = await guard(c, { quantity: "email address", value: email, owner: true });
    if (user instanceof Response) return user;
    const { items, errors } = await lookup(c.var.deps.engine, email, { signal: c.req.raw.signal });
    audit(c, email, recordType, items);
    reportErrors(c, errors);
    return c.json(items);
  });
}

// ---- debug routes: privileged users only, and only when ENABLE_DEBUG_ENDPOINTS is on ----

type Lookup = "email" | "serial" | "macaddr";
const LOOKUP: Record<Lookup, [Quantity, "devicesByEmail" | "devicesBySerial" | "devicesByMac"]> = {
  email: ["email address", "devicesByEmail"],
  serial: ["serial number", "devicesBySerial"],
  macaddr: ["MAC address", "devicesByMac"],
};

api.get("/devices/:a/:b/:c?", async (c) => {
  if (!c.var.deps.config.ENABLE_DEBUG_ENDPOINTS) return fail(c, 404, "Not found");
  const { a, b } = c.req.param();
  const third = c.req.param("c");
  const [plugin, lookup, value] = third === undefined ? [undefined, a, b] : [a, b, third];
  if (!(lookup in LOOKUP)) return fail(c, 404, "Not found");
  const [quantity, method] = LOOKUP[lookup as Lookup];
  const user = await guard(c, { quantity, value, owner: false, privilegedOnly: true });
  if (user instanceof Response) return user;
  const { engine } = c.var.deps;
  const sources = engine.parts.deviceSources.filter((s) =>
    (plugin === undefined || s.name === plugin) && s[method]
  );
  if (plugin !== undefined && sources.length === 0) return fail(c, 404, "Not found");
  const arg = quantity === "MAC address" ? canonicalMac(value) : value;
  const outcomes = await Promise.all(
    sources.map((s) =>
      callWithDeadline(s, method, (o) => s[method]!(arg, o), {
        empty: [] as DeviceRecord[],
        parent: c.req.raw.signal,
      })
    ),
  );
  const records = outcomes.flatMap((o) => o.ok ? o.value : []);
  reportErrors(c, outcomes.flatMap((o) => o.ok ? [] : [o.error]));
  audit(c, value, "device", records, plugin ?? "debug");
  if (plugin !== undefined) return c.json(records);
  return c.json(sortDevices(mergeDevices(applyPractices(records, engine.parts.practices))));
});

api.route("/", feedbackApi);

api.notFound((c) => c.json({ error: "Not found", status: 404 }, 404));
