import assert from "node:assert/strict";
import type { AccessEvent } from "../../engine/core/types.ts";
import { describeEvent, whereFrom } from "../../views/activity.tsx";
import { evidenceSentences } from "../../views/evidence.ts";
import fc from "fast-check";
import { fullDate, fullDateByIcu, shortTime, timeAgo } from "../../views/format.ts";

Deno.test("evidenceSentences() rewords the sources' evidence as plain sentences", async (t) => {
  await t.step("LANDESK encryption percentage", () => {
    assert.deepEqual(evidenceSentences("Encryption Percentage: 0\n"), [
      "Disk encryption is at 0 %.",
    ]);
  });
  await t.step("JAMF partitions", () => {
    assert.deepEqual(evidenceSentences("Macintosh HD: Not Encrypted (0%)\nData: Encrypted"), [
      "Macintosh HD is not encrypted (0 %).",
      "Data is encrypted.",
    ]);
  });
  await t.step("missing updates and disabled settings", () => {
    assert.deepEqual(
      evidenceSentences("Missing Updates:\n    macOS Sequoia 15.7.2\n    Safari 26.1\n"),
      ["Updates not installed yet: macOS Sequoia 15.7.2, Safari 26.1."],
    );
    assert.deepEqual(
      evidenceSentences("Disabled settings:\n    Install app updates\n    Install macOS updates"),
      ["Turned off: Install app updates, Install macOS updates."],
    );
  });
  await t.step("LANDESK bullets and firewall adapters", () => {
    assert.deepEqual(
      evidenceSentences(
        "  • The screen saver is not enabled for user: fry.\nFirewall not enabled for adapter '98:2C:BC:01:02:03'",
      ),
      [
        "The screen saver is not enabled for user: fry.",
        "The firewall is off for the network adapter with MAC address 98:2C:BC:01:02:03.",
      ],
    );
  });
  await t.step("nothing to say", () => {
    assert.deepEqual(evidenceSentences(undefined), []);
    assert.deepEqual(evidenceSentences(" \n "), []);
  });
});

const at = (iso: string) => new Date(iso);

Deno.test("shortTime() says today/yesterday in the person's time zone", () => {
  const now = at("2026-11-30T18:00:00Z");
  assert.equal(
    shortTime(at("2026-11-30T15:57:00Z"), { now, timeZone: "Europe/Berlin" }),
    "today 16:57",
  );
  assert.equal(shortTime(at("2026-11-29T08:05:00Z"), { now, timeZone: "UTC" }), "yesterday 08:05");
  // 23:30 UTC on the 29th is already the 30th in Berlin
  assert.equal(
    shortTime(at("2026-11-29T23:30:00Z"), { now, timeZone: "Europe/Berlin" }),
    "today 00:30",
  );
  assert.equal(shortTime(at("2026-11-23T14:05:00Z"), { now, timeZone: "UTC" }), "Mon 23 Nov 14:05");
  // a day later the same sign-in is yesterday's, two days later a weekday's
  const berlin = (now: Date) =>
    shortTime(at("2026-11-30T15:57:00Z"), { now, timeZone: "Europe/Berlin" });
  assert.equal(berlin(at("2026-12-01T18:00:00Z")), "yesterday 16:57");
  assert.equal(berlin(at("2026-12-02T18:00:00Z")), "Mon 30 Nov 16:57");
  assert.equal(berlin(now), "today 16:57");
});

const event = (over: Partial<AccessEvent>): AccessEvent => ({
  source: "google",
  type: "google_password",
  success: true,
  reason: "",
  ip_address: "198.51.100.23",
  timestamp: at("2026-11-30T10:00:00Z"),
  ...over,
});

Deno.test("sign-ins are described in plain words with their place", () => {
  assert.equal(describeEvent(event({}), {}), "Google: signed in");
  assert.equal(
    describeEvent(event({ success: false, reason: "login_failure_invalid_password" }), {}),
    "Google: wrong password",
  );
  assert.equal(describeEvent(event({ source: "duo", type: "duo_push" }), {}), "Duo push approved");
  assert.equal(
    describeEvent(
      event({ source: "duo", type: "duo_push", success: false, reason: "user_marked_fraud" }),
      {},
    ),
    "Duo push denied (reported as fraud)",
  );
  assert.equal(
    whereFrom(event({ vpn: true, location: "Company VPN", ip_address: "10.0.0.1" })),
    "On the VPN (Company VPN) · 10.0.0.1",
  );
  assert.equal(
    whereFrom(event({ place: "Berlin, Germany", ip_address: "203.0.113.7" })),
    "Berlin, Germany · 203.0.113.7",
  );
});

Deno.test("fullDate() says a moment as ICU's en-GB long date in UTC does, without ICU", () => {
  assert.equal(
    fullDate(new Date("2026-11-26T22:41:59Z")),
    "Thursday 26 November 2026 at 22:41 UTC",
  );
  assert.equal(fullDate(new Date("2026-01-05T00:03:00Z")), "Monday 5 January 2026 at 00:03 UTC");
  assert.equal(fullDate(new Date("0999-12-31T23:59:00Z")), "Tuesday 31 December 999 at 23:59 UTC");
  assert.throws(() => fullDate(new Date(Number.NaN)), RangeError);
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
      const at = new Date(ms);
      assert.equal(fullDate(at), fullDateByIcu(at));
    }),
    { seed: 24, numRuns: 5000 },
  );
});

Deno.test("timeAgo() says ICU's relative words for the largest whole unit, the same when asked again", () => {
  const now = at("2026-11-26T12:00:00Z");
  const cases: [string, string][] = [
    ["2026-11-26T11:59:31Z", "just now"],
    ["2026-11-26T11:58:00Z", "2 minutes ago"],
    ["2026-11-26T09:00:00Z", "3 hours ago"],
    ["2026-11-25T12:00:00Z", "yesterday"],
    ["2026-11-19T12:00:00Z", "last week"],
    ["2026-08-26T12:00:00Z", "3 months ago"],
    ["2024-11-26T12:00:00Z", "2 years ago"],
    ["2026-11-28T12:00:00Z", "in 2 days"],
  ];
  for (const turn of [1, 2]) {
    for (const [then, words] of cases) {
      assert.equal(timeAgo(at(then), now), words, `${then} (${turn})`);
    }
  }
});
