// RW-08 (shared case of 2026-11-30): Duo Admin API v2 authentication logs whose
// `access_device.ip` sometimes carries the client's port ("10.8.1.5:1234"); the field is documented
// as an IP address in Duo's Admin API reference (duo.com/docs/adminapi, "Authentication Logs").
import assert from "node:assert/strict";
import type { AccessEvent } from "../../engine/core/types.ts";
import { toEvent } from "../../plugins/sources/duo_api.ts";
import { labelEvents, parseRange } from "../../plugins/transforms/vpn_labeler.ts";
import { engineWith } from "./engine_parts.ts";
import { realworldFixtureText } from "./fixture.ts";

const events = async () =>
  (await realworldFixtureText("duo_authlogs_access_device_ip_with_port.ndjson")).split("\n").filter(
    (l) => l,
  )
    .map((l) => toEvent(JSON.parse(l), { debug: false })!);

Deno.test("RW-08: a Duo sign-in whose address carries a port is labelled, shown and kept like the plain one", async () => {
  const vpn = [parseRange("10.8.0.0/16")];
  const engine = engineWith({
    eventSources: [{
      name: "duo",
      timeoutMs: 1000,
      eventsByEmail: () => events(),
    }],
    eventTransforms: [{
      name: "vpn_labeler",
      timeoutMs: null,
      transformEvents: (list: AccessEvent[]) => labelEvents(list, vpn, "Company VPN"),
    }],
  });
  const { items, errors } = await engine.events("alice@example.com");
  assert.deepEqual(errors, []);
  assert.deepEqual(
    items.map((e) => [e.id, e.ip_address, e.vpn, e.location, e.content?.split("\n")[1]]),
    [
      ["00000000-0000-0000-0000-000000000001", "10.8.1.5", true, "Company VPN", "IP: 10.8.1.5"],
      ["00000000-0000-0000-0000-000000000002", "10.8.1.5", true, "Company VPN", "IP: 10.8.1.5"],
    ],
  );
});

Deno.test("RW-08: the same holds for a bracketed IPv6 address with a port", async () => {
  const [first] = await events();
  const v6 = { ...first!, ip_address: "[2001:db8:8::15]:51234" };
  const engine = engineWith({
    eventSources: [{ name: "duo", timeoutMs: 1000, eventsByEmail: () => Promise.resolve([v6]) }],
    eventTransforms: [{
      name: "vpn_labeler",
      timeoutMs: null,
      transformEvents: (list: AccessEvent[]) =>
        labelEvents(list, [parseRange("2001:db8:8::/48")], "Company VPN"),
    }],
  });
  const { items } = await engine.events("alice@example.com");
  assert.deepEqual(items.map((e) => [e.ip_address, e.vpn, e.location]), [
    ["2001:db8:8::15", true, "Company VPN"],
  ]);
});
