/**
 * Exemptions through the app (issue 26), on the demo with an injected clock: a granter waives a
 * practice on one of Fry's devices; Fry sees "Exempt until 1 March 2027 — <reason>, granted by the
 * security team" and the item leaves his to-do list and badge; on 2 March it is back; a privileged
 * person who is not a granter cannot grant or revoke; revocation is recorded with who, when, why.
 *
 * @module
 */
import assert from "node:assert/strict";
import { deviceKey } from "../../engine/identity/device_key.ts";
import { actionGroups } from "../../engine/view/rating.ts";
import { csrfOf, demoWith, startApp } from "../support/app.ts";
import { canGrantExemptions } from "../../routes/signin/privilege.ts";
import { createLogger } from "../../config/log.ts";

const NOW = new Date("2026-12-01T09:00:00Z");
const FRY = "user@example.com";

async function rig() {
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PRIVILEGED_USERS: ["admin@example.com", "green@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
    }),
  });
  // Fry's first device with something critical, and that practice
  const view = await app.services.engine.view(FRY);
  const device = view.devices.find((d) => deviceKey(d) && actionGroups(d).critical.length > 0)!;
  const [practice, p] = actionGroups(device).critical[0]!;
  return {
    app,
    key: deviceKey(device)!,
    practice,
    title: p.title!,
    admin: await app.login("admin@example.com"),
    fry: await app.login(FRY),
    async [Symbol.asyncDispose]() {
      await app.close();
    },
  };
}

type Rig = Awaited<ReturnType<typeof rig>>;

async function grant(r: Rig, fields: Record<string, string>, cookie = r.admin) {
  const form = await r.app.request(`/security/exemptions?email=${FRY}`, { cookie: r.admin });
  return await r.app.request("/security/exemptions", {
    method: "POST",
    cookie,
    body: new URLSearchParams({
      _csrf_token: csrfOf(await form.text()),
      email: FRY,
      device: r.key,
      practice: r.practice,
      reason: "Lab machine on an isolated network",
      until: "2027-03-01",
      ...fields,
    }),
  });
}

/** The navigation badge's count on a page (0 when there is none). */
function badge(html: string): number {
  const m = /class="badge"[^>]*>(\d+)</.exec(html);
  return m ? Number(m[1]) : 0;
}

Deno.test("a granted exemption is shown to the person, leaves their to-do list and comes back at expiry", async () => {
  await using r = await rig();
  const before = await (await r.app.request("/", { cookie: r.fry })).text();
  const granted = await grant(r, {});
  assert.equal(granted.status, 303);
  assert.equal(granted.headers.get("location"), "/security/exemptions?done=granted");

  const devices = await (await r.app.request("/devices", { cookie: r.fry })).text();
  assert.ok(
    devices.includes(
      "Exempt until 1 March 2027 — Lab machine on an isolated network, granted by the security team",
    ),
  );
  assert.ok(!devices.includes("admin@example.com"), "the granter is not named to the person");
  const after = await (await r.app.request("/", { cookie: r.fry })).text();
  assert.equal(badge(after), badge(before) - 1);

  const list = await (await r.app.request("/security/exemptions", { cookie: r.admin })).text();
  assert.ok(list.includes("Lab machine on an isolated network"));
  assert.ok(list.includes(r.key.replace(":", " ")));

  const api = await r.app.request(`/api/v1/exemptions?email=${FRY}`, { cookie: r.admin });
  const body = await api.json() as { exemptions: Record<string, unknown>[] };
  assert.equal(body.exemptions.length, 1);
  const { id, ...rest } = body.exemptions[0]!;
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.deepEqual(rest, {
    email: FRY,
    device: r.key,
    practice: r.practice,
    reason: "Lab machine on an isolated network",
    grantedBy: "admin@example.com",
    grantedAt: "2026-12-01T09:00:00.000Z",
    expiresAt: "2027-03-02T00:00:00.000Z",
    lastDay: "2027-03-01",
  });
  const listed = (await (await r.app.request("/security/exemptions", { cookie: r.admin })).text())
    .replace(/<[^>]+>/g, "");
  assert.ok(listed.includes("1 March 2027"), "the team's list names the same last day");

  // the chosen day is included: late on 1 March Fry is still exempt
  r.app.clock.now = new Date("2027-03-01T23:59:00Z");
  const late = await (await r.app.request("/devices", { cookie: await r.app.login(FRY) })).text();
  assert.ok(late.includes("Exempt until 1 March — Lab machine"), "this year's day, no year");

  r.app.clock.now = new Date("2027-03-02T09:00:00Z");
  const fry = await r.app.login(FRY); // the session of December has ended
  const back = await (await r.app.request("/devices", { cookie: fry })).text();
  // the title's deadline now names its year ("due by 1 June 2026"): its words before it
  const words = r.title.split(" (")[0];
  const text = back.replace(/<[^>]+>/g, "");
  assert.ok(text.includes(`Fix now: ${words}`), "the practice is back on the card, to fix now");
  assert.ok(!back.includes("Exempt until"));
  const overview = await (await r.app.request("/", { cookie: fry })).text();
  assert.equal(badge(overview), badge(before));
});

Deno.test("only a granter grants or revokes; a revocation records who, when and why", async () => {
  await using r = await rig();
  const green = await r.app.login("green@example.com");
  const page = await (await r.app.request("/security/exemptions", { cookie: green })).text();
  assert.ok(!page.includes("Choose their device"), "no grant form for a non-granter");
  const refused = await grant(r, {}, green);
  assert.equal(refused.status, 403);
  assert.equal((await r.app.request("/security/exemptions", { cookie: r.fry })).status, 403);

  assert.equal((await grant(r, {})).status, 303);
  const { exemptions: [e] } = await r.app.services.store.exemptions.activeExemptions({
    at: NOW,
    offset: 0,
    limit: 10,
  });
  const listed = await (await r.app.request("/security/exemptions", { cookie: r.admin })).text();
  const revoke = (cookie: string, reason: string) =>
    r.app.request(`/security/exemptions/${e!.id}/revoke`, {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: csrfOf(listed), reason }),
    });
  assert.equal((await revoke(r.admin, "")).status, 400);
  r.app.clock.now = new Date("2026-12-01T12:00:00Z");
  const done = await revoke(r.admin, "Back on the office network");
  assert.equal(done.status, 303);
  assert.deepEqual((await r.app.services.store.exemptions.exemption(e!.id))?.revoked, {
    by: "admin@example.com",
    at: new Date("2026-12-01T12:00:00Z"),
    reason: "Back on the office network",
  });
  assert.equal((await revoke(r.admin, "again")).status, 409);
});

Deno.test("a grant past EXEMPTIONS.MAX_DAYS, without a reason or for another person's device is refused with the form", async () => {
  await using r = await rig();
  const tooLong = await grant(r, { until: "2027-12-02" });
  assert.equal(tooLong.status, 422);
  const html = await tooLong.text();
  assert.ok(html.includes("Choose an expiry at most 365 days from today (EXEMPTIONS.MAX_DAYS)"));
  assert.ok(html.includes('value="2027-12-02"'), "what was typed is shown again");
  const noReason = await grant(r, { reason: " " });
  assert.equal(noReason.status, 422);
  assert.ok((await noReason.text()).includes("Give a reason: the person is shown it"));
  const other = await grant(r, { device: "serial:NOT-FRYS" });
  assert.equal(other.status, 422);
  assert.ok(
    (await other.text()).includes("Choose one of the person&#39;s devices, or every device"),
  );
  assert.deepEqual(await r.app.services.store.exemptions.exemptionsFor(FRY), []);
});

Deno.test("a last day that is not in the calendar is refused, not moved: 2027-02-31 is not 3 March", async () => {
  await using r = await rig();
  for (const until of ["2027-02-31", "2027-04-31", "2027-00-10", "31/03/2027"]) {
    const refused = await grant(r, { until });
    assert.equal(refused.status, 422, until);
    const text = (await refused.text()).replace(/<[^>]+>/g, "");
    assert.ok(
      text.includes(`“${until}” is not a day in the calendar: choose the last day as YYYY-MM-DD`),
      until,
    );
  }
  assert.deepEqual(await r.app.services.store.exemptions.exemptionsFor(FRY), []);
  const form = await (await r.app.request(`/security/exemptions?email=${FRY}`, { cookie: r.admin }))
    .text();
  assert.ok(form.includes('min="2026-12-01"') && form.includes('max="2027-12-01"'));
  assert.ok(form.includes("It ends at midnight at the end of that day, UTC time."));
});

Deno.test("with UI.timeZone Europe/Berlin an exemption ends at midnight in Berlin and every page names the same day", async () => {
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PRIVILEGED_USERS: ["admin@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
      UI: { timeZone: "Europe/Berlin" },
    }),
  });
  await using _ = { [Symbol.asyncDispose]: () => app.close() };
  const admin = await app.login("admin@example.com");
  const form = await (await app.request(`/security/exemptions?email=${FRY}`, { cookie: admin }))
    .text();
  assert.ok(form.includes("It ends at midnight at the end of that day, Europe/Berlin time."));
  const granted = await app.request("/security/exemptions", {
    method: "POST",
    cookie: admin,
    body: new URLSearchParams({
      _csrf_token: csrfOf(form),
      email: FRY,
      device: "",
      practice: "firewall",
      reason: "Lab network",
      until: "2027-03-01",
    }),
  });
  assert.equal(granted.status, 303);
  const [e] = await app.services.store.exemptions.exemptionsFor(FRY);
  assert.equal(e?.expiresAt.toISOString(), "2027-03-01T23:00:00.000Z");
  const text = async (path: string, cookie: string) =>
    (await (await app.request(path, { cookie })).text()).replace(/<[^>]+>/g, "");
  app.clock.now = new Date("2027-03-01T22:30:00Z"); // 23:30 in Berlin
  assert.ok((await text("/devices", await app.login(FRY))).includes("Exempt until 1 March —"));
  assert.ok((await text("/security/exemptions", await app.login("admin@example.com")))
    .includes("1 March"));
  assert.ok((await text("/dashboard", await app.login("admin@example.com")))
    .includes("1 March — user@example.com"));
  app.clock.now = new Date("2027-03-01T23:00:00Z"); // midnight in Berlin
  assert.ok(!(await text("/devices", await app.login(FRY))).includes("Exempt until"));
});

Deno.test("an exemption stored past EXEMPTIONS.MAX_DAYS (not through the form) is honoured one year from its grant", async () => {
  await using r = await rig();
  // as an older version or a hand-edited store might hold it: "until 2030"
  await r.app.services.store.exemptions.grantExemption({
    id: "00000000-0000-4000-8000-000000000001",
    email: FRY,
    device: r.key,
    practice: r.practice,
    reason: "Lab machine on an isolated network",
    grantedBy: "admin@example.com",
    grantedAt: NOW,
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });
  const text = async (path: string, cookie: string) =>
    (await (await r.app.request(path, { cookie })).text()).replace(/<[^>]+>/g, "");
  const devices = await text("/devices", r.fry);
  assert.ok(devices.includes("Exempt until 1 December 2027 — Lab machine on an isolated network"));
  assert.ok(!devices.includes("2030"));
  const api = await r.app.request("/api/v1/exemptions", { cookie: r.admin });
  const { exemptions } = await api.json() as { exemptions: { expiresAt: string }[] };
  assert.deepEqual(exemptions.map((e) => e.expiresAt), ["2027-12-02T00:00:00.000Z"]);
  const list = await text("/security/exemptions", r.admin);
  assert.ok(!list.includes("2030"), "the security team's list ends it when Fry's view does");

  r.app.clock.now = new Date("2027-12-02T09:00:00Z");
  const fry = await r.app.login(FRY);
  const back = await text("/devices", fry);
  assert.ok(!back.includes("Exempt until"), "back on 2 December 2027");
  assert.ok(back.includes(`Fix now: ${r.title.split(" (")[0]}`));
  const later = await r.app.request("/api/v1/exemptions", {
    cookie: await r.app.login("admin@example.com"),
  });
  assert.deepEqual((await later.json()).exemptions, []);
});

Deno.test("a granter privileged through a group of the sign-in provider may grant", () => {
  const config = {
    PRIVILEGED_USERS: [],
    PRIVILEGED_GROUPS: ["secteam"],
    EXEMPTION_GRANTERS: ["ciso@example.com"],
  };
  // A session carries the privilege worked out at sign-in (from its groups), not the groups.
  assert.equal(canGrantExemptions(config, { email: "ciso@example.com", privileged: true }), true);
  assert.equal(canGrantExemptions(config, { email: "ciso@example.com", privileged: false }), false);
  assert.equal(canGrantExemptions(config, { email: "sec@example.com", privileged: true }), false);
});

Deno.test("a granter cannot exempt themselves; opening the grant form for a person is audited", async () => {
  const lines: Record<string, unknown>[] = [];
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PRIVILEGED_USERS: ["admin@example.com"],
      EXEMPTION_GRANTERS: ["admin@example.com"],
    }),
    log: createLogger({ level: "info", sink: (_, line) => lines.push(JSON.parse(line)) }),
  });
  try {
    const admin = await app.login("admin@example.com");
    const form = await app.request(`/security/exemptions?email=${FRY}`, { cookie: admin });
    assert.equal(form.status, 200);
    const audited = lines.filter((l) => l.audit === true && l.target === FRY);
    assert.deepEqual(
      audited.map((l) => [l.accessing_user, l.record_type, l.context]),
      [["admin@example.com", "device", "exemption form"]],
    );
    const self = await app.request("/security/exemptions", {
      method: "POST",
      cookie: admin,
      body: new URLSearchParams({
        _csrf_token: csrfOf(await form.text()),
        email: "Admin@Example.com",
        practice: "firewall",
        reason: "mine",
        until: "2027-03-01",
      }),
    });
    assert.equal(self.status, 403);
    assert.ok(
      (await self.text()).includes("Exemptions for yourself must be granted by someone else."),
    );
    assert.deepEqual(await app.services.store.exemptions.exemptionsFor("admin@example.com"), []);
  } finally {
    await app.close();
  }
});

Deno.test("a grant for every device of an address with no devices is refused unless ticked on purpose", async () => {
  await using r = await rig();
  const NOBODY = "nobdoy@example.com"; // a typo of a real address: no inventory knows it
  const form = await (await r.app.request(`/security/exemptions?email=${NOBODY}`, {
    cookie: r.admin,
  })).text();
  const shown = form.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
  assert.ok(shown.includes(`No devices are known for ${NOBODY}: check the address.`));
  const post = (fields: Record<string, string>) =>
    r.app.request("/security/exemptions", {
      method: "POST",
      cookie: r.admin,
      body: new URLSearchParams({
        _csrf_token: csrfOf(form),
        email: NOBODY,
        device: "",
        practice: "firewall",
        reason: "New starter, laptop on its way",
        until: "2026-12-31",
        ...fields,
      }),
    });
  const refused = await post({});
  assert.equal(refused.status, 422);
  assert.ok(
    (await refused.text()).includes(
      `No devices are known for ${NOBODY}; check the address (or tick &quot;Grant it anyway&quot; ` +
        "to cover devices that appear later)",
    ),
  );
  assert.deepEqual(await r.app.services.store.exemptions.exemptionsFor(NOBODY), []);
  // the deliberate option: a person-wide exemption ahead of their first device
  assert.equal((await post({ ahead: "yes" })).status, 303);
  const [e] = await r.app.services.store.exemptions.exemptionsFor(NOBODY);
  assert.equal(e?.device, undefined);
  assert.equal(e?.expiresAt.toISOString(), "2027-01-01T00:00:00.000Z");
});

/** Writes an exemption of Fry's device straight to the store, as no form would (past the maximum). */
async function stored(r: Rig, e: { id: string; grantedAt: Date; expiresAt: Date }): Promise<void> {
  await r.app.services.store.exemptions.grantExemption({
    email: FRY,
    device: r.key,
    practice: r.practice,
    reason: "Lab machine on an isolated network",
    grantedBy: "admin@example.com",
    ...e,
  });
}

Deno.test("'ending soon' and the lists order by the honoured end, not the stored one", async () => {
  await using r = await rig();
  // ten ordinary ones, to the end of 31 January (61 days ahead): more than the panel reads
  for (let i = 0; i < 10; i++) {
    await stored(r, {
      id: `00000000-0000-4000-8000-0000000000${10 + i}`,
      grantedAt: NOW,
      expiresAt: new Date("2027-02-01T00:00:00Z"),
    });
  }
  // written past the form ("until 2030") on 10 December 2025: honoured to the end of 10 December
  await stored(r, {
    id: "00000000-0000-4000-8000-000000000001",
    grantedAt: new Date("2025-12-10T12:00:00Z"),
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });
  // the same a month earlier: its year ended on 1 November, it is in force nowhere
  await stored(r, {
    id: "00000000-0000-4000-8000-000000000002",
    grantedAt: new Date("2025-11-01T12:00:00Z"),
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });
  const text = async (path: string) =>
    (await (await r.app.request(path, { cookie: r.admin })).text()).replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ");
  const dashboard = await text("/dashboard");
  assert.ok(
    dashboard.includes(
      `Ending in the next 30 days 10 December — ${FRY}, ${r.key.replace(":", " ")}:`,
    ),
    "listed first as ending soon",
  );
  const api = await r.app.request("/api/v1/exemptions", { cookie: r.admin });
  const { exemptions } = await api.json() as { exemptions: { id: string; lastDay: string }[] };
  assert.equal(exemptions.length, 11);
  assert.deepEqual(exemptions[0], {
    ...exemptions[0],
    id: "00000000-0000-4000-8000-000000000001",
    lastDay: "2026-12-10",
  });
  assert.ok(
    !exemptions.some((e) => e.id.endsWith("0002")),
    "a capped one that ended is not in force",
  );
});

Deno.test("the exemptions pages and the API page the honoured order: none skipped, none twice", async () => {
  await using r = await rig();
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  // 60 granted today, the n-th to the end of 1 January 2027 + n days (stored and honoured)
  for (let n = 0; n < 60; n++) {
    await stored(r, {
      id: id(100 + n),
      grantedAt: NOW,
      expiresAt: new Date(Date.UTC(2027, 0, 2 + n)),
    });
  }
  // two written "until 2030", honoured to the end of the 365th day after their grant:
  // 10 December 2026 (before all), and 15 February 2027 (as the 46th of the 60, granted earlier)
  await stored(r, {
    id: id(1),
    grantedAt: new Date("2025-12-10T12:00:00Z"),
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });
  await stored(r, {
    id: id(2),
    grantedAt: new Date("2026-02-15T12:00:00Z"),
    expiresAt: new Date("2030-01-01T00:00:00Z"),
  });
  const everyOne = [1, ...range(100, 145), 2, ...range(145, 160)].map(id);
  const api = async (page: number) =>
    await (await r.app.request(`/api/v1/exemptions?page=${page}`, { cookie: r.admin })).json() as {
      total: number;
      exemptions: { id: string; lastDay: string }[];
    };
  const [one, two, three] = [await api(1), await api(2), await api(3)];
  assert.deepEqual([one.total, two.total, three.total], [62, 62, 62]);
  assert.deepEqual(one.exemptions.map((e) => e.id), everyOne.slice(0, 50));
  assert.deepEqual(two.exemptions.map((e) => e.id), everyOne.slice(50));
  assert.deepEqual(three.exemptions, []);
  assert.deepEqual(one.exemptions.slice(45, 48).map((e) => e.lastDay), [
    "2027-02-14",
    "2027-02-15",
    "2027-02-15",
  ]);
  const shown = async (page: number) =>
    [...(await (await r.app.request(`/security/exemptions?page=${page}`, { cookie: r.admin }))
      .text()).matchAll(/id="why-([0-9a-f-]{36})"/g)].map((m) => m[1]);
  assert.deepEqual(await shown(1), everyOne.slice(0, 50));
  assert.deepEqual(await shown(2), everyOne.slice(50));
});

/** `from` to `to - 1`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

Deno.test("the exemptions list names the year of a grant made in another year", async () => {
  // one granted on 10 December 2025 (now 1 December 2026): the list said "granted 10 December",
  // a day nine days ahead, for a grant whose year EXEMPTIONS.MAX_DAYS counts from
  await using r = await rig();
  await stored(r, {
    id: "00000000-0000-4000-8000-000000000002",
    grantedAt: new Date("2025-12-10T09:00:00Z"),
    expiresAt: new Date("2026-12-11T00:00:00Z"),
  });
  const html = await (await r.app.request("/security/exemptions", { cookie: r.admin })).text();
  const text = html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
  assert.match(text, / admin@example\.com, 10 December 2025 10 December /);
});
