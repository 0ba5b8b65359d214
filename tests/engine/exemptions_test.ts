import assert from "node:assert/strict";
import { addOutcome, createStats } from "../../engine/batch/batch_stats.ts";
import { createDeviceRowWriter } from "../../engine/batch/device_rows.ts";
import type { DeviceRow, Store } from "../../engine/core/store_ports.ts";
import { createObservationWriter } from "../../engine/batch/status_writer.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { type PersonView, personView } from "../../engine/view/person_view.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { actionGroups, deviceRating } from "../../engine/view/rating.ts";
import type { PersonSnapshot } from "../../engine/view/snapshots.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { type Exemption, ExemptionRefused, newExemption } from "../../engine/view/exemptions.ts";
import { todoList } from "../../engine/view/todo.ts";

const GRANTED = new Date("2026-12-01T09:00:00Z");
/** "Until 1 March" (UTC): the whole of 1 March, so it ends as 2 March begins. */
const MARCH1 = new Date("2027-03-02T00:00:00Z");
const at = (iso: string) => new Date(iso);

// Jamf reports the firewall off on the Mac and on the Windows laptop reported by LANDESK.
const MAC: DeviceRecord = {
  source: "jamf",
  platform: "Mac",
  os: "macOS",
  identifiers: { serial: "C02X" },
  practices: { firewall: { value: false }, encryption: { value: true } },
};
const PC: DeviceRecord = {
  source: "landesk",
  platform: "Windows",
  os: "Windows",
  identifiers: { serial: "PF1" },
  practices: { firewall: { value: false }, encryption: { value: true } },
};

const practices = buildPracticeSet({
  firewall: { ...DEFAULT_PRACTICES.firewall!, GRACE_DAYS: 14 },
  encryption: DEFAULT_PRACTICES.encryption!,
});

function snapshot(records: DeviceRecord[]): PersonSnapshot {
  return {
    email: "fry@example.com",
    collectedAt: GRANTED,
    devices: { items: records, errors: [] },
    accounts: null,
    events: null,
  };
}

const lab: Exemption = {
  id: "ex-1",
  email: "fry@example.com",
  device: "serial:C02X",
  practice: "firewall",
  reason: "Lab machine on an isolated network",
  grantedBy: "security@example.com",
  grantedAt: GRANTED,
  expiresAt: MARCH1,
};

/** The firewall has been off since 1 October (a status history that says so). */
const history = {
  observe: () =>
    Promise.resolve(
      new Map([
        ["serial:C02X\u0000firewall", at("2026-10-01T00:00:00Z")],
        ["serial:PF1\u0000firewall", at("2026-10-01T00:00:00Z")],
      ]),
    ),
};

/** A status history in which both firewalls have been off since `since`. */
function offSince(since: string) {
  return {
    observe: () =>
      Promise.resolve(
        new Map([
          ["serial:C02X\u0000firewall", at(since)],
          ["serial:PF1\u0000firewall", at(since)],
        ]),
      ),
  };
}

/** The person's to-do list as their pages make it from `view` (no accounts or alerts). */
function todoOf(view: { devices: PersonView["devices"]; collectedAt: Date }) {
  return todoList({
    devices: view.devices,
    accounts: [],
    notifications: [],
    states: new Map(),
    now: view.collectedAt,
  });
}

function viewAt(now: Date, exemptions: Exemption[], records = [MAC], statuses = history) {
  return personView(snapshot(records), {
    practices,
    deviceTransforms: [],
    now,
    history: statuses,
    exemptions: { exemptionsFor: () => Promise.resolve(exemptions) },
  });
}

Deno.test("personView() marks a practice exempt while its exemption is in force", async () => {
  const view = await viewAt(at("2026-12-07T09:00:00Z"), [lab]);
  const mac = view.devices[0]!;
  assert.deepEqual(mac.practices.firewall?.exempt, {
    id: "ex-1",
    until: MARCH1,
    lastDay: "2027-03-01",
    reason: "Lab machine on an isolated network",
    scope: "device",
  });
  // the evaluated status stays (the API and the batch see it), the person's lists do not
  assert.equal(mac.practices.firewall?.status, "warn");
  assert.deepEqual(actionGroups(mac).critical, []);
  assert.deepEqual(actionGroups(mac).exempt.map(([k]) => k), ["firewall"]);
  assert.equal(deviceRating(mac), "ok");
  // an ok practice is never marked
  assert.equal(mac.practices.encryption?.exempt, undefined);
  const todo = todoOf(view);
  assert.deepEqual(todo.items, []);
  assert.equal(todo.count, 0);
});

Deno.test("an exemption pauses the grace clock: the practice comes back with the time it had left", async (t) => {
  // the firewall has been off since 25 November: 14 grace days, due 9 December 00:00; the
  // exemption (granted 1 December 09:00, 7 days 15 hours before that) ran until 1 March
  const since25 = offSince("2026-11-25T00:00:00Z");
  await t.step("the last moment of 1 March: still exempt", async () => {
    const view = await viewAt(at("2027-03-01T23:59:59Z"), [lab], [MAC], since25);
    assert.equal(view.devices[0]!.practices.firewall!.exempt?.lastDay, "2027-03-01");
  });
  await t.step(
    "as 2 March begins: suggested, 7 days 15 hours left, due 9 March 15:00",
    async () => {
      const view = await viewAt(at("2027-03-02T00:00:00Z"), [lab], [MAC], since25);
      const fw = view.devices[0]!.practices.firewall!;
      assert.equal(fw.exempt, undefined);
      assert.equal(fw.status, "nudge");
      assert.deepEqual(fw.since, at("2026-11-25T00:00:00Z"));
      assert.deepEqual(fw.deadline, at("2027-03-09T15:00:00Z"));
      const todo = todoOf(view).items;
      assert.deepEqual(todo.map((i) => i.kind === "practice" && [i.level, i.title]), [
        ["suggested", "Firewall is off"],
      ]);
    },
  );
  await t.step("after 9 March 15:00: critical again", async () => {
    const view = await viewAt(at("2027-03-09T15:00:01Z"), [lab], [MAC], since25);
    assert.equal(view.devices[0]!.practices.firewall!.status, "warn");
  });
  await t.step("granted and revoked at once: the deadline is what it was, 9 December", async () => {
    const undone = {
      ...lab,
      revoked: { by: "ciso@example.com", at: GRANTED, reason: "Wrong device" },
    };
    const view = await viewAt(at("2026-12-01T09:05:00Z"), [undone], [MAC], since25);
    assert.deepEqual(view.devices[0]!.practices.firewall!.deadline, at("2026-12-09T00:00:00Z"));
    // without any exemption: the same
    const none = await viewAt(at("2026-12-01T09:05:00Z"), [], [MAC], since25);
    assert.deepEqual(none.devices[0]!.practices.firewall!.deadline, at("2026-12-09T00:00:00Z"));
  });
  await t.step("revoked on 1 January 09:00 (31 days): due 9 January, 31 days later", async () => {
    const revoked = {
      ...lab,
      revoked: { by: "ciso@example.com", at: at("2027-01-01T09:00:00Z"), reason: "Back in use" },
    };
    const view = await viewAt(at("2027-01-02T00:00:00Z"), [revoked], [MAC], since25);
    const fw = view.devices[0]!.practices.firewall!;
    assert.equal(fw.exempt, undefined);
    assert.equal(fw.status, "nudge");
    assert.deepEqual(fw.deadline, at("2027-01-09T00:00:00Z"));
  });
  await t.step("a device and a person exemption at once count their overlap once", async () => {
    const { device: _, ...rest } = lab;
    const person: Exemption = {
      ...rest,
      id: "ex-3",
      expiresAt: at("2026-12-11T09:00:00Z"),
      revoked: { by: "ciso@example.com", at: at("2026-12-11T09:00:00Z"), reason: "Done" },
    };
    const device: Exemption = {
      ...lab,
      revoked: { by: "ciso@example.com", at: at("2026-12-06T09:00:00Z"), reason: "Done" },
    };
    const view = await viewAt(at("2026-12-12T00:00:00Z"), [device, person], [MAC], since25);
    // covered 1 December 09:00 – 11 December 09:00: 10 days, so due 19 December
    assert.deepEqual(view.devices[0]!.practices.firewall!.deadline, at("2026-12-19T00:00:00Z"));
  });
  await t.step("granted after the deadline had passed: back overdue, as before", async () => {
    // failing since 1 October, due 15 October; exempt from 1 December to 1 March
    const view = await viewAt(at("2027-03-02T00:00:00Z"), [lab]);
    const fw = view.devices[0]!.practices.firewall!;
    assert.equal(fw.status, "warn");
    assert.deepEqual(fw.since, at("2026-10-01T00:00:00Z"));
  });
});

Deno.test("personView() applies a person's exemption to every device, a device's to that one only", async () => {
  const { device: _, ...rest } = lab;
  const everyDevice: Exemption = { ...rest, id: "ex-2" };
  const now = at("2026-12-07T09:00:00Z");
  const both = await viewAt(now, [everyDevice], [MAC, PC]);
  assert.deepEqual(both.devices.map((d) => d.practices.firewall?.exempt?.scope), [
    "person",
    "person",
  ]);
  const one = await viewAt(now, [lab], [MAC, PC]);
  // the Windows laptop is still critical, so it comes first
  assert.deepEqual(one.devices.map((d) => [d.identifiers.serial, deviceRating(d)]), [
    ["PF1", "critical"],
    ["C02X", "ok"],
  ]);
});

Deno.test("personView() shows no exemption, and says so, when the store cannot read them", async () => {
  const told: string[] = [];
  const view = await personView(snapshot([MAC]), {
    practices,
    deviceTransforms: [],
    now: at("2026-12-07T09:00:00Z"),
    exemptions: { exemptionsFor: () => Promise.reject(new Error("disk gone")) },
    onError: (what) => told.push(what),
  });
  assert.deepEqual(told, ["read exemptions"]);
  assert.equal(view.devices[0]!.practices.firewall?.exempt, undefined);
  assert.equal(deviceRating(view.devices[0]!), "critical");
});

Deno.test("the batch counts an exempt device and practice as exempt, never as OK", async () => {
  const view = await personView(snapshot([MAC, PC]), {
    practices,
    deviceTransforms: [],
    now: at("2026-12-07T09:00:00Z"),
    grace: false,
    exemptions: { exemptionsFor: () => Promise.resolve([lab]) },
  });
  const stats = createStats();
  addOutcome(stats, { devices: view.devices, errors: [] });
  assert.deepEqual(stats.ratings, { critical: 1, exempt: 1 });
  assert.deepEqual(stats.practices.firewall, { warn: 1, exempt: 1 });
  assert.deepEqual(stats.practices.encryption, { ok: 2 });
});

Deno.test("newExemption() checks the reason and the last day against the settings", async (t) => {
  const by = { by: "security@example.com", now: GRANTED, id: "ex-9" };
  const ask = { email: "fry@example.com", practice: "firewall", reason: "  Lab machine " };
  await t.step("default 90 days: to the end of 1 March (UTC), reason trimmed", () => {
    const e = newExemption(ask, by);
    assert.equal(e.expiresAt.toISOString(), "2027-03-02T00:00:00.000Z");
    assert.equal(e.reason, "Lab machine");
    assert.equal(e.device, undefined);
  });
  await t.step("the configured default", () => {
    const e = newExemption(ask, { ...by, settings: { defaultDays: 30, maxDays: 60 } });
    assert.equal(e.expiresAt.toISOString(), "2027-01-01T00:00:00.000Z");
  });
  await t.step('"until 1 March" includes 1 March: it ends as 2 March begins', () => {
    const e = newExemption({ ...ask, until: "2027-03-01" }, by);
    assert.equal(e.expiresAt.toISOString(), "2027-03-02T00:00:00.000Z");
  });
  await t.step("in the organisation's time zone (UI.timeZone): midnight in Berlin", () => {
    const berlin = { defaultDays: 90, maxDays: 365, timeZone: "Europe/Berlin" };
    const e = newExemption({ ...ask, until: "2027-03-01" }, { ...by, settings: berlin });
    assert.equal(e.expiresAt.toISOString(), "2027-03-01T23:00:00.000Z");
    const la = { ...berlin, timeZone: "America/Los_Angeles" };
    const f = newExemption({ ...ask, until: "2027-03-01" }, { ...by, settings: la });
    assert.equal(f.expiresAt.toISOString(), "2027-03-02T08:00:00.000Z");
  });
  await t.step("today is allowed (to tonight), and the 365th day from today", () => {
    assert.equal(
      newExemption({ ...ask, until: "2026-12-01" }, by).expiresAt.toISOString(),
      "2026-12-02T00:00:00.000Z",
    );
    assert.equal(
      newExemption({ ...ask, until: "2027-12-01" }, by).expiresAt.toISOString(),
      "2027-12-02T00:00:00.000Z",
    );
  });
  const refused = (request: Partial<typeof ask> & { until?: string }, message: string) =>
    assert.throws(() => newExemption({ ...ask, ...request }, by), {
      name: "ExemptionRefused",
      message,
    });
  await t.step("refusals name what to change", () => {
    refused({ reason: "   " }, "Give a reason: the person is shown it");
    refused({ reason: "x".repeat(501) }, "Shorten the reason to 500 characters or fewer");
    refused({ until: "2026-11-30" }, "Choose a last day from today on");
    refused(
      { until: "2027-02-31" },
      "“2027-02-31” is not a day in the calendar: choose the last day as YYYY-MM-DD",
    );
    refused(
      { until: "2027-13-01" },
      "“2027-13-01” is not a day in the calendar: choose the last day as YYYY-MM-DD",
    );
    refused(
      { until: "nope" },
      "“nope” is not a day in the calendar: choose the last day as YYYY-MM-DD",
    );
    refused(
      { until: "2027-12-02" },
      "Choose an expiry at most 365 days from today (EXEMPTIONS.MAX_DAYS)",
    );
    assert.ok(new ExemptionRefused("x") instanceof RangeError);
  });
});

Deno.test("personView() honours an exemption at most EXEMPTIONS.MAX_DAYS from its grant, whatever the store holds", async (t) => {
  // written past the form's check (an older version, a hand-edited store): "until 2030"
  const long: Exemption = { ...lab, expiresAt: at("2030-01-01T00:00:00Z") };
  const view = (now: Date, exemptionMaxDays?: number) =>
    personView(snapshot([MAC]), {
      practices,
      deviceTransforms: [],
      now,
      history,
      exemptions: { exemptionsFor: () => Promise.resolve([long]) },
      ...(exemptionMaxDays === undefined ? {} : { exemptionMaxDays }),
    });
  await t.step("by default one year: exempt to the end of 1 December 2027", async () => {
    const fw = (await view(at("2027-12-01T23:59:59Z"))).devices[0]!.practices.firewall!;
    assert.deepEqual(fw.exempt?.until, at("2027-12-02T00:00:00Z"));
    assert.equal(fw.exempt?.lastDay, "2027-12-01");
  });
  await t.step(
    "the next day the practice is back, overdue as it was when granted (since 1 October)",
    async () => {
      const fw = (await view(at("2027-12-02T09:00:00Z"))).devices[0]!.practices.firewall!;
      assert.equal(fw.exempt, undefined);
      assert.equal(fw.status, "warn");
      assert.deepEqual(fw.since, at("2026-10-01T00:00:00Z"));
    },
  );
  await t.step("MAX_DAYS 90: to the end of 1 March 2027; back on 2 March", async () => {
    const during = (await view(at("2027-03-01T09:00:00Z"), 90)).devices[0]!;
    assert.deepEqual(during.practices.firewall?.exempt?.until, at("2027-03-02T00:00:00Z"));
    const after = (await view(at("2027-03-02T00:00:00Z"), 90)).devices[0]!;
    assert.equal(after.practices.firewall?.exempt, undefined);
  });
  await t.step("an exemption within the maximum is honoured to its own expiry", async () => {
    const v = await viewAt(at("2027-02-28T09:00:00Z"), [lab]);
    assert.deepEqual(v.devices[0]!.practices.firewall?.exempt?.until, MARCH1);
  });
});

Deno.test("the batch's device row has the deadline the person's page shows, exemption's pause counted", async (t) => {
  // failing since 1 October (due 15 October); exempt from 5 October, 10 days before the
  // deadline, to the end of 1 March: the item comes back on 2 March with 10 days left
  const early: Exemption = { ...lab, grantedAt: at("2026-10-05T00:00:00Z") };
  const now = at("2027-03-02T00:00:00Z");
  const rowOf = async (exemptions: Exemption[]) => {
    const view = await personView(snapshot([MAC]), {
      practices,
      deviceTransforms: [],
      now,
      grace: false, // as the batch evaluates
      history: createObservationWriter({ ...history, began: history.observe }),
      exemptions: { exemptionsFor: () => Promise.resolve(exemptions) },
    });
    const rows: DeviceRow[] = [];
    const deviceRows = { putDeviceRows: (r: DeviceRow[]) => (rows.push(...r), Promise.resolve()) };
    const writer = createDeviceRowWriter({ deviceRows } as unknown as Pick<Store, "deviceRows">, {
      run: "run-1",
    });
    writer.add({ email: "fry@example.com", devices: view.devices });
    await writer.flush();
    assert.equal(rows.length, 1);
    return rows[0]!;
  };
  await t.step("exempt while the clock ran: the page and the row say due 12 March", async () => {
    const page = (await viewAt(now, [early])).devices[0]!.practices.firewall!;
    assert.equal(page.status, "nudge");
    assert.deepEqual(page.deadline, at("2027-03-12T00:00:00Z"));
    const row = await rowOf([early]);
    assert.deepEqual(row.failingSince, at("2026-10-01T00:00:00Z"));
    assert.deepEqual(row.deadline, at("2027-03-12T00:00:00Z"));
    assert.equal(row.overdueAt, at("2027-03-12T00:00:00Z").getTime());
    assert.equal(row.practices.firewall, "critical"); // the batch counts the evaluated status
  });
  await t.step(
    "never exempt: the page says critical, the row overdue since 15 October",
    async () => {
      const page = (await viewAt(now, [])).devices[0]!.practices.firewall!;
      assert.equal(page.status, "warn");
      const row = await rowOf([]);
      assert.deepEqual(row.deadline, at("2026-10-15T00:00:00Z"));
      assert.equal(row.overdueAt, at("2026-10-15T00:00:00Z").getTime());
    },
  );
});
