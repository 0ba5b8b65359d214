/**
 * Over 300 lines: field-by-field maps of both Classic fixtures plus one test per JAMF lookup,
 * failure and parsing rule, sharing the fake and setup().
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger, type Level, silentLogger } from "../../config/log.ts";
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import jamf from "../../plugins/sources/jamf.ts";
import { parseJamfDate, processComputer } from "../../plugins/sources/jamf_parse.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import {
  type FakeJamf,
  JAMF_PASSWORD,
  JAMF_USER,
  jamfFixture,
  startFakeJamf,
} from "../fakes/jamf.ts";
import { basicAuth } from "../../lib/basic_auth.ts";

const EMAIL = "fry@planetexpress.com";
const signal = () => new AbortController().signal;

async function setup(
  overrides: Record<string, unknown> = {},
  options: { timeoutMs?: number; lines?: { level: Level; line: string }[] } = {},
): Promise<{ fake: FakeJamf; plugin: PluginInstance }> {
  const fake = await startFakeJamf();
  const config = jamf.schema.parse({
    JAMF_API_USERNAME: JAMF_USER,
    JAMF_API_PASSWORD: JAMF_PASSWORD,
    JAMF_API_HOSTADDR: fake.hostaddr,
    ...overrides,
  });
  const log = options.lines
    ? createLogger({ level: "debug", sink: (level, line) => options.lines!.push({ level, line }) })
    : silentLogger;
  const plugin = await jamf.create(config, {
    name: "jamf",
    timeoutMs: options.timeoutMs ?? 5000,
    log,
    store: {} as Store,
    now: () => new Date(),
    demo: false,
  });
  return { fake, plugin };
}

function bySerial(devices: DeviceRecord[], serial: string): DeviceRecord {
  const d = devices.find((x) => x.serial === serial);
  assert.ok(d, `no device ${serial}`);
  return d;
}

Deno.test("jamf devicesByEmail() maps lgml-pfry field by field (spec §3.1)", async () => {
  const { fake, plugin } = await setup();
  try {
    const devices = await plugin.devicesByEmail!(EMAIL, { signal: signal() });
    assert.equal(devices.length, 2);
    const d = bySerial(devices, "DECAFBAD00");
    const at = new Date("2016-02-26T18:58:57.853Z");
    assert.equal(d.source, "jamf");
    assert.equal(d.name, "lgml-pfry");
    assert.equal(d.model, "15-inch Retina MacBook Pro (Late 2013)");
    assert.equal(d.platform, "Mac");
    assert.equal(d.os, "Mac OS X");
    assert.equal(d.os_version, "10.10.5");
    assert.equal(d.email, EMAIL);
    assert.deepEqual(d.last_sync, at);
    assert.deepEqual(d.identifiers, {
      serial: "DECAFBAD00",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
      mac_addresses: ["00:DE:CA:FB:AD:01", "00:DE:CA:FB:AD:00"],
    });
    assert.deepEqual(d.practices, {
      encryption: {
        value: true,
        details: "Macintosh HD (Boot Partition): Encrypted (100%)",
        last_updated: at,
      },
      uptodate: {
        value: false,
        details: "Missing Updates:\n" +
          "    Command Line Tools (OS X 10.10) for Xcode-7.2\n" +
          "    Security Update 2016-001-10.10.5\n",
        last_updated: at,
      },
      // No software-update attribute reported: unknown (issue 11), not the original's defaults.
      autoupdate: { last_updated: at },
      firewall: { value: false, last_updated: at },
      screenlock: { last_updated: at },
      remotelogin: { last_updated: at },
    });
    assert.deepEqual(d.software, {
      last_scan_date: at,
      installed: [{
        name: "BIG-IP Edge Client.app",
        version: "7120.2015.1102.1",
        path: "/Applications/BIG-IP Edge Client.app",
      }],
      services: [
        { name: "com.carbonblack.daemon" },
        { name: "com.openssh.sshd" },
        { name: "com.sentinelone.sentineld" },
        { name: "com.sentinelone.sentineld-guard" },
        { name: "com.sentinelone.sentineld-helper" },
      ],
    });
    assert.equal(d._raw, undefined);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf devicesByEmail() maps lgmd-pfry field by field (spec §3.1)", async () => {
  const { fake, plugin } = await setup();
  try {
    const d = bySerial(await plugin.devicesByEmail!(EMAIL, { signal: signal() }), "DECAFBAD01");
    const at = new Date("2016-02-28T22:54:40.788Z");
    assert.equal(d.name, "lgmd-pfry");
    assert.equal(d.model, "MacPro (Late 2013)");
    assert.equal(d.os_version, "10.10.4");
    // The fixture misspells the key (`email_addres`): no email.
    assert.equal(d.email, undefined);
    assert.deepEqual(d.last_sync, at);
    assert.deepEqual(d.identifiers, {
      serial: "DECAFBAD01",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000001",
      mac_addresses: ["00:DE:CA:FB:AD:02", "00:DE:CA:FB:AD:03"],
    });
    // The first drive has no partition; the second is not encrypted.
    assert.deepEqual(d.practices?.encryption, {
      value: false,
      details: "Macintosh HD (Boot Partition): Not Encrypted (0%)",
      last_updated: at,
    });
    assert.deepEqual(d.practices?.uptodate, {
      value: false,
      details: "Missing Updates:\n" +
        "    Command Line Tools (OS X 10.10) for Xcode-7.2\n" +
        "    OSXUpd10.10.5-10.10.5\n",
      last_updated: at,
    });
    assert.deepEqual(d.practices?.firewall, { value: true, last_updated: at });
    assert.deepEqual(d.software?.installed, []);
    assert.deepEqual(d.software?.services?.map((s) => s.name), [
      "com.sentinelone.sentineld",
      "com.sentinelone.sentineld-guard",
      "com.sentinelone.sentineld-helper",
    ]);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf sends a bearer token and Accept: application/json to the configured host", async () => {
  const { fake, plugin } = await setup();
  try {
    await plugin.devicesByEmail!(EMAIL, { signal: signal() });
    const [token, ...classic] = fake.requests;
    assert.equal(token!.path, "/api/v1/auth/token");
    assert.equal(
      token!.headers.get("authorization"),
      basicAuth(JAMF_USER, JAMF_PASSWORD),
    );
    assert.deepEqual(classic.map((r) => r.path).sort(), [
      "/JSSResource/computers/id/3062",
      "/JSSResource/computers/id/4551",
      "/JSSResource/users/email/fry@planetexpress.com",
    ]);
    for (const r of classic) {
      assert.equal(r.headers.get("authorization"), `Bearer ${fake.issued[0]}`);
      assert.equal(r.headers.get("accept"), "application/json");
    }
  } finally {
    await fake.close();
  }
});

Deno.test("jamf extension attributes drive autoupdate, firewall, screen lock, remote login and MACs", async (t) => {
  const { fake, plugin } = await setup();
  try {
    const raw = await jamfFixture("lgml-pfry");
    const ext = raw.computer.extension_attributes as { name: string; value: string }[];
    const c = raw.computer as Record<string, Record<string, unknown>>;
    c.hardware!.os_name = "macOS";
    c.hardware!.os_version = "14.2.1";
    c.general!.serial_number = "MODERNMAC1";
    c.general!.mac_address = "not-a-mac";
    ext.push(
      { name: "1 Auto Check For Updates Enabled", value: "True" },
      { name: "2 Get New Updates in Background Enabled", value: "Unknown Status" },
      { name: "3 Install App Updates Enabled", value: "True" },
      { name: "4 Install macOS Updates Enabled", value: "False" },
      { name: "5 Install Security Updates Enabled", value: "False" },
      { name: "Screen Saver Lock Enabled", value: "Enabled" },
      { name: "Remote Login", value: "On" },
      { name: "Wireless Mac Address", value: "00-de-ca-fb-ad-09" },
    );
    fake.computers.set(7, raw);
    const [d] = await plugin.devicesBySerial!("MODERNMAC1", { signal: signal() });
    await t.step("macOS is kept and its update setting label says macOS", () => {
      assert.equal(d?.os, "macOS");
      assert.deepEqual(d?.practices?.autoupdate?.value, false);
      assert.equal(
        d?.practices?.autoupdate?.details,
        "Disabled settings:\n    Install macOS updates\n    Install security updates",
      );
    });
    await t.step("screen lock enabled, remote login on", () => {
      assert.equal(d?.practices?.screenlock?.value, true);
      assert.equal(d?.practices?.remotelogin?.value, false);
    });
    await t.step("an invalid MAC drops that MAC only (decision 21)", () => {
      assert.deepEqual(d?.identifiers?.mac_addresses, ["00:DE:CA:FB:AD:00", "00:DE:CA:FB:AD:09"]);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("jamf decision 21: bad date is null, no readable partition is unknown", async () => {
  const { fake, plugin } = await setup();
  try {
    const raw = await jamfFixture("lgml-pfry");
    const c = raw.computer as Record<string, Record<string, unknown>>;
    c.general!.report_date_utc = "yesterday-ish";
    c.general!.serial_number = "ODD1";
    (c.hardware!.storage as Record<string, unknown>[])[0]!.partition = {
      name: "Recovery HD",
      filevault2_status: "Not Encrypted",
      filevault2_percent: 0,
    };
    fake.computers.set(8, raw);
    const [d] = await plugin.devicesBySerial!("ODD1", { signal: signal() });
    assert.equal(d?.last_sync, null);
    assert.deepEqual(d?.practices?.encryption, { value: null, last_updated: null });
    assert.equal(d?.software?.last_scan_date, null);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf devicesByEmail() drops a computer that answers 404 and keeps the rest", async () => {
  const { fake, plugin } = await setup();
  try {
    fake.users.set("fry", [4551, 999, 3062]);
    const devices = await plugin.devicesByEmail!(EMAIL, { signal: signal() });
    assert.deepEqual(devices.map((d) => d.serial).sort(), ["DECAFBAD00", "DECAFBAD01"]);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf devicesByEmail() skips a malformed computer and reports it once", async () => {
  const lines: { level: Level; line: string }[] = [];
  const { fake, plugin } = await setup({}, { lines });
  try {
    fake.computers.set(13, { computer: { general: { name: "broken" } } });
    fake.users.set("fry", [4551, 13]);
    for (let i = 0; i < 2; i++) {
      const devices = await plugin.devicesByEmail!(EMAIL, { signal: signal() });
      assert.deepEqual(devices.map((d) => d.serial), ["DECAFBAD00"]);
    }
    const warnings = lines.filter((l) => l.level === "warn");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.line, /jamf: skipped a record/);
    assert.match(warnings[0]!.line, /"id":"13"/);
  } finally {
    await fake.close();
  }
});

Deno.test("jamf lookups that find nothing throw NotFoundError", async (t) => {
  const { fake, plugin } = await setup();
  try {
    await t.step("unknown user", async () => {
      await assert.rejects(
        plugin.devicesByEmail!("zoidberg@planetexpress.com", { signal: signal() }),
        NotFoundError,
      );
    });
    await t.step("unknown serial", async () => {
      await assert.rejects(plugin.devicesBySerial!("NOPE", { signal: signal() }), NotFoundError);
    });
    await t.step("unknown MAC", async () => {
      await assert.rejects(
        plugin.devicesByMac!("00:de:ca:fb:ad:99", { signal: signal() }),
        NotFoundError,
      );
    });
  } finally {
    await fake.close();
  }
});

Deno.test("jamf devicesByMac() finds a computer by either MAC, canonicalised", async () => {
  const { fake, plugin } = await setup();
  try {
    const [d] = await plugin.devicesByMac!("00-de-ca-fb-ad-00", { signal: signal() });
    assert.equal(d?.serial, "DECAFBAD00");
    assert.equal(
      fake.requests.at(-1)?.url.pathname,
      "/JSSResource/computers/macaddress/00%3ADE%3ACA%3AFB%3AAD%3A00",
    );
  } finally {
    await fake.close();
  }
});

Deno.test("jamf keeps _raw only with DEBUG", async () => {
  const { fake, plugin } = await setup({ DEBUG: true });
  try {
    const [d] = await plugin.devicesBySerial!("DECAFBAD00", { signal: signal() });
    assert.deepEqual(d?._raw, await jamfFixture("lgml-pfry"));
  } finally {
    await fake.close();
  }
});

Deno.test("jamf upstream failures: 500 retried then reported, garbage JSON, hang", async (t) => {
  const { fake, plugin } = await setup({}, { timeoutMs: 3000 });
  const short = await setup({}, { timeoutMs: 300 });
  try {
    await t.step("500 is retried 3 times then reported", async () => {
      fake.requests.length = 0;
      fake.fail({ kind: "status", status: 500 });
      await assert.rejects(
        plugin.devicesBySerial!("DECAFBAD00", { signal: signal() }),
        (e: unknown) => e instanceof UpstreamError && e.status === 500,
      );
      assert.equal(fake.requests.length, 4);
    });
    await t.step("all computers failing makes the lookup fail", async () => {
      fake.fail(null);
      fake.computers.set(4551, "oops");
      fake.users.set("fry", [4551]);
      await assert.rejects(plugin.devicesByEmail!(EMAIL, { signal: signal() }), /malformed/);
    });
    await t.step("garbage JSON", async () => {
      fake.fail({ kind: "malformed" });
      await assert.rejects(
        plugin.devicesBySerial!("DECAFBAD00", { signal: signal() }),
        /malformed JSON/,
      );
    });
    await t.step("a hanging JAMF fails at the plugin timeout", async () => {
      short.fake.fail({ kind: "hang" });
      const asked = short.fake.requests.length;
      // the message names the plugin's 0.3 s timeout: that, not the hang, ended the call
      await assert.rejects(
        short.plugin.devicesBySerial!("DECAFBAD00", { signal: signal() }),
        /did not answer within 0.3 s/,
      );
      assert.equal(short.fake.requests.length - asked, 1, "asked again after the timeout");
    });
  } finally {
    await fake.close();
    await short.fake.close();
  }
});

Deno.test("jamf checkConnectivity() explains what failed", async (t) => {
  const { fake, plugin } = await setup();
  try {
    await t.step("ok", async () => {
      await plugin.checkConnectivity!({ signal: signal() });
      assert.equal(fake.requests.at(-1)?.url.pathname, "/JSSResource/jssuser");
    });
    await t.step("401", async () => {
      fake.fail({ kind: "status", status: 401 });
      await assert.rejects(plugin.checkConnectivity!({ signal: signal() }), {
        message: "JAMF refused the account at POST /api/v1/auth/token (HTTP 401); check " +
          "JAMF_API_USERNAME and JAMF_API_PASSWORD, or configure an API client (JAMF_CLIENT_ID, " +
          "JAMF_CLIENT_SECRET)",
      });
    });
    await t.step("other status", async () => {
      fake.fail({ kind: "status", status: 418 });
      await assert.rejects(plugin.checkConnectivity!({ signal: signal() }), {
        message: `JAMF token request failed: received invalid response code (418) for ${
          new URL(fake.hostaddr).host
        } (POST /api/v1/auth/token)`,
      });
    });
  } finally {
    await fake.close();
  }
  const wrong = await setup({ JAMF_API_PASSWORD: "wrong" });
  try {
    await assert.rejects(
      wrong.plugin.checkConnectivity!({ signal: signal() }),
      /JAMF refused the account at POST \/api\/v1\/auth\/token/,
    );
    const error = await wrong.plugin.devicesBySerial!("DECAFBAD00", { signal: signal() }).catch((
      e,
    ) => e);
    assert.match(error.message, /JAMF refused the account/);
    assert.ok(!error.message.includes("wrong"));
  } finally {
    await wrong.fake.close();
  }
});

Deno.test("jamf schema rejects a non-URL host and unknown keys", () => {
  const base = { JAMF_API_USERNAME: "u", JAMF_API_PASSWORD: "p" };
  assert.equal(jamf.schema.safeParse({ ...base, JAMF_API_HOSTADDR: "not a url" }).success, false);
  assert.equal(
    jamf.schema.safeParse({
      ...base,
      JAMF_API_HOSTADDR: "https://x.jamfcloud.com/JSSResource",
      JAMF_HOST: "x",
    })
      .success,
    false,
  );
  assert.equal(
    jamf.schema.safeParse({
      ...base,
      JAMF_API_HOSTADDR: "https://x.jamfcloud.com/JSSResource",
      JAMF_TIMEOUT: 3,
    })
      .success,
    true,
  );
});

Deno.test("parseJamfDate() accepts JAMF offsets and rejects anything else", () => {
  assert.equal(
    parseJamfDate("2016-02-26T10:58:57.853-0800")?.toISOString(),
    "2016-02-26T18:58:57.853Z",
  );
  assert.equal(parseJamfDate("2016-02-26T10:58:57Z")?.toISOString(), "2016-02-26T10:58:57.000Z");
  assert.equal(parseJamfDate("2016-13-45T10:58:57Z"), null);
  assert.equal(parseJamfDate(""), null);
  assert.equal(parseJamfDate(null), null);
});

Deno.test("processComputer() reads JAMF's native posture fields before extension attributes", async (t) => {
  const base = await jamfFixture("lgml-pfry");
  // deno-lint-ignore no-explicit-any
  const withChanges = (change: (c: Record<string, any>) => void) => {
    const raw = structuredClone(base);
    change(raw.computer);
    return processComputer(raw, { debug: false }).practices!;
  };
  await t.step("security.firewall_enabled wins over the Firewall Status attribute", () => {
    // lgml-pfry's attribute says 0 (off); the native field says on
    const p = withChanges((c) => (c.security = { firewall_enabled: true }));
    assert.deepEqual(p.firewall, { value: true, last_updated: p.firewall?.last_updated });
    assert.equal(withChanges(() => {}).firewall?.value, false);
  });
  await t.step("a security section without the field falls back to the attribute", () => {
    assert.equal(
      withChanges((c) => (c.security = { activation_lock: false })).firewall?.value,
      false,
    );
  });
  await t.step("typed partitions: only the boot volume decides FileVault", () => {
    const p = withChanges((c) => {
      c.hardware.storage = [{
        disk: "disk0",
        drive_capacity_mb: 500277,
        partitions: [
          {
            name: "Macintosh HD (Boot Partition)",
            type: "boot",
            filevault2_status: "Encrypted",
            filevault2_percent: 100,
          },
          {
            name: "Preboot",
            type: "other",
            filevault2_status: "Not Encrypted",
            filevault2_percent: 0,
          },
          { name: "VM", type: "other", filevault2_status: "Not Encrypted", filevault2_percent: 0 },
          {
            name: "Recovery",
            type: "recovery",
            filevault2_status: "Not Encrypted",
            filevault2_percent: 0,
          },
        ],
      }];
    });
    assert.equal(p.encryption?.value, true);
    assert.equal(p.encryption?.details, "Macintosh HD (Boot Partition): Encrypted (100%)");
  });
  await t.step("filevault_status is read when filevault2_status is absent", () => {
    const p = withChanges((c) => {
      c.hardware.storage = [{
        drive_capacity_mb: 250000,
        partitions: [{
          name: "Macintosh HD",
          type: "boot",
          filevault_status: "Not Encrypted",
          filevault_percent: 0,
        }],
      }];
    });
    assert.equal(p.encryption?.value, false);
    assert.equal(p.encryption?.details, "Macintosh HD: Not Encrypted (0%)");
  });
  await t.step("automatic updates: only reported settings decide", () => {
    const ext = (pairs: [string, string][]) =>
      withChanges((c) =>
        c.extension_attributes.push(...pairs.map(([name, value]) => ({ name, value })))
      ).autoupdate;
    assert.deepEqual(
      ext([["1 Auto Check For Updates Enabled", "True"]]),
      {
        details: "Not reported by JAMF:\n    Install app updates\n    Install OS X updates",
        last_updated: new Date("2016-02-26T18:58:57.853Z"),
      },
    );
    const all: [string, string][] = [
      ["1 Auto Check For Updates Enabled", "True"],
      ["3 Install App Updates Enabled", "True"],
      ["4 Install OS X Updates Enabled", "True"],
    ];
    assert.equal(ext(all)?.value, true); // 2, 5 and 6 are on by default on macOS
    assert.deepEqual(
      ext([["3 Install App Updates Enabled", "False"]])?.details,
      "Disabled settings:\n    Install app updates",
    );
  });
});

Deno.test("jamf devicesByEmail() without a JAMF user finds Macs by their location email", async () => {
  const { fake, plugin } = await setup();
  try {
    const mine = await jamfFixture("lgml-pfry");
    (mine.computer.location as Record<string, unknown>).email_address = "Leela@PlanetExpress.com";
    const near = structuredClone(mine);
    (near.computer.general as Record<string, unknown>).serial_number = "NOTLEELA01";
    (near.computer.location as Record<string, unknown>).email_address =
      "leela@planetexpress.com.au";
    fake.computers.set(20, mine);
    fake.computers.set(21, near); // found by the loose match, not hers
    const devices = await plugin.devicesByEmail!("leela@planetexpress.com", { signal: signal() });
    assert.deepEqual(devices.map((d) => d.serial), ["DECAFBAD00"]);
    const asked = fake.requests.map((r) => decodeURIComponent(r.url.pathname));
    assert.deepEqual(asked.slice(1), [
      "/JSSResource/users/email/leela@planetexpress.com",
      "/JSSResource/computers/match/leela@planetexpress.com",
      "/JSSResource/computers/id/20",
    ]);
    await assert.rejects(
      plugin.devicesByEmail!("zoidberg@planetexpress.com", { signal: signal() }),
      NotFoundError,
    );
  } finally {
    await fake.close();
  }
});
