import assert from "node:assert/strict";
import { plainAddress, withPlainAddress } from "../../engine/identity/addresses.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { engineWith } from "../support/engine.ts";

Deno.test("plainAddress() drops a port and brackets, and leaves anything else as reported", async (t) => {
  const cases: [string, string][] = [
    ["10.8.1.5:1234", "10.8.1.5"],
    [" 10.8.1.5 ", "10.8.1.5"],
    ["10.8.1.5", "10.8.1.5"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["[fe80::1%eth0]:8080", "fe80::1%eth0"],
    ["2001:db8::1", "2001:db8::1"],
    ["::ffff:10.8.1.5", "10.8.1.5"], // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2) is the IPv4 address
    ["::FFFF:10.8.1.5", "10.8.1.5"],
    ["[::ffff:10.8.1.5]:443", "10.8.1.5"],
    ["0:0:0:0:0:ffff:10.8.1.5", "10.8.1.5"],
    ["::ffff:0a08:0105", "10.8.1.5"],
    ["10.8.1.5:0", "10.8.1.5"],
    ["[::1]", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"], // RFC 5952: lower case, longest zero run compressed
    ["FE80::1%en0", "fe80::1%en0"], // the zone id is kept as written
    ["[FE80::1%En0]:22", "fe80::1%En0"],
    ["::", "::"],
    ["10.8.1.5:99999", "10.8.1.5:99999"], // not a port: kept as reported
    ["010.8.1.5", "010.8.1.5"], // not four decimal parts: kept as reported
    ["2001:db8::1:443", "2001:db8::1:443"], // unbracketed IPv6: the last group is not a port
    ["vpn.example.com:443", "vpn.example.com:443"],
    ["", ""],
    ["unknown", "unknown"],
  ];
  for (const [input, want] of cases) {
    await t.step(JSON.stringify(input), () => assert.equal(plainAddress(input), want));
  }
});

Deno.test("the engine hands event transforms and callers the plain address", async () => {
  const event = (ip: string, id: string): AccessEvent => ({
    source: "duo",
    id,
    type: "authentication",
    success: true,
    reason: "user_approved",
    ip_address: ip,
    timestamp: new Date(Date.UTC(2026, 10, 29, 9, Number(id))),
  });
  const seen: string[] = [];
  const engine = engineWith({
    eventSources: [{
      name: "duo",
      timeoutMs: 1000,
      eventsByEmail: () =>
        Promise.resolve([event("10.8.1.5:1234", "1"), event("[2001:db8::1]:443", "2")]),
    }],
    eventTransforms: [{
      name: "recorder",
      timeoutMs: null,
      transformEvents: (list: AccessEvent[]) => {
        seen.push(...list.map((e) => e.ip_address));
        return list;
      },
    }],
  });
  const { items } = await engine.events("alice@example.com");
  assert.deepEqual(seen, ["2001:db8::1", "10.8.1.5"]);
  assert.deepEqual(items.map((e) => e.ip_address), ["2001:db8::1", "10.8.1.5"]);
  const plain = event("10.8.1.5", "3");
  assert.equal(withPlainAddress(plain), plain);
});
