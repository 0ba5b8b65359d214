/**
 * `/security/exemptions?page=` (privileged): the exemptions in force, 50 a page with the total
 * (each one shown audited), and, for granters
 * (`EXEMPTION_GRANTERS`), granting one for a person (`?email=` picks the person, whose devices the
 * form offers) and revoking one. Every change is a CSRF-checked form answered with a 303 (422 with
 * the form again when refused), recorded in the exemption itself (who, when, why), in the log and
 * in the request logger plugins. After either, the person's part of the latest batch run is
 * restated (`restatePerson()`), so the Dashboard's counts, lists and CSV show the change at once,
 * not after the next run.
 *
 * @module
 */
import { Hono } from "hono";
import { restatePerson } from "../../engine/batch/restate.ts";
import { deviceKey } from "../../engine/identity/device_key.ts";
import { ExemptionRefused, newExemption } from "../../engine/view/exemptions.ts";
import { addDays, dayIn } from "../../lib/calendar_days.ts";
import { firstCodePoints } from "../../lib/code_points.ts";
import { foldEmail, sameEmail } from "../../engine/identity/emails.ts";
import { isValidEmail } from "../../engine/identity/identifiers.ts";
import { deviceNames, osLine } from "../../views/devices.tsx";
import { type DeviceChoice, ExemptionsPage, type GrantForm } from "../../views/exemptions.tsx";
import type { AppEnv, Ctx } from "../context.ts";
import { audit, auditChange, auditRecords } from "../guards/audit.ts";
import { csrfOk, formOf } from "../guards/forms.ts";
import { PAGE_REFUSAL, PAGE_SIZE, pageOf } from "../rendering/paging.ts";
import { viewFor } from "../rendering/person_data.ts";
import { errorPage, page } from "../rendering/render.tsx";
import { canGrantExemptions } from "../signin/privilege.ts";
import { exemptionsInForce, practiceNamer } from "./panel.tsx";

const ID_RE = /^[0-9a-f-]{36}$/;

/** The exemptions sub-app (mounted after the signed-in check). */
export const exemptionRoutes: Hono<AppEnv> = new Hono<AppEnv>();

/** The grant form for a person: their devices (those with a key) and every practice. */
async function grantForm(c: Ctx, email: string): Promise<GrantForm> {
  const { config, now, engine } = c.var.deps;
  const view = await viewFor(c, email, "devices");
  audit(c, email, "device", view.devices, "exemption form");
  const devices: DeviceChoice[] = [];
  for (const d of view.devices) {
    const key = deviceKey(d);
    const n = deviceNames(d);
    if (key) devices.push({ key, label: [n.title, osLine(d), n.id].filter(Boolean).join(" · ") });
  }
  const name = practiceNamer(c);
  const timeZone = config.UI.timeZone;
  const today = dayIn(now(), timeZone);
  return {
    email,
    devices,
    known: view.devices.length,
    practices: engine.parts.practices.map((p) => ({ key: p.key, name: name(p.key) })),
    defaultUntil: addDays(today, config.EXEMPTIONS.DEFAULT_DAYS),
    minUntil: today,
    maxUntil: addDays(today, config.EXEMPTIONS.MAX_DAYS),
    timeZone,
  };
}

/**
 * The person re-evaluated from their snapshot as the batch counts them, their rows and counts of
 * the latest run rewritten. A failure is logged: the grant or revocation itself is saved.
 */
async function restate(c: Ctx, email: string): Promise<void> {
  const { store, engine, log } = c.var.deps;
  try {
    const snapshot = await store.snapshots.snapshot(email);
    if (snapshot === null) return;
    const view = await engine.viewOf(email, snapshot.devices, { grace: false });
    await restatePerson(store, email, view.devices);
  } catch (error: unknown) {
    log.error("cannot restate the person in the latest batch run", { error: String(error) });
  }
}

async function render(
  c: Ctx,
  grant: GrantForm | undefined,
  status: 200 | 422 = 200,
) {
  const { config, now } = c.var.deps;
  const user = c.var.user!;
  const pageNo = pageOf(c.req.query("page"));
  if (pageNo === null) return errorPage(c, 400, `${PAGE_REFUSAL}.`);
  const active = await exemptionsInForce(c, {
    offset: (pageNo - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
  auditRecords(c, "exemption", active.exemptions, `exemption list page=${pageNo}`);
  const done = c.req.query("done");
  return page(
    c,
    { title: "Exemptions", active: "dashboard", status },
    <>
      <h1>Exemptions</h1>
      <ExemptionsPage
        active={active.exemptions}
        total={active.total}
        page={pageNo}
        pageSize={PAGE_SIZE}
        practiceName={practiceNamer(c)}
        csrf={user.csrf}
        canGrant={canGrantExemptions(config, user)}
        {...(grant ? { grant } : {})}
        {...(done === "granted" || done === "revoked" ? { done } : {})}
        timeZone={config.UI.timeZone}
        now={now()}
      />
    </>,
  );
}

exemptionRoutes.get("/security/exemptions", async (c) => {
  const user = c.var.user;
  if (!user?.privileged) return errorPage(c, 403, "Exemptions are only for the security team.");
  const email = c.req.query("email");
  const grant = email && isValidEmail(email) && canGrantExemptions(c.var.deps.config, user)
    ? await grantForm(c, foldEmail(email))
    : undefined;
  return await render(c, grant);
});

exemptionRoutes.post("/security/exemptions", async (c) => {
  const user = c.var.user;
  const { config, now, store } = c.var.deps;
  if (!user || !canGrantExemptions(config, user)) {
    return errorPage(c, 403, "Only the people in EXEMPTION_GRANTERS may grant exemptions.");
  }
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const email = form.email ?? "";
  if (!isValidEmail(email)) return errorPage(c, 400, "Choose the person by their email first.");
  if (sameEmail(email, user.email)) {
    return errorPage(c, 403, "Exemptions for yourself must be granted by someone else.");
  }
  const g = await grantForm(c, foldEmail(email));
  const device = form.device || undefined;
  const practice = form.practice ?? "";
  const refuse = (problem: string) => render(c, { ...g, values: form, problem }, 422);
  if (device !== undefined && !g.devices.some((d) => d.key === device)) {
    return await refuse("Choose one of the person's devices, or every device");
  }
  if (!g.practices.some((p) => p.key === practice)) return await refuse("Choose a practice");
  if (g.known === 0 && form.ahead !== "yes") {
    return await refuse(
      `No devices are known for ${g.email}; check the address (or tick "Grant it anyway" to ` +
        "cover devices that appear later)",
    );
  }
  let exemption;
  try {
    exemption = newExemption(
      { email: g.email, device, practice, reason: form.reason ?? "", until: form.until ?? "" },
      {
        by: user.email,
        now: now(),
        id: crypto.randomUUID(),
        settings: {
          defaultDays: config.EXEMPTIONS.DEFAULT_DAYS,
          maxDays: config.EXEMPTIONS.MAX_DAYS,
          timeZone: config.UI.timeZone,
        },
      },
    );
  } catch (error: unknown) {
    if (error instanceof ExemptionRefused) return await refuse(error.message);
    throw error;
  }
  await store.exemptions.grantExemption(exemption);
  await restate(c, exemption.email);
  auditChange(c, exemption.email, "exemption", "exemption granted", {
    id: exemption.id,
    device: exemption.device ?? "every device",
    practice,
    until: exemption.expiresAt.toISOString(),
    reason: exemption.reason,
  });
  return c.redirect("/security/exemptions?done=granted", 303);
});

exemptionRoutes.post("/security/exemptions/:id/revoke", async (c) => {
  const user = c.var.user;
  const { config, now, store } = c.var.deps;
  if (!user || !canGrantExemptions(config, user)) {
    return errorPage(c, 403, "Only the people in EXEMPTION_GRANTERS may revoke exemptions.");
  }
  const form = await formOf(c);
  if (!csrfOk(c, form)) {
    return errorPage(c, 403, "This form has expired. Reload the page and try again.");
  }
  const id = c.req.param("id");
  const reason = firstCodePoints((form.reason ?? "").trim(), 500);
  if (!ID_RE.test(id)) return errorPage(c, 404, "There is no such exemption.");
  if (reason === "") return errorPage(c, 400, "Say why the exemption is revoked.");
  const revoked = await store.exemptions.revokeExemption(id, { by: user.email, at: now(), reason });
  if (revoked === null) {
    return errorPage(c, 409, "This exemption was already revoked, or does not exist.");
  }
  await restate(c, revoked.email);
  auditChange(c, revoked.email, "exemption", "exemption revoked", { id, reason });
  return c.redirect("/security/exemptions?done=revoked", 303);
});
