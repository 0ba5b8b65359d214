import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createLogger, type Level, silentLogger } from "../../config/log.ts";
import { UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import file, { parseInventory } from "../../plugins/sources/file.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import { json, startFake } from "../fakes/server.ts";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/inventory/${name}`, import.meta.url));
const signal = () => new AbortController().signal;

function setup(
  config: Record<string, unknown>,
  options: { now?: () => Date; lines?: { level: Level; line: string }[] } = {},
): Promise<PluginInstance> {
  const log = options.lines
    ? createLogger({ level: "debug", sink: (level, line) => options.lines!.push({ level, line }) })
    : silentLogger;
  return Promise.resolve(file.create(file.schema.parse(config), {
    name: "file",
    timeoutMs: 2000,
    log,
    store: {} as Store,
    now: options.now ?? (() => new Date()),
    demo: false,
  }));
}

Deno.test("file source reads a JSON array from PATH and finds devices by email", async () => {
  const lines: { level: Level; line: string }[] = [];
  const plugin = await setup({ PATH: fixture("devices.json") }, { lines });
  const devices = await plugin.devicesByEmail!("leela@planetexpress.com", { signal: signal() });
  assert.deepEqual(devices, [
    {
      source: "file",
      name: "leela-laptop",
      email: "leela@planetexpress.com",
      serial: "LEELA001",
      platform: "Mac",
      os: "macOS",
      os_version: "14.2.1",
      last_sync: new Date("2024-05-01T12:00:00Z"),
      practices: {
        encryption: {
          value: true,
          details: "FileVault on",
          last_updated: new Date("2024-05-01T10:00:00Z"),
        },
        firewall: { value: null },
      },
      // canonical, and the locally administered MAC is filtered out
      identifiers: { mac_addresses: ["00:1B:63:84:45:E6"], serial: "LEELA001" },
      software: { installed: [{ name: "Firefox", version: "125.0" }] },
    },
    {
      source: "intune",
      name: "leela-phone",
      email: "Leela@PlanetExpress.com",
      os: "iOS",
      os_version: "17.4",
      identifiers: { serial: "LEELA002", imei: "490154203237518" },
    },
  ]);
  const warnings = lines.filter((l) => l.level === "warn").map((l) => JSON.parse(l.line));
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].skipped, 2);
  assert.deepEqual(warnings[0].problems, [
    "index 2: email: expected an email address",
    "index 3: last_sync: its date is in a format we don't know",
  ]);
  // Neither names an owner or an identifier once the bad field is dropped: nobody can be shown
  // them, so they are counted for the operator.
  assert.deepEqual(plugin.skippedRecords!(), [{
    source: "file",
    reason: "noOwner",
    label: "it names no owner we can read",
    count: 2,
    owners: [],
  }]);
});

Deno.test("file source finds devices by serial and by MAC", async () => {
  const plugin = await setup({ PATH: fixture("devices.json") });
  const bySerial = await plugin.devicesBySerial!("LEELA002", { signal: signal() });
  assert.deepEqual(bySerial.map((d) => d.name), ["leela-phone"]);
  const byMac = await plugin.devicesByMac!("00:1b:63:84:45:e6", { signal: signal() });
  assert.deepEqual(byMac.map((d) => d.name), ["leela-laptop"]);
  assert.deepEqual(await plugin.devicesBySerial!("NOPE", { signal: signal() }), []);
});

Deno.test("file source reads NDJSON and skips bad lines, reporting each line number", async () => {
  const lines: { level: Level; line: string }[] = [];
  const plugin = await setup({ PATH: fixture("devices.ndjson"), DEBUG: true }, { lines });
  const devices = await plugin.devicesByEmail!("amy@planetexpress.com", { signal: signal() });
  // amy-tablet is kept without its malformed MAC, which its evidence names.
  assert.deepEqual(devices.map((d) => d.name), ["amy-laptop", "amy-tablet", "amy-desktop"]);
  assert.deepEqual(devices[1]!.unread, [{
    source: "file",
    field: "identifiers.mac_addresses.0",
    value: "zz:zz",
    reason: "expected a MAC address",
  }]);
  assert.deepEqual(devices[1]!.identifiers, { mac_addresses: [] });
  assert.deepEqual(devices[2]!._raw, {
    name: "amy-desktop",
    email: "amy@planetexpress.com",
    identifiers: { mac_addresses: ["00:1B:63:84:45:E7"] },
  });
  const warning = JSON.parse(lines.find((l) => l.level === "warn")!.line);
  assert.deepEqual(warning.problems, [
    "line 3: not valid JSON",
    "line 4: identifiers.mac_addresses.0: expected a MAC address",
  ]);
  assert.deepEqual(plugin.skippedRecords!().map((c) => [c.reason, c.count]), [["notJson", 1]]);
});

Deno.test("parseInventory() rejects a broken JSON array as a whole", () => {
  assert.throws(() => parseInventory("[{", { source: "file", debug: false }), SyntaxError);
  assert.deepEqual(parseInventory("", { source: "file", debug: false }), {
    devices: [],
    problems: [],
    skipped: [],
  });
});

Deno.test("file source reads a URL and refreshes it every REFRESH_SECONDS", async (t) => {
  let serial = "FIRST";
  const fake = startFake(() => json([{ name: "x", email: "a@b.example", serial }]));
  let now = new Date("2024-01-01T00:00:00Z");
  const lines: { level: Level; line: string }[] = [];
  const plugin = await setup({ URL: `${fake.url}/inventory.json`, REFRESH_SECONDS: 60 }, {
    now: () => now,
    lines,
  });
  const serials = async () =>
    (await plugin.devicesByEmail!("a@b.example", { signal: signal() })).map((d) => d.serial);
  try {
    await t.step("first read", async () => {
      assert.deepEqual(await serials(), ["FIRST"]);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0]!.path, "/inventory.json");
    });
    await t.step("within the interval: no new request", async () => {
      serial = "SECOND";
      now = new Date("2024-01-01T00:00:59Z");
      assert.deepEqual(await serials(), ["FIRST"]);
      assert.equal(fake.requests.length, 1);
    });
    await t.step("after the interval: re-read", async () => {
      now = new Date("2024-01-01T00:01:00Z");
      assert.deepEqual(await serials(), ["SECOND"]);
      assert.equal(fake.requests.length, 2);
    });
    await t.step("a failed refresh keeps serving the previous inventory", async () => {
      fake.fail({ kind: "status", status: 404 });
      now = new Date("2024-01-01T00:02:00Z");
      assert.deepEqual(await serials(), ["SECOND"]);
      assert.ok(lines.some((l) => l.line.includes("refresh failed")));
    });
  } finally {
    await plugin.close?.();
    await fake.close();
  }
});

Deno.test("file source waits out a 429 from its URL as Retry-After says", async () => {
  const fake = startFake(() => json([{ name: "x", email: "a@b.example", serial: "S1" }]));
  const plugin = await setup({ URL: `${fake.url}/inventory.json` });
  try {
    fake.fail({ kind: "status", status: 429, headers: { "Retry-After": "0" }, times: 1 });
    const found = await plugin.devicesByEmail!("a@b.example", { signal: signal() });
    assert.deepEqual(found.map((d) => d.serial), ["S1"]);
    assert.equal(fake.requests.length, 2, "asked again after the 429");
  } finally {
    await plugin.close?.();
    await fake.close();
  }
});

Deno.test("file source fails plainly when the first read fails", async (t) => {
  const fake = startFake(() => json([]));
  try {
    await t.step("unreachable URL answer", async () => {
      fake.fail({ kind: "status", status: 500 });
      const plugin = await setup({ URL: `${fake.url}/inv` });
      const error = await plugin.devicesByEmail!("a@b.example", { signal: signal() }).catch((e) =>
        e
      );
      assert.ok(error instanceof UpstreamError);
      assert.match(
        error.message,
        /^file: cannot read the inventory at http:\/\/127\.0\.0\.1:\d+\/inv: /,
      );
      await assert.rejects(plugin.checkConnectivity!({ signal: signal() }), UpstreamError);
    });
    await t.step("missing file", async () => {
      const plugin = await setup({ PATH: fixture("missing.json") });
      await assert.rejects(
        plugin.devicesByEmail!("a@b.example", { signal: signal() }),
        /cannot read the inventory at .*missing\.json/,
      );
    });
  } finally {
    await fake.close();
  }
});

Deno.test("file schema needs exactly one of PATH or URL", () => {
  assert.equal(file.schema.safeParse({}).success, false);
  assert.equal(file.schema.safeParse({ PATH: "a", URL: "http://x.example/" }).success, false);
  assert.equal(file.schema.safeParse({ URL: "ftp://x.example/" }).success, false);
  assert.equal(file.schema.safeParse({ PATH: "a", REFRESH: 3 }).success, false);
  assert.equal(file.schema.safeParse({ PATH: "a", REFRESH_SECONDS: 30 }).success, true);
});
