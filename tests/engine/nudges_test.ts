import assert from "node:assert/strict";
import {
  DEFAULT_NUDGE_SETTINGS,
  localTime,
  NO_NUDGE_HISTORY,
  type NudgeHistory,
  type NudgeItem,
  nudgeKey,
  planNudge,
} from "../../engine/nudges/nudges.ts";
import { nudgeMessage } from "../../engine/nudges/nudge_message.ts";

// Monday 7 December 2026, 14:30 in Paris (13:30 UTC): inside the default window.
const MONDAY_AFTERNOON_PARIS = new Date("2026-12-07T13:30:00Z");
const FIREWALL: NudgeItem = {
  key: "device:C02XK1:firewall",
  level: "critical",
  title: "Firewall is off",
  where: "MacBook Pro · macOS 15.6",
  href: "/devices#dev-C02XK1-firewall",
};
const UPDATE: NudgeItem = {
  key: "device:C02XK1:uptodate",
  level: "suggested",
  title: "Install macOS 15.7.3",
  where: "MacBook Pro · macOS 15.6",
  href: "/devices#dev-C02XK1-uptodate",
  deadline: new Date("2026-12-15T00:00:00Z"),
};

function history(part: Partial<NudgeHistory>): NudgeHistory {
  return { ...NO_NUDGE_HISTORY, ...part };
}

function plan(items: NudgeItem[], h: NudgeHistory, now = MONDAY_AFTERNOON_PARIS, tz?: string) {
  return planNudge({
    items,
    history: h,
    settings: DEFAULT_NUDGE_SETTINGS,
    now,
    ...(tz === undefined ? {} : { timeZone: tz }),
  });
}

Deno.test("localTime() reads the weekday, hour and day in the person's time zone", () => {
  assert.deepEqual(localTime(new Date("2026-12-07T23:30:00Z"), "Asia/Tokyo"), {
    weekday: 2,
    hour: 8,
    day: "2026-12-08",
  });
  assert.deepEqual(localTime(new Date("2026-12-07T03:00:00Z"), "America/Los_Angeles"), {
    weekday: 7,
    hour: 19,
    day: "2026-12-06",
  });
});

Deno.test("planNudge() sends new items critical first, in the person's weekday-afternoon window", () => {
  const p = plan([UPDATE, FIREWALL], NO_NUDGE_HISTORY, MONDAY_AFTERNOON_PARIS, "Europe/Paris");
  assert.equal(p.send, true);
  if (!p.send) return;
  assert.deepEqual(p.items.map((i) => i.key), [FIREWALL.key, UPDATE.key]);
  assert.deepEqual([...p.because], [[UPDATE.key, "new"], [FIREWALL.key, "new"]]);
  assert.equal(p.localDay, "2026-12-07");
  assert.equal(p.timeZone, "Europe/Paris");
});

Deno.test("planNudge() holds outside the window: mornings, evenings, weekends, each in local time", () => {
  // 13:30 UTC is 05:30 in Los Angeles: morning there.
  assert.deepEqual(
    plan([FIREWALL], NO_NUDGE_HISTORY, MONDAY_AFTERNOON_PARIS, "America/Los_Angeles"),
    {
      send: false,
      hold: "outside-window",
      timeZone: "America/Los_Angeles",
    },
  );
  // Saturday 12 December, 14:00 UTC.
  const saturday = plan([FIREWALL], NO_NUDGE_HISTORY, new Date("2026-12-12T14:00:00Z"));
  assert.equal(saturday.send ? "send" : saturday.hold, "outside-window");
  // 17:00 UTC: the window's end is exclusive.
  const five = plan([FIREWALL], NO_NUDGE_HISTORY, new Date("2026-12-07T17:00:00Z"));
  assert.equal(five.send ? "send" : five.hold, "outside-window");
  // An unknown time zone falls back to the company's (UTC): 13:30 is inside.
  const mars = plan([FIREWALL], NO_NUDGE_HISTORY, MONDAY_AFTERNOON_PARIS, "Mars/Olympus");
  assert.equal(mars.send, true);
  assert.equal(mars.timeZone, "UTC");
});

Deno.test("planNudge() never repeats an item already sent, until it is overdue or a week has passed", () => {
  const sentFriday = new Date("2026-12-04T14:00:00Z");
  const sent = history({
    lastSent: new Map([[FIREWALL.key, sentFriday], [UPDATE.key, sentFriday]]),
    sentAt: [sentFriday],
  });
  assert.deepEqual(plan([FIREWALL, UPDATE], sent), {
    send: false,
    hold: "nothing-new",
    timeZone: "UTC",
  });
  // Tuesday 15 December, after the deadline of 15 December 00:00 and 11 days after Friday.
  const later = plan([FIREWALL, UPDATE], sent, new Date("2026-12-15T14:00:00Z"));
  assert.equal(later.send, true);
  if (!later.send) return;
  assert.deepEqual([...later.because], [[FIREWALL.key, "reminder"], [UPDATE.key, "overdue"]]);
});

Deno.test("planNudge() sends at most one message a local day and weeklyCap in 7 days", () => {
  const morning = new Date("2026-12-07T08:00:00Z");
  assert.deepEqual(plan([FIREWALL], history({ sentAt: [morning] })), {
    send: false,
    hold: "already-today",
    timeZone: "UTC",
  });
  const twice = history({
    sentAt: [new Date("2026-12-02T14:00:00Z"), new Date("2026-12-03T14:00:00Z")],
  });
  assert.deepEqual(plan([FIREWALL], twice), {
    send: false,
    hold: "weekly-cap",
    timeZone: "UTC",
  });
  // Eight days later the first no longer counts.
  const old = history({
    sentAt: [new Date("2026-11-29T14:00:00Z"), new Date("2026-12-03T14:00:00Z")],
  });
  assert.equal(plan([FIREWALL], old).send, true);
});

Deno.test("planNudge() leaves out snoozed and (when chosen) all suggested items, never a critical one", () => {
  const snoozed = history({
    snoozed: new Map([[UPDATE.key, new Date("2026-12-10T00:00:00Z")], [
      FIREWALL.key,
      new Date("2026-12-10T00:00:00Z"),
    ]]),
  });
  const p = plan([FIREWALL, UPDATE], snoozed);
  assert.equal(p.send, true);
  if (!p.send) return;
  assert.deepEqual(p.items.map((i) => i.key), [FIREWALL.key]);
  // The snooze ended: the suggestion comes back.
  const after = plan([UPDATE], snoozed, new Date("2026-12-10T14:00:00Z"));
  assert.equal(after.send, true);
  assert.deepEqual(plan([UPDATE], history({ criticalOnly: true })), {
    send: false,
    hold: "nothing-new",
    timeZone: "UTC",
  });
});

Deno.test("nudgeKey() is the same for the same person, channel, day and items, in any order", async () => {
  const a = plan([FIREWALL, UPDATE], NO_NUDGE_HISTORY);
  const b = plan([UPDATE, FIREWALL], NO_NUDGE_HISTORY);
  assert.ok(a.send && b.send);
  if (!a.send || !b.send) return;
  const ka = await nudgeKey("fry@example.com", "slack", a);
  assert.equal(ka, await nudgeKey("fry@example.com", "slack", b));
  assert.match(ka, /^nudge:slack:2026-12-07:[0-9a-f]{32}$/);
  assert.notEqual(ka, await nudgeKey("fry@example.com", "email", a));
  assert.notEqual(ka, await nudgeKey("amy@example.com", "slack", a));
});

Deno.test("nudgeMessage() says what, where, by when and links each fix, the same in every part", () => {
  const p = plan([FIREWALL, UPDATE], NO_NUDGE_HISTORY);
  assert.ok(p.send);
  if (!p.send) return;
  const m = nudgeMessage(p, {
    appName: "Stethoscope",
    origin: "https://stethoscope.example.com",
    contactEmail: "security@example.com",
  }, MONDAY_AFTERNOON_PARIS);
  assert.equal(m.subject, "Stethoscope: 2 things to fix on your devices");
  assert.equal(
    m.text,
    [
      "Hello,",
      "",
      "Stethoscope found 2 things on your devices that need you:",
      "",
      "- Firewall is off — MacBook Pro · macOS 15.6",
      "  Fix now. How to fix it: https://stethoscope.example.com/devices#dev-C02XK1-firewall",
      "- Install macOS 15.7.3 — MacBook Pro · macOS 15.6",
      "  Required by 15 December. How to fix it: https://stethoscope.example.com/devices#dev-C02XK1-uptodate",
      "  Not now? Snooze it: https://stethoscope.example.com/nudges/snooze?item=device%3AC02XK1%3Auptodate",
      "",
      "Everything about your devices: https://stethoscope.example.com/",
      "You get this because Stethoscope checks your devices for the security team. Questions? Write to security@example.com.",
      "Fewer messages: https://stethoscope.example.com/nudges/settings",
      "",
    ].join("\n"),
  );
  assert.ok(
    m.html.includes(
      '<li style="margin:0 0 10px"><strong>Firewall is off</strong> — MacBook Pro · macOS 15.6<br>Fix now · <a href="https://stethoscope.example.com/devices#dev-C02XK1-firewall">How to fix it</a></li>',
    ),
  );
  assert.deepEqual(m.slack.blocks[2], {
    type: "section",
    text: {
      type: "mrkdwn",
      text:
        "*Firewall is off* — MacBook Pro · macOS 15.6\nFix now · <https://stethoscope.example.com/devices#dev-C02XK1-firewall|How to fix it>",
    },
  });
  assert.equal(m.slack.blocks.length, 6);
});

Deno.test("nudgeMessage() escapes device names in HTML and Slack mrkdwn", () => {
  const evil: NudgeItem = { ...FIREWALL, where: "<script>x</script> & <@U123>" };
  const p = plan([evil], NO_NUDGE_HISTORY);
  assert.ok(p.send);
  if (!p.send) return;
  const m = nudgeMessage(
    p,
    { appName: "Stethoscope", origin: "https://s.example.com" },
    MONDAY_AFTERNOON_PARIS,
  );
  assert.ok(m.html.includes("&#60;script&#62;x&#60;/script&#62; &#38; &#60;@U123&#62;"));
  assert.ok(!m.html.includes("<script>"));
  const section = m.slack.blocks[2];
  assert.ok(section?.type === "section");
  if (section?.type !== "section") return;
  assert.ok(section.text.text.includes("&lt;script&gt;x&lt;/script&gt; &amp; &lt;@U123&gt;"));
});
