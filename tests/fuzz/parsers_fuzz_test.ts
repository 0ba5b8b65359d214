/**
 * Over 300 lines: one property per source parser (JAMF, bitFit, Google, LANDESK, Duo, ES, file),
 * each a few lines over the shared pipeline check and fixtures.
 *
 * Property-based fuzzing of every source parser: arbitrary input, and real fixtures with random
 * parts replaced, never throw anything but the error each parser documents, never hang, and what
 * they return survives the rest of the pipeline (practices, merge, rendering).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createLogger } from "../../config/log.ts";
import { normaliseHit } from "../../plugins/es_notifications.ts";
import { processAsset } from "../../plugins/sources/bitfit.ts";
import { toEvent } from "../../plugins/sources/duo_api.ts";
import { parseInventory } from "../../plugins/sources/file.ts";
import {
  MalformedDeviceError,
  processChromeOsDevice,
  processMobileDevice,
  recentUserIs,
} from "../../plugins/sources/google/parse.ts";
import {
  parseUsageParameters,
  processLoginActivity,
} from "../../plugins/sources/google/parse_reports.ts";
import { MalformedComputerError, processComputer } from "../../plugins/sources/jamf_parse.ts";
import {
  type ComputerRows,
  processComputer as processLandesk,
} from "../../plugins/sources/landesk_parse.ts";
import type { Row } from "../../plugins/sources/landesk_sql.ts";
import { anyJson, fixture, mutated, params } from "./arbitraries.ts";
import { assertCanonicalMacs, throughPipeline } from "./pipeline.ts";

/** Calls `fn`; returns its value, or `undefined` when it threw one of `allowed`. */
function allowing<T>(allowed: (new (...a: never[]) => Error)[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error: unknown) {
    if (allowed.some((E) => error instanceof E)) return undefined;
    throw error;
  }
}

const JAMF = ["lgml-pfry", "lgmd-pfry"].map((n) => fixture(`upstream/jamf/${n}.json`));
const BITFIT = ["lgml-pfry", "lgmd-pfry", "frys-laptop"].map((n) =>
  fixture(`upstream/bitfit/asset_response_${n}.json`)
);
const GOOGLE_MOBILE = ["android", "android_oreo", "ios_google-sync", "ios_ios-sync"].map((n) =>
  fixture(`upstream/google/devices/${n}.json`)
);
const GOOGLE_CHROME = ["chromeos", "chromeos_pixelbook"].map((n) =>
  fixture(`upstream/google/devices/${n}.json`)
);
const ACTIVITY = {
  kind: "admin#reports#activity",
  id: { time: "2024-05-19T10:00:01.000Z", uniqueQualifier: "-100", applicationName: "login" },
  actor: { email: "user@example.com", profileId: "1" },
  ipAddress: "203.0.113.1",
  events: [{
    type: "login",
    name: "login_success",
    parameters: [
      { name: "login_type", value: "google_password" },
      { name: "login_challenge_method", multiValue: ["password", "google_authenticator"] },
      { name: "is_suspicious", boolValue: false },
      { name: "count", intValue: "3" },
    ],
  }],
};
const USAGE = [
  { name: "accounts:is_2sv_enrolled", boolValue: true },
  { name: "accounts:last_login_time", datetimeValue: "2024-05-16T09:00:00.000Z" },
  { name: "accounts:used_quota_in_mb", intValue: "42" },
  { name: "accounts:drive_used_quota_in_mb", stringValue: "x" },
];
const DUO_ENTRY = {
  access_device: {
    ip: "192.0.2.10",
    location: { city: "New New York", state: "New York", country: "United States" },
  },
  application: { key: "DIAPPKEY", name: "Planet Express VPN" },
  auth_device: { ip: "198.51.100.7", name: "Fry's iPhone" },
  event_type: "authentication",
  factor: "duo_push",
  reason: "user_approved",
  result: "success",
  timestamp: 1717243200,
  txid: "tx-1",
  user: { key: "DUUSERKEY", name: "fry" },
};
const ES_HIT = {
  _id: "n-1",
  _source: {
    email: "user@example.com",
    message: "Your laptop is missing a security update",
    event_timestamp: "2024-05-19T10:00:00Z",
    type: "question",
    title: "Update",
    severity: "warning",
    answers: [{ value: "yes", label: "Yes" }, "no"],
  },
};
const INVENTORY = fixture("inventory/devices.json") as unknown[];
const LANDESK_ROW: Row = {
  name: "LGWD-PFRY",
  last_seen: new Date("2024-07-01T09:00:00Z"),
  hw_last_scan_date: new Date("2024-07-01T08:00:00Z"),
  sw_last_scan_date: "2024-01-15 08:30:00",
  type: "Portable",
  email: "fry@planetexpress.com",
  model: "20HRCTO1WW",
  manufacturer: "LENOVO",
  serial: "PF0XDEAD",
  systemversion: "ThinkPad X1 Carbon 5th",
  PROTECTIONSTATUS: "1 - on",
  ENCRYPTIONPERCENTAGE: 100,
  os_version: "6.3",
  os: "Microsoft Windows 10 Enterprise Edition, 64-bit",
};
const LANDESK: ComputerRows = {
  rows: [LANDESK_ROW, { ...LANDESK_ROW, CONVERSIONSTATUS: "2 - Encryption In Progress" }],
  vulns: [{
    Vul_ID: "ST000202",
    VulType: "Custom Definition",
    Reason: "The screen saver is not enabled for user bender.",
  }, { Vul_ID: "MS24-001", VulType: "Vulnerability", VulSeverity: 1, Title: "Patch" }],
  adapters: [{ PhysAddress: "00DECAFBAD10", FirewallEnabled: "No" }],
  software: [{ SuiteName: "Firefox", Version: "125.0", InstallDate: new Date("2024-01-01") }],
};
const LANDESK_OPTIONS = {
  source: "landesk",
  timeZone: "America/Los_Angeles",
  screenlockVulnId: "ST000202",
  debug: false,
};

const RECORD = { source: "google", debug: false };
const warnings: string[] = [];
const log = createLogger({ level: "debug", sink: (_l, line) => warnings.push(line) });

Deno.test("jamf processComputer() throws only MalformedComputerError, and its records survive the pipeline", async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(anyJson, ...JAMF.map((f) => mutated(f, 5))), async (raw) => {
      const r = allowing([MalformedComputerError], () => processComputer(raw, { debug: true }));
      if (r === undefined) return;
      assert.equal(r.source, "jamf");
      assertCanonicalMacs(r);
      const lastSync = r.last_sync;
      assert.ok(lastSync === null || !Number.isNaN(lastSync!.getTime()), "invalid last_sync");
      await throughPipeline([r]);
    }),
    params(400),
  );
});

Deno.test("bitfit processAsset() never throws and returns null or a record that survives the pipeline", async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(anyJson, ...BITFIT.map((f) => mutated(f, 5))), async (raw) => {
      const r = allowing([], () => processAsset(raw, { debug: false }));
      if (r === null || r === undefined) return;
      assert.equal(r.source, "bitfit");
      assertCanonicalMacs(r);
      await throughPipeline([r]);
    }),
    params(400),
  );
});

Deno.test("google processMobileDevice()/processChromeOsDevice() throw only MalformedDeviceError", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(anyJson, ...[...GOOGLE_MOBILE, ...GOOGLE_CHROME].map((f) => mutated(f, 5))),
      async (raw) => {
        const records = [
          allowing([MalformedDeviceError], () => processMobileDevice(raw, RECORD)),
          allowing([MalformedDeviceError], () => processChromeOsDevice(raw, RECORD)),
        ].filter((r) => r !== undefined);
        for (const r of records) {
          assertCanonicalMacs(r);
          assert.ok(!Number.isNaN((r.last_sync as Date).getTime()), "invalid last_sync");
        }
        allowing([], () => recentUserIs(raw, "user@example.com"));
        await throughPipeline(records);
      },
    ),
    params(400),
  );
});

Deno.test("google processLoginActivity() throws only MalformedDeviceError and gives valid events", () => {
  fc.assert(
    fc.property(fc.oneof(anyJson, mutated(ACTIVITY, 5)), (raw) => {
      const e = allowing([MalformedDeviceError], () => processLoginActivity(raw, RECORD));
      if (e === undefined) return;
      assert.ok(!Number.isNaN(e.timestamp.getTime()));
      assert.equal(typeof e.content, "string");
      assert.equal(typeof e.type, "string");
      JSON.stringify(e);
    }),
    params(400),
  );
});

Deno.test("google parseUsageParameters() never throws and types every kept value", () => {
  fc.assert(
    fc.property(fc.oneof(anyJson, mutated(USAGE, 4)), (raw) => {
      const { values, skipped } = parseUsageParameters(raw);
      for (const v of Object.values(values)) {
        assert.ok(
          v === null || ["boolean", "number", "string"].includes(typeof v) ||
            (v instanceof Date && !Number.isNaN(v.getTime())),
          `untyped usage value ${String(v)}`,
        );
      }
      assert.ok(Array.isArray(skipped));
    }),
    params(400),
  );
});

Deno.test("landesk processComputer() never throws on arbitrary driver rows", async () => {
  const cell: fc.Arbitrary<unknown> = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }),
    fc.constantFrom(
      "2024-13-45 25:61:61",
      "2024-03-10 02:30:00",
      "1 - on",
      "2 - Encryption In Progress",
      "CORP\\fry",
      "Not Installed",
      "No",
    ),
  );
  const row: fc.Arbitrary<Row> = fc.dictionary(
    fc.constantFrom(
      ...Object.keys(LANDESK_ROW),
      "login_name",
      "CONVERSIONSTATUS",
      "Vul_ID",
      "VulType",
      "VulSeverity",
      "Reason",
    ),
    cell,
  );
  const rows: fc.Arbitrary<ComputerRows> = fc.oneof(
    fc.record({
      rows: fc.array(row, { minLength: 1, maxLength: 3 }),
      vulns: fc.array(
        fc.record({
          Vul_ID: fc.oneof(fc.constant("ST000202"), fc.constant("ST000111"), cell),
          VulType: fc.oneof(fc.constant("Vulnerability"), cell),
          VulSeverity: fc.oneof(fc.constantFrom(1, 2, "1"), cell),
          Reason: cell,
          Title: cell,
        }, { requiredKeys: [] }),
        { maxLength: 4 },
      ),
      adapters: fc.array(
        fc.record({
          PhysAddress: fc.oneof(fc.constantFrom("00DECAFBAD10", "00-DE-CA-FB-AD-11"), cell),
          FirewallEnabled: fc.oneof(fc.constantFrom("Yes", "No", "Not Installed"), cell),
        }, { requiredKeys: [] }),
        { maxLength: 4 },
      ),
      software: fc.array(
        fc.dictionary(fc.constantFrom("SuiteName", "Version", "Publisher", "InstallDate"), cell),
        { maxLength: 4 },
      ),
    }),
    mutated(LANDESK, 5).map((m) => {
      // Mutation may replace the lists; the driver always hands lists of row objects.
      const r = (typeof m === "object" && m !== null ? m : {}) as Partial<ComputerRows>;
      const list = (v: unknown) =>
        (Array.isArray(v) ? v : []).filter((x): x is Row => typeof x === "object" && x !== null);
      return {
        rows: list(r.rows).length > 0 ? list(r.rows) : [{}],
        vulns: list(r.vulns),
        adapters: list(r.adapters),
        software: list(r.software),
      };
    }),
  );
  await fc.assert(
    fc.asyncProperty(rows, async (raw) => {
      const r = allowing([], () => processLandesk(raw, LANDESK_OPTIONS))!;
      assert.equal(r.source, "landesk");
      assertCanonicalMacs(r);
      await throughPipeline([r]);
    }),
    params(400),
  );
});

Deno.test("duo toEvent() never throws: an unusable entry is null", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        anyJson,
        mutated(DUO_ENTRY, 4),
        fc.double().map((timestamp) => ({ ...DUO_ENTRY, timestamp })),
      ),
      (raw) => {
        const e = allowing([], () => toEvent(raw, { debug: false }));
        if (e === null || e === undefined) return;
        assert.ok(!Number.isNaN(e.timestamp.getTime()), "invalid timestamp kept");
        assert.equal(typeof e.username, "string");
        assert.equal(typeof e.content, "string");
      },
    ),
    params(400),
  );
});

Deno.test("es_notifications normaliseHit() never throws: a hit that cannot be shown is null", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        anyJson,
        mutated(ES_HIT, 4),
        fc.double().map((t) => ({ _id: "x", _source: { message: "m", event_timestamp: t } })),
      ),
      (raw) => {
        const n = allowing(
          [],
          () => normaliseHit(raw as { _id?: string; _source?: unknown }, { source: "es", log }),
        );
        if (n === null || n === undefined) return;
        assert.equal(typeof n.id, "string");
        assert.ok(n.message.length > 0);
        assert.ok(!Number.isNaN(n.event_timestamp.getTime()), "invalid event_timestamp kept");
        for (const a of n.answers ?? []) assert.equal(typeof a.value, "string");
      },
    ),
    params(400),
  );
});

Deno.test("file parseInventory() throws only SyntaxError, and its records survive the pipeline", async () => {
  const text = fc.oneof(
    fc.string(),
    anyJson.map((v) => JSON.stringify(v) ?? ""),
    fc.array(fc.oneof(anyJson, ...INVENTORY.map((r) => mutated(r, 4))), { maxLength: 5 })
      .map((list) => JSON.stringify(list)),
    fc.array(fc.oneof(anyJson, ...INVENTORY.map((r) => mutated(r, 4))), { maxLength: 5 })
      .map((list) => list.map((v) => JSON.stringify(v) ?? "").join("\n")),
  );
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      const inv = allowing(
        [SyntaxError],
        () => parseInventory(t, { source: "file", debug: false }),
      );
      if (inv === undefined) return;
      for (const r of inv.devices) assertCanonicalMacs(r);
      for (const p of inv.problems) assert.equal(typeof p, "string");
      await throughPipeline(inv.devices);
    }),
    params(300),
  );
});
