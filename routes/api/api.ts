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
import {
  invalidMessage,
  isValidEmail,
  isValidMac,
  isValidSerial,
  type Quantity,
} from "../../engine/identity/identifiers.ts";
import type { Engine, LookupOptions } from "../../engine/engine.ts";
import type { PersonView, ViewPart } from "../../engine/view/view.ts";
import type { AccessRecord } from "../../engine/core/ports.ts";
import type { Collected, SourceError } from "../../engine/core/types.ts";
import { gapToken, type SourceGap } from "../../engine/view/gaps.ts";
import type { AppEnv, Ctx, User } from "../context.ts";
import { audit } from "../guards/audit.ts";
import { feedbackApi } from "./feedback_api.ts";
import { sameEmail } from "../signin/privilege.ts";
import { personData, todoOf } from "../rendering/person_data.ts";
import { lookedUp } from "../rendering/render.tsx";
import { personHref } from "../../views/person_link.ts";
import { apiRefusal as fail } from "../refusals.ts";
import { ACCESS_DENIED, caller } from "./api_caller.ts";

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
  const user = await caller(c); // an AuthFailure is answered by app.onError (routes/refusals.ts)
  c.set("user", user);
  if (options.privilegedOnly && !user.privileged) return fail(c, 403, ACCESS_DENIED);
  if (options.owner && !sameEmail(options.value, user.email) && !user.privileged) {
    return fail(c, 403, ACCESS_DENIED);
  }
  if (!VALIDATORS[options.quantity](options.value)) {
    return fail(c, 400, escaped(invalidMessage(options.quantity, options.value)));
  }
  return user;
}

/**
 * Sets `X-Stethoscope-Source-Errors` naming failed sources, and `X-Stethoscope-Source-Gaps`
 * naming what the sources that answered could not deliver, one `source:kind:reason=count` per
 * gap (`file:skipped:malformed=1,jamf_pro:truncated:short_of_total=100`; see `engine/view/gaps.ts`).
 * The body stays compatible with the original; each header is absent when it has nothing to say.
 */
function reportErrors(
  c: Ctx,
  errors: readonly SourceError[],
  gaps: readonly SourceGap[] = [],
): void {
  if (errors.length > 0) {
    c.header("X-Stethoscope-Source-Errors", [...new Set(errors.map((e) => e.source))].join(","));
  }
  if (gaps.length > 0) c.header("X-Stethoscope-Source-Gaps", gaps.map(gapToken).join(","));
}

/** The per-person routes: path → what the engine is asked and how the access is audited. */
type PersonLookup = (e: Engine, email: string, o: LookupOptions) => Promise<Collected<unknown>>;
/** The part of a person's snapshot a route can answer from (`?snapshot=true`, issue 13). */
type SnapshotPart = (view: PersonView) => unknown[];
const MERGED: [string, AccessRecord["record_type"], PersonLookup, [ViewPart, SnapshotPart]?][] = [
  ["/devices/merged/:email", "device", (e, email, o) => e.devices(email, o), [
    "devices",
    (v) => v.devices,
  ]],
  ["/devices/staged/:email", "device", (e, email, o) => e.devices(email, o)],
  ["/accounts/merged/:email", "account", (e, email, o) => e.accounts(email, o), [
    "accounts",
    (v) => v.accounts,
  ]],
  ["/notifications/merged/:email", "notification", (e, email, o) => e.notifications(email, o)],
  ["/events/merged/:email", "event", (e, email, o) => e.events(email, o), [
    "events",
    (v) => v.events,
  ]],
];

/** `?snapshot=true|1` asks for the person's snapshot; anything else but absent is a 400. */
function wantsSnapshot(c: Ctx): boolean | Response {
  const asked = c.req.query("snapshot");
  if (asked === undefined || asked === "false" || asked === "0") return false;
  if (asked === "true" || asked === "1") return true;
  return fail(c, 400, `Invalid snapshot parameter "${escaped(asked)}": expected true or false`);
}

for (const [path, recordType, lookup, fromSnapshot] of MERGED) {
  api.get(path, async (c) => {
    const email = c.req.param("email")!;
    const user = await guard(c, { quantity: "email address", value: email, owner: true });
    if (user instanceof Response) return user;
    const snapshot = fromSnapshot ? wantsSnapshot(c) : false;
    if (snapshot instanceof Response) return snapshot;
    if (snapshot && fromSnapshot) {
      // the snapshot whatever its age (a stale one is refreshed in the background); its age in
      // whole seconds in `Age` (RFC 9111 §5.1) and its collection time in a header of ours
      const [need, part] = fromSnapshot;
      const { engine } = c.var.deps;
      const view = await engine.cachedView(email, { need }) ?? await engine.view(email, { need });
      const items = part(view);
      audit(c, email, recordType, items, "snapshot");
      reportErrors(c, view.errors, view.gaps);
      c.header("Age", String(Math.floor(view.ageMs / 1000)));
      c.header("X-Stethoscope-Collected-At", view.collectedAt.toISOString());
      return c.json(items);
    }
    const { items, errors, gaps } = await lookup(c.var.deps.engine, email, {
      signal: c.req.raw.signal,
    });
    audit(c, email, recordType, items);
    reportErrors(c, errors, gaps);
    return c.json(items);
  });
}

/**
 * `GET /todo/:email` (issue 27): the person's to-do list as the Overview and the badge show it
 * (`engine/view/todo.ts`): `count` (what the badge shows), `byLevel` (`shown`/`counted` per
 * level) and `items`, most urgent first, each with its stable `key`, `kind`, `level`, `counted`,
 * `title`, `where`, `href` (a path on this site; asked about someone else, it keeps `?email=` as
 * look-up mode's links do), `since`/`deadline` when known, the alert (`alert`, with `answered`) or
 * the alerts about a practice not dismissed (`alerts`, their ids). From the person's snapshot when
 * there is one, like the pages.
 */
api.get("/todo/:email", async (c) => {
  const email = c.req.param("email");
  const user = await guard(c, { quantity: "email address", value: email, owner: true });
  if (user instanceof Response) return user;
  const [data, list] = await Promise.all([personData(c, email), todoOf(c, email)]);
  audit(c, email, "device", data.view.devices);
  audit(c, email, "notification", data.notifications.items);
  reportErrors(c, [...data.view.errors, ...data.notifications.errors], data.view.gaps);
  const other = lookedUp(c, email);
  return c.json({
    count: list.count,
    byLevel: list.byLevel,
    items: list.items.map(({ key, kind, level, counted, title, where, href, ...rest }) => ({
      key,
      kind,
      level,
      counted,
      title,
      where,
      href: personHref(href, other),
      ...(rest.since ? { since: rest.since } : {}),
      ...(rest.deadline ? { deadline: rest.deadline } : {}),
      ...("alert" in rest
        ? { alert: { id: rest.alert.id, answered: rest.state.answer !== undefined } }
        : {}),
      ...("alerts" in rest
        ? { alerts: rest.alerts.filter((a) => !a.state.dismissed).map((a) => a.alert.id) }
        : {}),
      ...("target" in rest && rest.target ? { target: rest.target } : {}),
    })),
  });
});

// ---- debug routes: privileged users only, and only when ENABLE_DEBUG_ENDPOINTS is on ----

type Lookup = "email" | "serial" | "macaddr";
const LOOKUP: Record<Lookup, [Quantity, "email" | "serial" | "mac"]> = {
  email: ["email address", "email"],
  serial: ["serial number", "serial"],
  macaddr: ["MAC address", "mac"],
};

/**
 * `GET /devices/[plugin/]{email|serial|macaddr}/:value` (debug, privileged only): with a plugin,
 * that plugin's records as it answered; without, the merged devices as their owners' pages show
 * them (`Engine.viewOfFound()`: by serial or MAC, each owner's records as that person's view).
 */
api.get("/devices/:a/:b/:c?", async (c) => {
  if (!c.var.deps.config.ENABLE_DEBUG_ENDPOINTS) return fail(c, 404, "Not found");
  const { a, b } = c.req.param();
  const third = c.req.param("c");
  const [plugin, lookup, value] = third === undefined ? [undefined, a, b] : [a, b, third];
  if (!(lookup in LOOKUP)) return fail(c, 404, "Not found");
  const [quantity, by] = LOOKUP[lookup as Lookup];
  const user = await guard(c, { quantity, value, owner: false, privilegedOnly: true });
  if (user instanceof Response) return user;
  const { engine } = c.var.deps;
  const found = await engine.direct({ by, value, plugin }, { signal: c.req.raw.signal });
  if (found === null) return fail(c, 404, "Not found");
  reportErrors(c, found.errors, found.gaps);
  audit(c, value, "device", found.items, plugin ?? "debug");
  if (plugin !== undefined) return c.json(found.items);
  // merged: each owner's view of these records, as their pages and the merged route show it
  return c.json(await engine.viewOfFound({ by, value }, found));
});

/** Per-plugin account, event and notification routes (debug, privileged only). */
api.get("/:kind{account|events|notifications}/:plugin/email/:email", async (c) => {
  if (!c.var.deps.config.ENABLE_DEBUG_ENDPOINTS) return fail(c, 404, "Not found");
  const { kind, plugin, email } = c.req.param();
  const user = await guard(c, {
    quantity: "email address",
    value: email,
    owner: false,
    privilegedOnly: true,
  });
  if (user instanceof Response) return user;
  const found = await c.var.deps.engine.directPersonal(
    { kind: kind as "account" | "events" | "notifications", plugin, email },
    { signal: c.req.raw.signal },
  );
  if (!found) return fail(c, 404, "Not found");
  const error = found.errors[0];
  if (error) {
    reportErrors(c, [error]);
    return c.json({ error: `${plugin} failed: ${error.message}`, status: 502 }, 502);
  }
  const recordType = kind === "account" ? "account" : kind === "events" ? "event" : "notification";
  audit(c, email, recordType, found.items, plugin);
  return c.json(kind === "account" ? found.items[0] ?? null : found.items);
});

api.route("/", feedbackApi);

api.notFound((c) => c.json({ error: "Not found", status: 404 }, 404));
