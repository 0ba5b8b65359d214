/**
 * The one to-do model (issue 27): what is listed, what the badge counts, devices not seen lately,
 * alerts about a failing practice, exemptions. Exact values throughout. The alert fields
 * `practice` and `device` are Stethoscope's own (documented in the README's `es_notifications`).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Account, MergedDevice, Notification } from "../../engine/core/types.ts";
import { type AlertState, todoCount, type TodoInput, todoList } from "../../engine/view/todo.ts";

const NOW = new Date("2026-11-30T12:00:00Z");
const at = (iso: string) => new Date(iso);

const device = (over: Partial<MergedDevice>): MergedDevice => ({
  sources: ["jamf"],
  identifiers: { serial: "C02X" },
  last_sync: at("2026-11-30T09:00:00Z"),
  practices: {},
  ...over,
});

const MAC = device({
  model: "MacBook Air",
  name: "fry-air",
  os: "macOS",
  os_version: "15.6",
  practices: {
    firewall: { status: "warn", title: "Firewall is off" },
    remotelogin: { status: "nudge", title: "Remote Login is on" },
    screenlock: { status: "unknown", title: "Screen lock can't be checked on this Mac" },
    encryption: { status: "ok", title: "Disk is encrypted" },
    jailed: { status: "na", title: "n/a" },
  },
});

const ACCOUNT: Account = {
  name: "fry@example.com",
  type: "google",
  source: "google",
  user_usage: { "accounts:is_2sv_enrolled": false },
  last_updated: at("2026-11-30T00:00:00Z"),
};

const QUESTION: Notification = {
  id: "q1",
  type: "question",
  message: "Was this you?",
  event_timestamp: at("2026-11-30T09:00:00Z"),
  event_id: "event:google:e1",
};
const NOTICE: Notification = {
  id: "n1",
  type: "announcement",
  message: "Maintenance",
  event_timestamp: at("2026-11-30T08:00:00Z"),
};
const FIREWALL_ALERT: Notification = {
  id: "fw",
  type: "simple",
  title: "Your MacBook's firewall is off",
  message: "fry-air reported its firewall as off.",
  event_timestamp: at("2026-11-30T10:00:00Z"),
  severity: "critical",
  practice: "firewall",
  device: "FRY-AIR",
};

/** A failing firewall the security team waived on the device until the end of 28 February. */
const EXEMPT_FIREWALL: MergedDevice["practices"][string] = {
  status: "warn",
  title: "Firewall is off",
  exempt: {
    id: "x1",
    until: at("2027-03-01T00:00:00Z"),
    lastDay: "2027-02-28",
    reason: "lab Mac",
    scope: "device",
  },
};

function lines(states: Map<string, AlertState> = new Map(), extra: Notification[] = []) {
  const list = todoList({
    devices: [MAC],
    accounts: [ACCOUNT],
    notifications: [NOTICE, QUESTION, ...extra],
    states,
    now: NOW,
  });
  return {
    list,
    lines: list.items.map((i) =>
      i.kind === "alert"
        ? `${i.level} ${i.counted ? "counted" : "shown"} alert ${i.alert.id} ${
          i.state.answer ?? "-"
        }`
        : `${i.level} ${i.counted ? "counted" : "shown"} ${i.title} | ${i.where} | ${i.href}`
    ),
  };
}

Deno.test("todoList() lists fix now, suggested, can't check and notices; counts what the person can act on", () => {
  const { list, lines: got } = lines();
  assert.deepEqual(got, [
    "critical counted Firewall is off | MacBook Air · macOS 15.6 | /devices#dev-C02X-firewall",
    "critical counted 2-Step Verification is off | Google account · fry@example.com | /accounts#acct-0",
    "suggested counted Remote Login is on | MacBook Air · macOS 15.6 | /devices#dev-C02X-remotelogin",
    "suggested counted alert q1 -",
    "unknown shown Screen lock can't be checked on this Mac | MacBook Air · macOS 15.6 | /devices#dev-C02X-screenlock",
    "info shown alert n1 -",
  ]);
  assert.equal(list.count, 4);
  assert.deepEqual(list.byLevel, {
    critical: { shown: 2, counted: 2 },
    suggested: { shown: 2, counted: 2 },
    stale: { shown: 0, counted: 0 },
    unknown: { shown: 1, counted: 0 },
    info: { shown: 1, counted: 0 },
  });
});

Deno.test("todoList(): answering a question lowers the count; dismissing takes it off", () => {
  const answered = lines(new Map([["event:google:e1", { dismissed: false, answer: "no" }]]));
  // the question shares its sign-in's answer
  assert.equal(answered.lines[3], "suggested shown alert q1 no");
  assert.equal(answered.list.count, 3);
  const dismissed = lines(new Map([["q1", { dismissed: true }]]));
  assert.equal(dismissed.lines.some((l) => l.includes("q1")), false);
  assert.equal(dismissed.list.count, 3);
});

Deno.test("todoList(): an alert about a failing practice is shown with it, linked to its fix, counted once", async (t) => {
  await t.step("attached to the practice of the device it names", () => {
    const { list, lines: got } = lines(new Map(), [FIREWALL_ALERT]);
    assert.equal(list.count, 4);
    assert.equal(got.filter((l) => l.includes("alert fw")).length, 0);
    const item = list.items[0]!;
    assert.equal(item.kind === "practice" && item.alerts.map((a) => a.alert.id).join(), "fw");
    assert.equal(item.href, "/devices#dev-C02X-firewall");
  });
  await t.step(
    "dismissing the alert leaves the practice to fix, the alert kept as dismissed",
    () => {
      const { list } = lines(new Map([["fw", { dismissed: true }]]), [FIREWALL_ALERT]);
      assert.equal(list.count, 4);
      const item = list.items[0]!;
      assert.deepEqual(
        item.kind === "practice" && item.alerts.map((a) => [a.alert.id, a.state.dismissed]),
        [["fw", true]],
      );
    },
  );
  await t.step("about a device that now passes: a notice, not counted", () => {
    const fixed = { ...FIREWALL_ALERT, practice: "encryption" };
    const { list, lines: got } = lines(new Map(), [fixed]);
    assert.equal(list.count, 4);
    assert.equal(got.includes("info shown alert fw -"), true);
  });
  await t.step("naming another device: its own item, counted", () => {
    const other = { ...FIREWALL_ALERT, device: "C02OTHER" };
    const { list, lines: got } = lines(new Map(), [other]);
    assert.equal(list.count, 5);
    assert.equal(got.includes("critical counted alert fw -"), true);
  });
});

Deno.test("todoList(): a device not seen for staleDays is asked about, out of Fix now", () => {
  const old = device({
    model: "ThinkPad T460",
    os: "Microsoft Windows 10 Pro",
    os_version: "10.0.19045",
    identifiers: { serial: "PF0OLD" },
    last_sync: at("2017-03-14T08:00:00Z"),
    practices: { firewall: { status: "warn", title: "Firewall is off" } },
  });
  const list = todoList({
    devices: [MAC, old],
    accounts: [],
    notifications: [],
    states: new Map(),
    now: NOW,
  });
  const stale = list.items.filter((i) => i.level === "stale");
  assert.deepEqual(stale.map((i) => [i.title, i.where, i.href, i.counted]), [[
    "Not seen since March 2017: is this still yours?",
    "ThinkPad T460 · Windows 10 build 19045",
    "/devices#dev-PF0OLD",
    false,
  ]]);
  assert.equal(list.byLevel.critical.shown, 1);
  assert.equal(list.count, 2);
  // 400 days: still listed as to do
  const longer = todoList({
    devices: [old],
    accounts: [],
    notifications: [],
    states: new Map(),
    now: NOW,
    staleDays: 3650,
  });
  assert.deepEqual(longer.items.map((i) => [i.level, i.title]), [["critical", "Firewall is off"]]);
});

Deno.test("todoList(): an exempt practice is not to do", () => {
  const exempt = device({
    practices: {
      firewall: EXEMPT_FIREWALL,
      remotelogin: { status: "nudge", title: "Remote Login is on" },
    },
  });
  const list = todoList({
    devices: [exempt],
    accounts: [],
    notifications: [],
    states: new Map(),
    now: NOW,
  });
  assert.deepEqual(list.items.map((i) => i.title), ["Remote Login is on"]);
  assert.equal(list.count, 1);
});

Deno.test("todoList(): an alert about a practice the security team waived is information, not to do", () => {
  const exempt = device({
    ...MAC,
    practices: {
      ...MAC.practices,
      firewall: EXEMPT_FIREWALL,
    },
  });
  const list = todoList({
    devices: [exempt],
    accounts: [],
    notifications: [FIREWALL_ALERT],
    states: new Map(),
    now: NOW,
  });
  assert.deepEqual(list.items.map((i) => [i.level, i.counted, i.title]), [
    ["suggested", true, "Remote Login is on"],
    ["unknown", false, "Screen lock can't be checked on this Mac"],
    ["info", false, "Your MacBook's firewall is off"],
  ]);
  assert.equal(list.count, 1);
});

Deno.test("todoList(): an update item's deadline is its target's when no grace deadline", () => {
  const d = device({
    practices: {
      uptodate: {
        status: "warn",
        title: "Install macOS 15.7.7 (due by 1 June)",
        target: { name: "macOS 15.7.7", by: at("2026-06-01T00:00:00Z") },
      },
    },
  });
  const list = todoList({
    devices: [d],
    accounts: [],
    notifications: [],
    states: new Map(),
    now: NOW,
  });
  assert.equal(list.items[0]?.deadline?.toISOString(), "2026-06-01T00:00:00.000Z");
});

Deno.test("todoList(): a 2-Step Verification state that could not be read is 'can't be checked', not counted", () => {
  const list = todoList({
    devices: [],
    accounts: [
      { ...ACCOUNT, user_usage: { date: "2026-11-27" } },
      { ...ACCOUNT, name: "leela@example.com", user_usage: { "accounts:is_2sv_enrolled": "yes" } },
      { ...ACCOUNT, name: "amy@example.com", user_usage: { "accounts:is_2sv_enrolled": true } },
    ],
    notifications: [],
    states: new Map(),
    now: NOW,
  });
  assert.deepEqual(
    list.items.map((i) => [i.level, i.counted, i.title, i.where]),
    [
      [
        "unknown",
        false,
        "2-Step Verification can't be checked",
        "Google account · fry@example.com",
      ],
      [
        "unknown",
        false,
        "2-Step Verification can't be checked",
        "Google account · leela@example.com",
      ],
    ],
  );
  assert.equal(list.count, 0);
});

Deno.test("todoList(): an alert about a device not seen for staleDays is information, not counted", () => {
  // The review of issue 27 found the alert counted as a critical "Fix now" item of its own.
  const old = device({
    name: "fry-t460",
    identifiers: { serial: "PF0OLD" },
    last_sync: at("2017-03-14T08:00:00Z"),
    practices: { firewall: { status: "warn", title: "Firewall is off" } },
  });
  const alert: Notification = { ...FIREWALL_ALERT, id: "fw-old", device: "PF0OLD" };
  const list = todoList({
    devices: [old],
    accounts: [],
    notifications: [alert],
    states: new Map(),
    now: NOW,
  });
  assert.deepEqual(list.items.map((i) => [i.kind, i.level, i.counted]), [
    ["device", "stale", false],
    ["alert", "info", false],
  ]);
  assert.equal(list.count, 0);
});

Deno.test("todoCount() is the badge of todoList(): the same count, without the items", async (t) => {
  const old = device({
    name: "fry-t460",
    identifiers: { serial: "PF0OLD" },
    last_sync: at("2017-03-14T08:00:00Z"),
    practices: { firewall: { status: "warn", title: "Firewall is off" } },
  });
  const exempt = device({ ...MAC, practices: { ...MAC.practices, firewall: EXEMPT_FIREWALL } });
  const unknown = device({
    identifiers: { serial: "C02UNK" },
    practices: { screenlock: { status: "unknown", title: "Screen lock can't be checked" } },
  });
  // A second Mac reporting its MAC address only, named by it in an alert.
  const byMac = device({
    identifiers: { mac_addresses: ["a4:83:e7:00:00:01"] },
    practices: { firewall: { status: "warn", title: "Firewall is off" } },
  });
  const input = (over: Partial<TodoInput>): TodoInput => ({
    devices: [MAC],
    accounts: [ACCOUNT],
    notifications: [NOTICE, QUESTION],
    states: new Map(),
    now: NOW,
    ...over,
  });
  const cases: [string, TodoInput, number][] = [
    ["failing practices, 2SV off, an open question, a notice", input({}), 4],
    [
      "the question answered",
      input({ states: new Map([["event:google:e1", { dismissed: false, answer: "no" }]]) }),
      3,
    ],
    ["the question dismissed", input({ states: new Map([["q1", { dismissed: true }]]) }), 3],
    ["an alert about the failing firewall", input({ notifications: [FIREWALL_ALERT] }), 3],
    [
      "that alert dismissed",
      input({ notifications: [FIREWALL_ALERT], states: new Map([["fw", { dismissed: true }]]) }),
      3,
    ],
    [
      "an alert about a practice that passes",
      input({ notifications: [{ ...FIREWALL_ALERT, practice: "encryption" }] }),
      3,
    ],
    [
      "an alert naming another device",
      input({ notifications: [{ ...FIREWALL_ALERT, device: "C02OTHER" }] }),
      4,
    ],
    ["a device not seen since 2017", input({ devices: [MAC, old], accounts: [] }), 3],
    [
      "an alert about the device not seen",
      input({
        devices: [old],
        accounts: [],
        notifications: [{ ...FIREWALL_ALERT, device: "PF0OLD" }],
      }),
      0,
    ],
    [
      "staleDays 3650: the old device is to do",
      input({ devices: [old], accounts: [], notifications: [], staleDays: 3650 }),
      1,
    ],
    [
      "an exempt firewall, its alert waived",
      input({ devices: [exempt], accounts: [], notifications: [FIREWALL_ALERT] }),
      1,
    ],
    [
      "a device nothing is known about",
      input({ devices: [unknown], accounts: [], notifications: [] }),
      0,
    ],
    [
      "an alert naming a device by its MAC address",
      input({
        devices: [MAC, byMac],
        accounts: [],
        notifications: [{ ...FIREWALL_ALERT, device: "A4:83:E7:00:00:01" }],
      }),
      3,
    ],
    [
      "2SV that could not be read",
      input({ devices: [], accounts: [{ ...ACCOUNT, user_usage: {} }], notifications: [] }),
      0,
    ],
    ["nothing at all", input({ devices: [], accounts: [], notifications: [] }), 0],
  ];
  for (const [name, given, expected] of cases) {
    await t.step(name, () => {
      const list = todoList(given);
      assert.equal(todoCount(given), expected);
      assert.equal(list.count, expected);
      assert.equal(list.items.filter((i) => i.counted).length, expected);
    });
  }
});

Deno.test("todoList(): an alert is linked through the first device with its anchor, as before", () => {
  // Two devices with the same anchor (the second's host name is the first's serial): an alert
  // naming "other-mac" is not linked to the second one's firewall, as the list always did.
  const first = device({
    name: "fry-air",
    identifiers: { serial: "C02X" },
    practices: { encryption: { status: "ok", title: "Disk is encrypted" } },
  });
  const second = device({
    name: "other-mac",
    identifiers: {},
    practices: { firewall: { status: "warn", title: "Firewall is off" } },
  });
  const sameAnchor = device({ ...second, name: "C02X" });
  const alert = { ...FIREWALL_ALERT, device: "C02X" };
  const given = (devices: MergedDevice[]): TodoInput => ({
    devices,
    accounts: [],
    notifications: [alert],
    states: new Map(),
    now: NOW,
  });
  const linked = todoList(given([first, sameAnchor]));
  assert.deepEqual(linked.items.map((i) => [i.kind, i.key]), [[
    "practice",
    "device:dev-C02X:firewall",
  ]]);
  assert.equal(todoCount(given([first, sameAnchor])), 1);
  const other = todoList(given([first, second]));
  assert.deepEqual(other.items.map((i) => [i.kind, i.key, i.counted]), [
    ["practice", "device:dev-other-mac:firewall", true],
    ["alert", "alert:fw", true],
  ]);
  assert.equal(todoCount(given([first, second])), 2);
});
