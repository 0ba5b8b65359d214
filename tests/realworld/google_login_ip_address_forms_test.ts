// Google Reports API login activities (developers.google.com/admin-sdk/reports, Activities:
// `ipAddress`, "the IP address of the user doing the action", IPv4 or IPv6) reach the app through
// front ends that listen on dual-stack sockets and write an IPv4 client as an IPv4-mapped IPv6
// address, `::ffff:10.8.1.5` (RFC 4291 §2.5.5.2; the same shape was fixed where it was stored and
// shown in firezone/firezone PR #15013, nsupdate-info/nsupdate.info PR #171 and geoip-lite PR #104
// for the long `0:0:0:0:0:FFFF:a.b.c.d` form). IPv6 text may come uncompressed and in upper case;
// RFC 5952 §4 gives the one form to show. The same address must be shown once, as Duo shows it.
import assert from "node:assert/strict";
import type { AccessEvent } from "../../engine/core/types.ts";
import { processLoginActivity } from "../../plugins/sources/google/parse_reports.ts";
import { labelEvents, parseRange } from "../../plugins/transforms/vpn_labeler.ts";
import { engineWith } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";

const activities = async (): Promise<AccessEvent[]> =>
  (await realworldFixture<{ items: unknown[] }>(
    "google-login-activities-mapped-and-uppercase-ipv6.json",
  )).items.map((raw) => processLoginActivity(raw, { source: "google", debug: false }));

function engineOver(events: () => Promise<AccessEvent[]>) {
  return engineWith({
    eventSources: [{ name: "google", timeoutMs: 1000, eventsByEmail: events }],
    eventTransforms: [{
      name: "vpn_labeler",
      timeoutMs: null,
      transformEvents: (list: AccessEvent[]) =>
        labelEvents(
          list,
          [parseRange("10.8.0.0/16"), parseRange("2001:db8:8::/48")],
          "Company VPN",
        ),
    }],
  });
}

Deno.test("Google sign-ins from IPv4-mapped and upper-case IPv6 addresses are shown in one form, labelled as before", async () => {
  const { items, errors } = await engineOver(activities).events("alice@example.com");
  assert.deepEqual(errors, []);
  assert.deepEqual(
    items.map((e) => [e.ip_address, e.vpn, e.location ?? null, e.content?.split("\n")[1]]),
    [
      ["10.8.1.5", true, "Company VPN", "IP: 10.8.1.5"],
      ["2001:db8:8::15", true, "Company VPN", "IP: 2001:db8:8::15"],
      ["203.0.113.9", false, null, "IP: 203.0.113.9"],
    ],
  );
});
