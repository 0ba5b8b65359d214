/**
 * LANDESK rows as real inventories hold them (issue 21): several BitLocker rows per computer (one
 * per volume, from the original's `LEFT JOIN BitLocker`), a computer without an `LDAPUserAttrV`
 * row (NULL `EMAILADDR`), and owners recorded as `DOMAIN\user` sign-in names. Exact values.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { createLandeskSource, schema } from "../../plugins/sources/landesk.ts";
import { bitLockerEvidence, bitLockerVolumes } from "../../plugins/sources/landesk_bitlocker.ts";
import { loginDomains, loginsFor, ownerOf } from "../../plugins/sources/landesk_owner.ts";
import { LOGIN_SQL, type Row, SQL } from "../../plugins/sources/landesk_sql.ts";
import { formatIssues } from "../../config/problems.ts";
import { pluginContext } from "../support/sources.ts";
import { LANDESK_SECTION, landeskDatabase } from "../support/landesk_fake.ts";

const BASE = LANDESK_SECTION;

const volume = (protection: unknown, conversion: unknown, pct: unknown): Row => ({
  PROTECTIONSTATUS: protection,
  CONVERSIONSTATUS: conversion,
  GENENCRYPT: null,
  ENCRYPTIONPERCENTAGE: pct,
});
const ON_100 = volume("1 - on", "1 - Fully Encrypted", 100);

Deno.test("BitLocker: every reported volume must be 100 % with protection on", async (t) => {
  const evidence = (...rows: Row[]) => bitLockerEvidence(bitLockerVolumes(rows));
  await t.step("two volumes encrypted; a repeated row counts once", () => {
    assert.deepEqual(evidence(ON_100, volume("1 - on", "1 - Fully Encrypted", 100.0), ON_100), {
      value: true,
      details: "BitLocker volume: 100 % encrypted, protection on.",
    });
  });
  await t.step("the third of three volumes is off: failing, and it is named", () => {
    assert.deepEqual(
      evidence(ON_100, { ...ON_100, GENENCRYPT: "XTS-AES 256" }, volume("0 - off", "0", 0)),
      {
        value: false,
        details: "BitLocker volume 1 of 3: 100 % encrypted, protection on.\n" +
          "BitLocker volume 2 of 3: 100 % encrypted, protection on.\n" +
          "BitLocker volume 3 of 3: 0 % encrypted, protection off.",
      },
    );
  });
  await t.step("a volume mid-encryption is not failing: unknown, 'encryption in progress'", () => {
    assert.deepEqual(evidence(ON_100, volume("0 - off", "2 - Encryption In Progress", "37")), {
      value: null,
      details: "BitLocker volume 1 of 2: 100 % encrypted, protection on.\n" +
        "BitLocker volume 2 of 2: 37 % encrypted, protection off, encryption in progress.",
    });
  });
  await t.step("in progress beside a failing volume is failing", () => {
    assert.deepEqual(evidence(volume(0, 2, 50), volume(0, 4, 60)).value, false);
  });
  await t.step("paused, decrypting, protection unknown, or 100 % but off: failing", () => {
    assert.deepEqual(
      [
        volume("0 - off", "4 - Encryption Paused", 60),
        volume("0 - off", "3 - Decryption In Progress", 80),
        volume("2 - unknown", "1 - Fully Encrypted", 100),
        volume("0 - off", "1 - Fully Encrypted", 100),
      ].map((v) => [evidence(v).value, evidence(v).details]),
      [
        [false, "BitLocker volume: 60 % encrypted, protection off, encryption paused."],
        [false, "BitLocker volume: 80 % encrypted, protection off, decryption in progress."],
        [false, "BitLocker volume: 100 % encrypted, protection unknown."],
        [false, "BitLocker volume: 100 % encrypted, protection off."],
      ],
    );
  });
  await t.step("no BitLocker row (the LEFT JOIN found none): not encrypted, said so", () => {
    assert.deepEqual(evidence(volume(null, null, null)), {
      value: false,
      details: "No BitLocker volume is reported for this computer.",
    });
  });
  await t.step("values the inventory did not fill are named, never guessed", () => {
    assert.deepEqual(evidence(volume("1 - on", null, "n/a")), {
      value: false,
      details: "BitLocker volume: percentage not reported, protection on.",
    });
  });
});

Deno.test("owners: an address, a mapped DOMAIN\\user, or unknown with the reason", () => {
  const corp = loginDomains({ CORP: "Corp.Example.com", lab: "lab.example.com" });
  const owner = (email: unknown, login: unknown) => ownerOf(email, login, corp, "landesk");
  const unread = (field: string, value: string, reason: string) => ({
    unread: { source: "landesk", field, value, reason },
  });
  assert.deepEqual(
    [
      owner(" fry@planetexpress.com ", "CORP\\bender"),
      owner(null, "CORP\\fry"),
      owner("corp\\Fry", null),
      owner(null, "LAB\\leela"),
      owner(null, "MOON\\fry"),
      owner(null, "fry"),
      owner(null, "fry@corp.local"),
      owner("Philip J. Fry", null),
      owner(null, null),
      owner("", "  "),
      // LoginName (the last sign-in) only when EMAILADDR is empty, as LOGIN_SQL.byLogin asks
      owner("Philip J. Fry", "CORP\\bender"),
      owner(" ", "CORP\\fry"),
    ],
    [
      { email: "fry@planetexpress.com" },
      { email: "fry@corp.example.com" },
      { email: "Fry@corp.example.com" },
      { email: "leela@lab.example.com" },
      unread(
        "owner_sign_in",
        "MOON\\fry",
        "its owner is a Windows sign-in name, not an email address",
      ),
      unread("owner_sign_in", "fry", "its owner is a Windows sign-in name, not an email address"),
      unread(
        "owner_sign_in",
        "fry@corp.local",
        "its owner is a Windows sign-in name, not an email address",
      ),
      unread("owner_email", "Philip J. Fry", "its owner is not an email address"),
      unread("owner", "", "it names no owner"),
      unread("owner", "", "it names no owner"),
      unread("owner_email", "Philip J. Fry", "its owner is not an email address"),
      { email: "fry@corp.example.com" },
    ],
  );
  // without a map, no sign-in name is ever read as an owner
  assert.deepEqual(
    ownerOf(null, "CORP\\fry", loginDomains({}), "landesk"),
    unread(
      "owner_sign_in",
      "CORP\\fry",
      "its owner is a Windows sign-in name, not an email address",
    ),
  );
  assert.deepEqual(loginsFor("fry@CORP.example.com", corp), ["CORP\\fry"]);
  assert.deepEqual(loginsFor("fry@planetexpress.com", corp), []);
});

Deno.test("LANDESK_LOGIN_DOMAINS: clear errors for a bad NetBIOS name, domain or repeated key", () => {
  const issues = (domains: unknown) => {
    const parsed = schema.safeParse({ ...BASE, LANDESK_LOGIN_DOMAINS: domains });
    return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join("."), i.message]);
  };
  assert.deepEqual(issues({ CORP: "corp.example.com" }), []);
  assert.deepEqual(schema.parse(BASE).LANDESK_LOGIN_DOMAINS, {});
  assert.deepEqual(issues({ "CORP\\": "corp.example.com", "A-VERY-LONG-DOMAIN": "x.com" }), [
    [
      "LANDESK_LOGIN_DOMAINS.CORP\\",
      'expected a NetBIOS domain name such as CORP (1-15 letters, digits, "-", "_" or ".")',
    ],
    [
      "LANDESK_LOGIN_DOMAINS.A-VERY-LONG-DOMAIN",
      'expected a NetBIOS domain name such as CORP (1-15 letters, digits, "-", "_" or ".")',
    ],
  ]);
  assert.deepEqual(issues({ CORP: "@corp.example.com" }), [
    [
      "LANDESK_LOGIN_DOMAINS.CORP",
      "expected an email domain such as corp.example.com (no @, no spaces)",
    ],
  ]);
  // as the operator reads it when the server refuses to start
  const section = { ...BASE, LANDESK_LOGIN_DOMAINS: { CORP: "fry@corp.example.com" } };
  const refused = schema.safeParse(section);
  assert.deepEqual(
    refused.success ? [] : formatIssues(refused.error.issues, ["PLUGINS", "landesk"], section),
    [
      "PLUGINS.landesk.LANDESK_LOGIN_DOMAINS.CORP: " +
      "expected an email domain such as corp.example.com (no @, no spaces)",
    ],
  );
  assert.deepEqual(issues({ CORP: "corp.example.com", corp: "other.example.com" }), [
    [
      "LANDESK_LOGIN_DOMAINS.corp",
      "CORP and corp name the same NetBIOS domain (letter case does not count)",
    ],
  ]);
});

/** Rows of three computers: Fry's by address (two volumes), by sign-in name, and unowned. */
const COMPUTERS: Row[] = [
  { Computer_Idn: 1, name: "FRY-LT", email: "fry@corp.example.com", serial: "S1", ...ON_100 },
  {
    Computer_Idn: 1,
    name: "FRY-LT",
    email: "fry@corp.example.com",
    serial: "S1",
    ...volume("0 - off", "0 - Fully Decrypted", 0),
  },
  { Computer_Idn: 2, name: "FRY-DESK", email: null, login_name: "CORP\\fry", serial: "S2" },
  { Computer_Idn: 3, name: "SPARE-01", email: null, login_name: null, serial: "S3", ...ON_100 },
  // EMAILADDR names someone, not by address: Fry signed in last, the computer is not his
  {
    Computer_Idn: 4,
    name: "LOANER",
    email: "Bender Rodriguez",
    login_name: "CORP\\fry",
    serial: "S4",
  },
  // EMAILADDR blank (an LDAPUserAttrV row with no mail): the sign-in name is the owner
  { Computer_Idn: 5, name: "FRY-VM", email: "", login_name: "CORP\\fry", serial: "S5" },
];

const brief = (d: DeviceRecord) => [
  d.name,
  d.email,
  d.practices?.encryption?.value,
  d.unread?.map((u) => `${u.field}: ${u.reason}`),
];

Deno.test("landesk: one device per computer, owners by address or mapped sign-in name", async () => {
  const db = landeskDatabase(COMPUTERS);
  const source = createLandeskSource(
    schema.parse({ ...BASE, LANDESK_LOGIN_DOMAINS: { CORP: "corp.example.com" } }),
    pluginContext("landesk"),
    db.query,
  );
  const signal = new AbortController().signal;
  const fry = await source.devicesByEmail!("fry@corp.example.com", { signal });
  assert.deepEqual(fry.map(brief), [
    ["FRY-LT", "fry@corp.example.com", false, undefined],
    ["FRY-DESK", "fry@corp.example.com", false, undefined],
    ["FRY-VM", "fry@corp.example.com", false, undefined],
  ]);
  assert.match(LOGIN_SQL.byLogin, /\(A1\.EMAILADDR IS NULL OR A1\.EMAILADDR = ''\)/);
  assert.deepEqual(
    db.calls.filter(([sql]) =>
      sql !== SQL.vulnerabilities && sql !== SQL.adapters &&
      sql !== SQL.software
    ),
    [
      [LOGIN_SQL.byEmail, { email: "fry@corp.example.com" }],
      [LOGIN_SQL.byLogin, { login: "CORP\\fry" }],
    ],
  );
  // the unowned spare is found by its serial, kept, its owner unknown and named
  assert.deepEqual((await source.devicesBySerial!("S3", { signal })).map(brief), [
    ["SPARE-01", undefined, true, ["owner: it names no owner"]],
  ]);
  // found by its serial, the loaner is not Fry's: its EMAILADDR is named
  assert.deepEqual((await source.devicesBySerial!("S4", { signal })).map(brief), [
    ["LOANER", undefined, false, ["owner_email: its owner is not an email address"]],
  ]);
});

Deno.test("landesk without LANDESK_LOGIN_DOMAINS runs the original's statements only", async () => {
  const db = landeskDatabase(COMPUTERS);
  const source = createLandeskSource(schema.parse(BASE), pluginContext("landesk"), db.query);
  const signal = new AbortController().signal;
  const fry = await source.devicesByEmail!("fry@corp.example.com", { signal });
  assert.deepEqual(fry.map(brief), [["FRY-LT", "fry@corp.example.com", false, undefined]]);
  assert.deepEqual((await source.devicesBySerial!("S2", { signal })).map(brief), [
    ["FRY-DESK", undefined, false, ["owner: it names no owner"]],
  ]);
  assert.ok(db.calls.every(([sql]) => Object.values(SQL).includes(sql as never)));
  assert.ok(!SQL.byEmail.includes("LOGINNAME"));
});
