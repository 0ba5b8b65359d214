import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { ConfigSchema } from "../../config/schema.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { AccessEvent, DeviceRecord } from "../../engine/core/types.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { loadPlugins, PluginConfigError } from "../../plugins/registry.ts";
import macManufacturer, {
  loadOuiTable,
  manufacturerOf,
} from "../../plugins/transforms/mac_manufacturer.ts";
import reFilter from "../../plugins/transforms/re_filter.ts";
import vpnLabeler, { parseRange } from "../../plugins/transforms/vpn_labeler.ts";

const ctx = (name: string): PluginContext => ({
  name,
  timeoutMs: null,
  log: silentLogger,
  store: {} as Store,
  now: () => new Date(),
  demo: false,
});

function rec(fields: Partial<DeviceRecord>): DeviceRecord {
  return { source: "jamf", ...fields };
}

/** The original's documented example (spec §9.4). */
const PATTERN_MAP = {
  model: "(Virtual Machine|VMware|amazon|HVM domU)",
  serial: "(Parallels|VMware)",
};

Deno.test("re_filter drops virtual machines by unanchored search and keeps the rest", async () => {
  const plugin = await reFilter.create(reFilter.schema.parse({ PATTERN_MAP }), ctx("re_filter"));
  const devices = [
    rec({ name: "xen", model: "HVM domU" }),
    rec({ name: "vmw", serial: "VMware-56 4d 2c 1b 9a 8f 7e 6d-5c 4b 3a 29 18 07 f6 e5" }),
    rec({ name: "par", serial: "Parallels-4A 2B 9C 1D" }),
    rec({ name: "ec2", model: "Standard PC amazon EC2" }),
    rec({ name: "vm", model: "Microsoft Virtual Machine" }),
    rec({ name: "ids", identifiers: { serial: "Parallels-77" } }),
    rec({ name: "keep", model: "should not match", serial: "C02XK0ABJGH5" }),
    rec({ name: "keep-null", model: null, serial: "C02XK0ABJGH6" } as unknown as DeviceRecord),
    rec({ name: "keep-case", model: "vmware lower case is another string" }),
  ];
  const kept = plugin.transformDevices!(devices).map((d) => d.name);
  assert.deepEqual(kept, ["keep", "keep-null", "keep-case"]);
});

Deno.test("re_filter refuses an invalid regex at start, naming the key", async () => {
  const config = {
    ...ConfigSchema.parse({
      PLUGINS: { re_filter: { PATTERN_MAP: { model: "(unclosed" } } },
    }),
    demo: false,
  };
  const store = {} as Store;
  await assert.rejects(
    loadPlugins(config, { log: silentLogger, store }),
    (error: unknown) => {
      assert.ok(error instanceof PluginConfigError);
      assert.match(
        error.problems[0]!,
        /^PLUGINS\.re_filter\.PATTERN_MAP\.model: invalid regular expression "\(unclosed"/,
      );
      return true;
    },
  );
});

Deno.test("manufacturerOf() finds the registered organisation, most specific block first", async () => {
  const table = await loadOuiTable();
  assert.equal(manufacturerOf(table, "00:0C:29:12:34:56"), "VMware, Inc.");
  assert.equal(manufacturerOf(table, "00-1c-42-00-00-01"), "Parallels, Inc.");
  assert.equal(manufacturerOf(table, "3c22fb000001"), "Apple, Inc.");
  // MA-M (28-bit) block inside an IEEE parent block.
  assert.equal(
    manufacturerOf(table, "10:06:48:0A:BC:DE"),
    "FLEXTRONICS TECHNOLOGIES (INDIA) PVT LTD",
  );
  // MA-S / IAB (36-bit) block.
  assert.equal(manufacturerOf(table, "00:1B:C5:00:11:23"), "OpenRB.com, Direct SIA");
  assert.equal(manufacturerOf(table, "00:DE:CA:FB:AD:00"), null, "unregistered");
  assert.equal(manufacturerOf(table, "00:00"), null, "not a MAC");
});

Deno.test("mac_manufacturer fills a missing manufacturer and keeps a source's own", async () => {
  const plugin = await macManufacturer.create({}, ctx("mac_manufacturer"));
  const out = plugin.transformDevices!([
    rec({ name: "a", identifiers: { mac_addresses: ["00:DE:CA:FB:AD:00", "00:0C:29:12:34:56"] } }),
    rec({
      name: "b",
      manufacturer: "Lenovo",
      identifiers: { mac_addresses: ["00:0C:29:00:00:01"] },
    }),
    rec({ name: "c", identifiers: { mac_addresses: ["00:DE:CA:FB:AD:01"] } }),
    rec({ name: "d" }),
  ]);
  assert.deepEqual(out.map((d) => [d.name, d.manufacturer]), [
    ["a", "VMware, Inc."],
    ["b", "Lenovo"],
    ["c", undefined],
    ["d", undefined],
  ]);
});

function event(ip: string): AccessEvent {
  return {
    source: "google",
    type: "login",
    success: true,
    reason: "",
    ip_address: ip,
    timestamp: new Date("2026-03-12T09:00:00Z"),
  };
}

Deno.test("vpn_labeler marks VPN sign-ins and leaves unreadable addresses unlabelled", async () => {
  const config = vpnLabeler.schema.parse({
    VPN_CIDRS: ["10.8.0.0/16", "192.0.2.7", "198.51.100.10-198.51.100.20", "2001:db8:aa::/48"],
    LABEL: "Company VPN",
  });
  const plugin = await vpnLabeler.create(config, ctx("vpn_labeler"));
  const out = plugin.transformEvents!([
    event("10.8.3.4"),
    event("10.9.0.1"),
    event("192.0.2.7"),
    event("198.51.100.15"),
    event("198.51.100.21"),
    event("2001:db8:aa:1::5"),
    event("::ffff:10.8.0.1"),
    event("not an address"),
    event(""),
  ]);
  assert.deepEqual(out.map((e) => [e.ip_address, e.vpn, e.location]), [
    ["10.8.3.4", true, "Company VPN"],
    ["10.9.0.1", false, undefined],
    ["192.0.2.7", true, "Company VPN"],
    ["198.51.100.15", true, "Company VPN"],
    ["198.51.100.21", false, undefined],
    ["2001:db8:aa:1::5", true, "Company VPN"],
    ["::ffff:10.8.0.1", true, "Company VPN"],
    ["not an address", undefined, undefined],
    ["", undefined, undefined],
  ]);
  assert.equal("vpn" in out[7]!, false);
});

Deno.test("vpn_labeler defaults LABEL to VPN and refuses a bad network at start", () => {
  assert.equal(vpnLabeler.schema.parse({ VPN_CIDRS: ["10.0.0.0/8"] }).LABEL, "VPN");
  const bad = vpnLabeler.schema.safeParse({ VPN_CIDRS: ["10.0.0.0/33"] });
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues[0]!.message, /invalid VPN network "10\.0\.0\.0\/33"/);
  assert.throws(() => parseRange("10.0.0.9-10.0.0.1"), RangeError);
});
