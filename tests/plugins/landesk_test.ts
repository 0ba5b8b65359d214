/**
 * Over 300 lines: one test per LANDESK lookup and formatting rule, sharing the fake database of
 * driver rows and the naive-timestamp helpers above.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { NotFoundError, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import plugin, { createLandeskSource, schema } from "../../plugins/sources/landesk.ts";
import { formatScreenSaverReason, zonedTime } from "../../plugins/sources/landesk_format.ts";
import { type QueryFn, type Row, SQL } from "../../plugins/sources/landesk_sql.ts";

const FRY = "fry@planetexpress.com";
const LA = "America/Los_Angeles";

/** A naive SQL DATETIME as the mssql driver hands it over (`useUTC`: wall clock in UTC fields). */
function naive(text: string): Date {
  return new Date(`${text.replace(" ", "T")}Z`);
}

const SCREENSAVER_REASON = "The screen saver is not enabled for user bender." +
  "The screen saver time out value for user fry is longer than 15 minutes." +
  "The screen saver time out value for user amy.wong is longer than 15 minutes." +
  "The screen saver password protection setting is not enabled for user fry.";

const LAPTOP: Row = {
  name: "LGWD-PFRY",
  DEVICEID: "{6F1C1D2E-0000-4000-8000-00DECAFBAD10}",
  last_seen: naive("2024-07-01 09:00:00"),
  hw_last_scan_date: naive("2024-07-01 08:00:00"),
  sw_last_scan_date: naive("2024-01-15 08:30:00"),
  Computer_Idn: 101,
  type: "Portable",
  email: FRY,
  model: "20HRCTO1WW",
  manufacturer: "LENOVO",
  serial: "PF0XDEAD",
  systemversion: "ThinkPad X1 Carbon 5th",
  PROTECTIONSTATUS: "1 - on",
  CONVERSIONSTATUS: "1 - Fully Encrypted",
  GENENCRYPT: "XTS-AES 128",
  ENCRYPTIONPERCENTAGE: 100,
  os_build: "19045",
  os_version: "6.3",
  os_release: "2009",
  os: "Microsoft Windows 10 Enterprise Edition, 64-bit",
};
const DESKTOP: Row = {
  name: "LGWD-PFRY-OLD",
  DEVICEID: "{6F1C1D2E-0000-4000-8000-00DECAFBAD20}",
  last_seen: naive("2024-01-15 17:45:00"),
  hw_last_scan_date: naive("2024-01-15 17:00:00"),
  sw_last_scan_date: null,
  Computer_Idn: 102,
  type: "Desktop",
  email: FRY,
  model: "OptiPlex 7050",
  manufacturer: "Dell Inc.",
  serial: "PF0XBEEF",
  systemversion: null,
  PROTECTIONSTATUS: "0 - off",
  CONVERSIONSTATUS: "2 - Encryption In Progress",
  GENENCRYPT: null,
  ENCRYPTIONPERCENTAGE: 40,
  os_build: "17763",
  os_version: "6.3",
  os_release: "1809",
  os: "Microsoft Windows 10 Professional Edition, 64-bit",
};

const SUB_ROWS: Record<number, { vulns: Row[]; adapters: Row[]; software: Row[] }> = {
  101: {
    vulns: [
      {
        Computer_Idn: 101,
        Vul_ID: "ST000202",
        VulType: "Custom Definition",
        VulSeverity: "Medium",
        Title: "Screen saver not secure",
        Reason: SCREENSAVER_REASON,
      },
      {
        Computer_Idn: 101,
        Vul_ID: "ST000003v2",
        VulType: "Custom Definition",
        VulSeverity: "Medium",
        Title: "Automatic updates disabled",
        Reason: "Automatic Updates are disabled.",
      },
      {
        Computer_Idn: 101,
        Vul_ID: "MS24-001",
        VulType: "Vulnerability",
        VulSeverity: "Critical",
        Title: "Cumulative Security Update for Windows 10 (KB5034122)",
        Reason: "",
      },
      {
        Computer_Idn: 101,
        Vul_ID: "CVE-2024-0519",
        VulType: "Vulnerability",
        VulSeverity: "High",
        Title: "Google Chrome out of date",
        Reason: "",
      },
      {
        Computer_Idn: 101,
        Vul_ID: "CVE-2023-0001",
        VulType: "Vulnerability",
        VulSeverity: "Medium",
        Title: "A medium finding",
        Reason: "",
      },
    ],
    adapters: [
      { Computer_Idn: 101, PhysAddress: "00DECAFBAD10", FirewallEnabled: "Yes" },
      { Computer_Idn: 101, PhysAddress: "00DECAFBAD11", FirewallEnabled: "No" },
      { Computer_Idn: 101, PhysAddress: "02004C4F4F50", FirewallEnabled: "No" },
      { Computer_Idn: 101, PhysAddress: "00DECAFBAD12", FirewallEnabled: "Not Installed" },
      { Computer_Idn: 101, PhysAddress: null, FirewallEnabled: "No" },
    ],
    software: [
      {
        InstallDate: "20240110",
        Publisher: "Microsoft",
        SuiteName: "Microsoft 365",
        Version: "16.0",
      },
      { InstallDate: null, Publisher: null, SuiteName: null, Version: null },
    ],
  },
  102: {
    vulns: [],
    adapters: [{ Computer_Idn: 102, PhysAddress: "00-DE-CA-FB-AD-20", FirewallEnabled: "Yes" }],
    software: [],
  },
};

const LAPTOP_RECORD: DeviceRecord = {
  source: "landesk",
  platform: "Windows",
  name: "LGWD-PFRY",
  model: "ThinkPad X1 Carbon 5th",
  manufacturer: "LENOVO",
  os: "Microsoft Windows 10 Enterprise Edition, 64-bit",
  os_version: "6.3",
  os_release: "2009",
  os_build: "19045",
  serial: "PF0XDEAD",
  type: "Portable",
  email: FRY,
  last_sync: new Date("2024-07-01T16:00:00Z"),
  software: {
    installed: [{
      name: "Microsoft 365",
      version: "16.0",
      publisher: "Microsoft",
      install_date: "20240110",
    }],
    last_scan_date: new Date("2024-01-15T16:30:00Z"),
  },
  practices: {
    screenlock: {
      value: false,
      details: "  • The screen saver is not enabled for user: bender.\n" +
        "  • The screen saver timeout value is longer than 15 minutes for users: amy.wong, fry.\n" +
        "  • The screen saver password is not enabled for user: fry.",
      last_updated: new Date("2024-01-15T16:30:00Z"),
    },
    autoupdate: {
      value: false,
      details: "Automatic Updates are disabled.",
      last_updated: new Date("2024-01-15T16:30:00Z"),
    },
    uptodate: {
      value: false,
      details: "Missing Updates:\n" +
        "    Cumulative Security Update for Windows 10 (KB5034122)\n" +
        "    Google Chrome out of date\n",
      last_updated: new Date("2024-01-15T16:30:00Z"),
    },
    encryption: {
      value: true,
      details: "BitLocker volume 1 of 2: 100 % encrypted, protection on.\n" +
        "BitLocker volume 2 of 2: 100 % encrypted, protection on.",
      last_updated: new Date("2024-07-01T15:00:00Z"),
    },
    firewall: {
      value: false,
      details: "Firewall not enabled for adapter '00:DE:CA:FB:AD:11'\n" +
        "Firewall not enabled for adapter '02:00:4C:4F:4F:50'\n" +
        "Firewall not enabled for adapter 'unknown'",
      last_updated: new Date("2024-07-01T15:00:00Z"),
    },
  },
  identifiers: { mac_addresses: ["00:DE:CA:FB:AD:10", "00:DE:CA:FB:AD:11"], serial: "PF0XDEAD" },
};

const DESKTOP_RECORD: DeviceRecord = {
  source: "landesk",
  platform: "Windows",
  name: "LGWD-PFRY-OLD",
  model: "OptiPlex 7050",
  manufacturer: "Dell Inc.",
  os: "Microsoft Windows 10 Professional Edition, 64-bit",
  os_version: "6.3",
  os_release: "1809",
  os_build: "17763",
  serial: "PF0XBEEF",
  type: "Desktop",
  email: FRY,
  last_sync: new Date("2024-01-16T01:45:00Z"),
  software: { installed: [] },
  practices: {
    screenlock: { value: true },
    autoupdate: { value: true },
    uptodate: { value: true },
    encryption: {
      value: null,
      details: "BitLocker volume: 40 % encrypted, protection off, encryption in progress.",
      last_updated: new Date("2024-01-16T01:00:00Z"),
    },
    firewall: { value: true, details: "", last_updated: new Date("2024-01-16T01:00:00Z") },
  },
  identifiers: { mac_addresses: ["00:DE:CA:FB:AD:20"], serial: "PF0XBEEF" },
};

interface Call {
  sql: string;
  params: Record<string, string | number>;
}

/** A query function answering like the LANDESK tables, recording every statement. */
function fakeDatabase(): { query: QueryFn; calls: Call[] } {
  const calls: Call[] = [];
  const computers = [LAPTOP, { ...LAPTOP, GENENCRYPT: "second volume" }, DESKTOP];
  const query: QueryFn = (sql, params) => {
    calls.push({ sql, params });
    const idn = Number(params.idn);
    switch (sql) {
      case SQL.byEmail:
        return Promise.resolve(computers.filter((c) => c.email === params.email));
      case SQL.bySerial:
        return Promise.resolve(computers.filter((c) => c.serial === params.serial));
      case SQL.byMac: {
        const ids = Object.entries(SUB_ROWS).filter(([, s]) =>
          s.adapters.some((a) => String(a.PhysAddress).replaceAll("-", "") === params.mac)
        ).map(([id]) => Number(id));
        return Promise.resolve(computers.filter((c) => ids.includes(Number(c.Computer_Idn))));
      }
      case SQL.vulnerabilities:
        return Promise.resolve(SUB_ROWS[idn]?.vulns ?? []);
      case SQL.adapters:
        return Promise.resolve(SUB_ROWS[idn]?.adapters ?? []);
      case SQL.software:
        return Promise.resolve(SUB_ROWS[idn]?.software ?? []);
      case SQL.connectivity:
        return Promise.resolve([{ ok: 1 }]);
    }
    return Promise.reject(new Error(`unexpected statement ${sql}`));
  };
  return { query, calls };
}

const CONFIG = schema.parse({
  LANDESK_SQL_HOSTNAME: "landesk.example.com",
  LANDESK_SQL_HOSTPORT: "1433",
  LANDESK_SQL_USERNAME: "stethoscope",
  LANDESK_SQL_PASSWORD: "s3cret-Pa55",
  LANDESK_SQL_DATABASE: "LDMS",
  TIMEOUT: 5,
});

const CTX: PluginContext = {
  name: "landesk",
  timeoutMs: 5000,
  log: createLogger({ sink: () => {} }),
  store: {} as Store,
  now: () => new Date(),
  demo: false,
};

function signal(): { signal: AbortSignal } {
  return { signal: new AbortController().signal };
}

Deno.test("landesk devicesByEmail() returns every matching computer (decision 12)", async () => {
  const db = fakeDatabase();
  const source = createLandeskSource(CONFIG, CTX, db.query);
  const devices = await source.devicesByEmail!(FRY, signal());
  assert.deepEqual(devices, [LAPTOP_RECORD, DESKTOP_RECORD]);
  assert.equal(devices[0]?._raw, undefined);
});

Deno.test("landesk statements are parameterised: values never reach the SQL text", async (t) => {
  const db = fakeDatabase();
  const source = createLandeskSource(CONFIG, CTX, db.query);
  const email = "o'brien@example.com";
  const serial = "X'; DROP TABLE Computer;--";
  await t.step("by email", async () => {
    assert.deepEqual(await source.devicesByEmail!(email, signal()), []);
    assert.deepEqual(db.calls.at(-1), { sql: SQL.byEmail, params: { email } });
    assert.match(SQL.byEmail, /WHERE A1\.EMAILADDR = @email\nORDER BY A0\.LASTUPDINVSVR DESC$/);
  });
  await t.step("by serial", async () => {
    await assert.rejects(
      () => source.devicesBySerial!(serial, signal()),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message === `landesk: device (serial: '${serial}') not found`,
    );
    assert.deepEqual(db.calls.at(-1), { sql: SQL.bySerial, params: { serial } });
  });
  await t.step("by MAC, uppercased without separators", async () => {
    const devices = await source.devicesByMac!("00:de:ca:fb:ad:20", signal());
    assert.deepEqual(devices, [DESKTOP_RECORD]);
    const call = db.calls.find((c) => c.sql === SQL.byMac)!;
    assert.deepEqual(call.params, { mac: "00DECAFBAD20" });
  });
  await t.step("sub-queries by Computer_Idn as an integer parameter", () => {
    const idns = db.calls.filter((c) => c.sql === SQL.adapters).map((c) => c.params);
    assert.deepEqual(idns, [{ idn: 102 }]);
  });
  await t.step("no statement text contains a looked-up value", async () => {
    await source.devicesByEmail!(FRY, signal());
    await source.devicesBySerial!("PF0XDEAD", signal());
    for (const call of db.calls) {
      assert.ok(Object.values(SQL).includes(call.sql as never), "only the fixed statements run");
      for (const value of Object.values(call.params)) {
        assert.ok(!call.sql.includes(String(value)), `${value} in ${call.sql}`);
      }
      for (const name of Object.keys(call.params)) assert.ok(call.sql.includes(`@${name}`));
    }
  });
});

Deno.test("landesk lookups by serial and MAC", async (t) => {
  const source = createLandeskSource(CONFIG, CTX, fakeDatabase().query);
  await t.step("serial finds the one computer", async () => {
    assert.deepEqual(await source.devicesBySerial!("PF0XDEAD", signal()), [LAPTOP_RECORD]);
  });
  await t.step("an unknown MAC is not found", async () => {
    await assert.rejects(
      () => source.devicesByMac!("00:DE:CA:FB:AD:99", signal()),
      (e: unknown) =>
        e instanceof NotFoundError &&
        e.message === "landesk: device (macaddr: '00:DE:CA:FB:AD:99') not found",
    );
  });
});

Deno.test("landesk keeps the raw rows only with DEBUG", async () => {
  const source = createLandeskSource({ ...CONFIG, DEBUG: true }, CTX, fakeDatabase().query);
  const [, desktop] = await source.devicesByEmail!(FRY, signal());
  assert.deepEqual(desktop?._raw, { ...DESKTOP, ...SUB_ROWS[102] });
});

Deno.test("landesk reports driver failures in plain words without the password", async (t) => {
  await t.step("a login failure names the keys to check", async () => {
    const source = createLandeskSource(
      CONFIG,
      CTX,
      () =>
        Promise.reject(Object.assign(new Error("Login failed for user 'stethoscope'."), {
          code: "ELOGIN",
        })),
    );
    await assert.rejects(
      () => source.checkConnectivity(signal()),
      (e: unknown) =>
        e instanceof UpstreamError &&
        e.message ===
          "LANDESK authentication failure; check LANDESK_SQL_USERNAME and LANDESK_SQL_PASSWORD",
    );
  });
  await t.step("a message echoing the password is redacted", async () => {
    const source = createLandeskSource(
      CONFIG,
      CTX,
      () =>
        Promise.reject(Object.assign(new Error("bad connection string password=s3cret-Pa55"), {
          code: "EINVAL",
        })),
    );
    await assert.rejects(
      () => source.devicesByEmail!(FRY, signal()),
      (e: unknown) =>
        e instanceof UpstreamError &&
        e.message === "LANDESK query failed (EINVAL): bad connection string password=***",
    );
  });
  await t.step("checkConnectivity() runs one trivial statement", async () => {
    const db = fakeDatabase();
    await createLandeskSource(CONFIG, CTX, db.query).checkConnectivity(signal());
    assert.deepEqual(db.calls, [{ sql: "SELECT 1 AS ok", params: {} }]);
  });
});

Deno.test("landesk honours the AbortSignal", async () => {
  const deadline = new Error("landesk did not answer within 0.05 s");
  const controller = new AbortController();
  // the query never answers; the deadline passes once it is in flight
  const source = createLandeskSource(
    CONFIG,
    CTX,
    (_sql, _params, signal) =>
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => reject(new Error("request cancelled")));
        queueMicrotask(() => controller.abort(deadline));
      }),
  );
  await assert.rejects(
    () => source.devicesByEmail!(FRY, { signal: controller.signal }),
    (e: unknown) => e === deadline,
  );
});

Deno.test("formatScreenSaverReason() groups users per finding", async (t) => {
  await t.step("run-together sentences, dotted user names, sorted users", () => {
    assert.equal(
      formatScreenSaverReason(SCREENSAVER_REASON),
      "  • The screen saver is not enabled for user: bender.\n" +
        "  • The screen saver timeout value is longer than 15 minutes for users: amy.wong, fry.\n" +
        "  • The screen saver password is not enabled for user: fry.",
    );
  });
  await t.step("sentences separated by spaces are recognised too", () => {
    assert.equal(
      formatScreenSaverReason(
        " The screen saver is not enabled for user zoidberg.  The screen saver is not enabled for user amy. ",
      ),
      "  • The screen saver is not enabled for users: amy, zoidberg.",
    );
  });
  await t.step("only the password finding", () => {
    assert.equal(
      formatScreenSaverReason(
        "The screen saver password protection setting is not enabled for user leela",
      ),
      "  • The screen saver password is not enabled for user: leela.",
    );
  });
  await t.step("an unrecognised reason is kept, trimmed", () => {
    assert.equal(formatScreenSaverReason("  Policy not met.  "), "Policy not met.");
  });
});

Deno.test("zonedTime() reads naive timestamps in the configured zone", async (t) => {
  await t.step("summer (PDT, UTC-7) and winter (PST, UTC-8)", () => {
    assert.deepEqual(zonedTime("2024-07-01 09:00:00", LA), new Date("2024-07-01T16:00:00Z"));
    assert.deepEqual(zonedTime("2024-01-15 08:30:00", LA), new Date("2024-01-15T16:30:00Z"));
    assert.deepEqual(
      zonedTime(naive("2024-07-01 09:00:00.123"), LA),
      new Date("2024-07-01T16:00:00.123Z"),
    );
  });
  await t.step("either side of the spring-forward change", () => {
    assert.deepEqual(zonedTime("2024-03-10 01:59:59", LA), new Date("2024-03-10T09:59:59Z"));
    assert.deepEqual(zonedTime("2024-03-10 03:00:00", LA), new Date("2024-03-10T10:00:00Z"));
    // 02:30 does not exist that night: it moves forward to 03:30 PDT.
    assert.deepEqual(zonedTime("2024-03-10 02:30:00", LA), new Date("2024-03-10T10:30:00Z"));
  });
  await t.step("either side of the fall-back change", () => {
    assert.deepEqual(zonedTime("2024-11-03 00:30:00", LA), new Date("2024-11-03T07:30:00Z"));
    // 01:30 happens twice: the earlier (PDT) instant is taken.
    assert.deepEqual(zonedTime("2024-11-03 01:30:00", LA), new Date("2024-11-03T08:30:00Z"));
    assert.deepEqual(zonedTime("2024-11-03 02:30:00", LA), new Date("2024-11-03T10:30:00Z"));
  });
  await t.step("other zones, explicit offsets and unreadable values", () => {
    assert.deepEqual(
      zonedTime("2024-03-31 12:00", "Europe/Berlin"),
      new Date("2024-03-31T10:00:00Z"),
    );
    assert.deepEqual(
      zonedTime("2024-12-01 12:00", "Europe/Berlin"),
      new Date("2024-12-01T11:00:00Z"),
    );
    assert.deepEqual(zonedTime("2024-12-01T12:00:00Z", LA), new Date("2024-12-01T12:00:00Z"));
    assert.deepEqual(
      zonedTime(naive("2024-12-01 12:00:00"), "UTC"),
      new Date("2024-12-01T12:00:00Z"),
    );
    assert.equal(zonedTime("last tuesday", LA), null);
    assert.equal(zonedTime(null, LA), null);
  });
  await t.step("the plugin applies TIME_ZONE", async () => {
    const source = createLandeskSource(
      { ...CONFIG, TIME_ZONE: "Europe/Berlin" },
      CTX,
      fakeDatabase().query,
    );
    const [laptop] = await source.devicesByEmail!(FRY, signal());
    assert.deepEqual(laptop?.last_sync, new Date("2024-07-01T07:00:00Z"));
  });
});

Deno.test("landesk schema: defaults, coercion and a bad time zone", () => {
  assert.equal(CONFIG.LANDESK_SQL_HOSTPORT, 1433);
  assert.equal(CONFIG.LANDESK_SCREENLOCK_VULN_ID, "ST000202");
  assert.equal(CONFIG.TIME_ZONE, LA);
  assert.equal(CONFIG.DEBUG, false);
  const bad = plugin.schema.safeParse({ ...CONFIG, TIME_ZONE: "Mars/Olympus_Mons" });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /expected an IANA time zone/);
  assert.equal(plugin.schema.safeParse({ ...CONFIG, LANDESK_SQL_HOST: "x" }).success, false);
});
