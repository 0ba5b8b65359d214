/**
 * Over 300 lines: one test per practice kind and config rule of the original (uptodate, key
 * existence, injection, installed software, PRACTICES order), all on the same ORIGINAL_PRACTICES
 * fixtures.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PracticesConfigSchema } from "../../engine/practices/practice_config.ts";
import type { PracticeConfig } from "../../engine/practices/practice_config.ts";
import { formatMessage, lookupByOs } from "../../engine/practices/practice_parts.ts";
import { applyPractices, buildPracticeSet } from "../../engine/practices/practices.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import {
  bitfitLgmlPfry,
  JAMF_SYNC,
  jamfLgmlPfry,
  ORIGINAL_PRACTICES,
  statuses,
} from "./engine_fixtures.ts";

function evaluate(record: DeviceRecord, config: PracticeConfig, name = config.KEY) {
  const [out] = applyPractices([record], buildPracticeSet({ [name]: config }));
  return out!.practices![config.KEY]!;
}

const UPTODATE = ORIGINAL_PRACTICES.uptodate!;

Deno.test("applyPractices() reproduces the original's verdicts on the JAMF lgml-pfry record", () => {
  const [out] = applyPractices([jamfLgmlPfry()], buildPracticeSet(ORIGINAL_PRACTICES));
  assert.deepEqual(statuses(out!), {
    encryption: "ok",
    uptodate: "warn",
    autoupdate: "nudge",
    firewall: "warn",
    screenlock: "unknown",
    remotelogin: "unknown",
    jailed: "na",
    unknownsources: "na",
    adbstatus: "na",
    // decision 11: installed (running service) with no version rule is ok, not unknown
    sentinel: "ok",
    carbonblack: "ok",
  });
  assert.deepEqual(out!.practices!.encryption, {
    value: true,
    details: "Macintosh HD (Boot Partition): Encrypted (100%)",
    last_updated: JAMF_SYNC,
    title: "Disk Encryption",
    display: true,
    status: "ok",
    description: "encryption",
    link: "#",
  });
  assert.equal(
    out!.practices!.uptodate!.details,
    "Install macOS 10.11. Mac OS X 10.10.5 is no longer supported.",
  );
  assert.equal(out!.practices!.uptodate!.value, false);
  assert.deepEqual(out!.practices!.sentinel!.last_updated, JAMF_SYNC);
  assert.deepEqual(out!.practices!.remotelogin, {
    last_updated: JAMF_SYNC,
    title: "Remote Login Disabled",
    display: true,
    status: "unknown",
    description: "remotelogin",
    link: "#",
  });
});

Deno.test("applyPractices() marks platform-less bitFit records na or unknown", () => {
  const [out] = applyPractices([bitfitLgmlPfry()], buildPracticeSet(ORIGINAL_PRACTICES));
  assert.deepEqual(statuses(out!), {
    jailed: "unknown",
    encryption: "na",
    uptodate: "unknown",
    autoupdate: "na",
    firewall: "na",
    remotelogin: "na",
    screenlock: "unknown",
    sentinel: "na",
    carbonblack: "na",
    unknownsources: "na",
    adbstatus: "na",
  });
});

Deno.test("applyPractices() never changes its inputs and keeps unconfigured practices", () => {
  const record = jamfLgmlPfry();
  record.practices!.custom = { value: true, details: "kept" };
  const before = structuredClone(record);
  const [out] = applyPractices([record], buildPracticeSet(ORIGINAL_PRACTICES));
  assert.deepEqual(record, before);
  assert.notEqual(out, record);
  assert.deepEqual(out!.practices!.custom, { value: true, details: "kept" });
});

Deno.test("uptodate practice judges OS versions against required and recommended ones", async (t) => {
  const mac = (os_version: string): DeviceRecord => ({
    source: "jamf",
    os: "Mac OS X",
    os_version,
  });
  await t.step("below recommended is nudge with the recommendation", () => {
    const pd = evaluate(mac("10.11.0"), UPTODATE);
    assert.equal(pd.status, "nudge");
    assert.equal(pd.details, "Install macOS 10.11.6.");
  });
  await t.step("at or above recommended is ok, still naming the recommendation", () => {
    const pd = evaluate(mac("10.12.1"), UPTODATE);
    assert.equal(pd.status, "ok");
    assert.equal(pd.details, "The recommended version of Mac OS X is 10.11.6.");
  });
  await t.step("missing parts count as zero", () => {
    assert.equal(
      evaluate({ source: "google", os: "iOS", os_version: "9.3.5" }, UPTODATE).status,
      "ok",
    );
    assert.equal(
      evaluate({ source: "google", os: "Android", os_version: "6.0" }, UPTODATE).status,
      "nudge",
    );
  });
  await t.step("an unparseable version is unknown, never critical, and shown as reported", () => {
    const pd = evaluate({ source: "google", os: "Android", os_version: "six" }, UPTODATE);
    assert.equal(pd.status, "unknown");
    assert.equal(
      pd.details,
      'This device reports Android version "six", which Stethoscope cannot compare with the ' +
        "recommended one. The recommended version of Android is 6.0.1.",
    );
  });
  await t.step("an RSR letter counts as at least the plain version", () => {
    assert.equal(evaluate(mac("10.11.6 (a)"), UPTODATE).status, "ok");
    assert.equal(evaluate(mac("10.11.5 (c)"), UPTODATE).status, "nudge");
    assert.equal(evaluate(mac("10.11.6a"), UPTODATE).status, "ok");
  });
});

Deno.test("uptodate practice always flags Windows 7 and 8 as unsupported", () => {
  for (
    const [os, shown] of [
      ["Microsoft Windows 7 Enterprise, 64-bit", "Microsoft Windows 7"],
      ["Microsoft Windows 8.1 Pro", "Microsoft Windows 8"],
    ]
  ) {
    const pd = evaluate({ source: "landesk", os: os!, os_version: "6.1.7601" }, UPTODATE);
    assert.equal(pd.status, "warn");
    assert.equal(pd.details, `${shown} is no longer supported.`);
  }
});

Deno.test("uptodate practice falls back to the source's evidence when no rule applies", async (t) => {
  const chrome = (value?: boolean): DeviceRecord => ({
    source: "google",
    os: "ChromeOS",
    os_version: "130.0.6723.126",
    ...(value === undefined ? {} : { practices: { uptodate: { value, details: "from source" } } }),
  });
  await t.step(
    "no evidence is unknown",
    () => assert.equal(evaluate(chrome(), UPTODATE).status, "unknown"),
  );
  await t.step(
    "evidence true is ok",
    () => assert.equal(evaluate(chrome(true), UPTODATE).status, "ok"),
  );
  await t.step("evidence false is warn, details kept", () => {
    const pd = evaluate(chrome(false), UPTODATE);
    assert.equal(pd.status, "warn");
    assert.equal(pd.details, "from source");
  });
  await t.step("a Mac without os_version uses the evidence", () => {
    const pd = evaluate({
      source: "jamf",
      os: "Mac OS X",
      practices: { uptodate: { value: true } },
    }, UPTODATE);
    assert.equal(pd.status, "ok");
  });
});

Deno.test("uptodate practice does not crash when an OS is only in REQUIRED_VERSIONS", () => {
  const config: PracticeConfig = {
    KEY: "uptodate",
    DISPLAY_TITLE: "t",
    DESCRIPTION: "d",
    REQUIRED_VERSIONS: { X: "2.0" },
  };
  const old = evaluate({ source: "s", os: "X", os_version: "1.9" }, config);
  assert.equal(old.status, "warn");
  assert.equal(old.details, "Install X 2. X 1.9 is older than the version we require.");
  const current = evaluate({
    source: "s",
    os: "X",
    os_version: "2.0",
    practices: { uptodate: { details: "src" } },
  }, config);
  assert.equal(current.status, "ok");
  assert.equal(current.details, "src");
});

Deno.test("uptodate practice matches Windows editions by prefix and reads LANDESK build numbers", () => {
  const config: PracticeConfig = {
    KEY: "uptodate",
    DISPLAY_TITLE: "t",
    DESCRIPTION: "d",
    REQUIRED_VERSIONS: { "Microsoft Windows 11": "10.0.26100" },
    RECOMMENDED_VERSIONS: { "Microsoft Windows 11": "10.0.26200" },
  };
  const os = "Microsoft Windows 11 Enterprise, 64-bit";
  assert.equal(
    evaluate({ source: "landesk", os, os_version: "10.0.22631" }, config).status,
    "warn",
  );
  assert.equal(
    evaluate({ source: "landesk", os, os_version: "10.0.26100.4946" }, config).status,
    "nudge",
  );
  const landesk = evaluate({ source: "landesk", os, os_version: "6.3", os_build: "26200" }, config);
  assert.equal(landesk.status, "ok");
  assert.equal(landesk.details, `We recommend ${os} 10.0.26200 or later.`);
});

Deno.test("key-existence practice applies STATUS_IF_MISSING and platform overrides", async (t) => {
  const base: PracticeConfig = { KEY: "firewall", DISPLAY_TITLE: "Firewall", DESCRIPTION: "d" };
  const rec = (platform: string | undefined, value?: boolean | null): DeviceRecord => ({
    source: "s",
    ...(platform ? { platform } : {}),
    ...(value === undefined ? {} : { practices: { firewall: { value } } }),
  });
  await t.step(
    "false evidence is nudge by default",
    () => assert.equal(evaluate(rec("Mac", false), base).status, "nudge"),
  );
  await t.step(
    "false evidence uses STATUS_IF_MISSING",
    () =>
      assert.equal(
        evaluate(rec("Mac", false), { ...base, STATUS_IF_MISSING: "warn" }).status,
        "warn",
      ),
  );
  await t.step(
    "null evidence is unknown",
    () => assert.equal(evaluate(rec("Mac", null), base).status, "unknown"),
  );
  await t.step(
    "missing evidence is unknown",
    () => assert.equal(evaluate(rec("Mac"), base).status, "unknown"),
  );
  await t.step(
    "true evidence is ok",
    () => assert.equal(evaluate(rec("Mac", true), base).status, "ok"),
  );
  await t.step(
    "no platform with PLATFORM_REQUIRED is na",
    () =>
      assert.equal(
        evaluate(rec(undefined, true), { ...base, PLATFORM_REQUIRED: true }).status,
        "na",
      ),
  );
  await t.step(
    "NA_PLATFORMS beats evidence",
    () =>
      assert.equal(evaluate(rec("iOS", false), { ...base, NA_PLATFORMS: ["iOS"] }).status, "na"),
  );
  await t.step(
    "OK_PLATFORMS beats evidence",
    () =>
      assert.equal(
        evaluate(rec("ChromeOS", false), { ...base, OK_PLATFORMS: ["ChromeOS"] }).status,
        "ok",
      ),
  );
});

Deno.test("injection sets title per status, directions per OS, display and link", async (t) => {
  const config: PracticeConfig = {
    KEY: "encryption",
    DISPLAY_TITLE: { ok: "Disk encrypted", warn: "Disk not encrypted" },
    DESCRIPTION: "d",
    DIRECTIONS: { macOS: "Use FileVault", "Microsoft Windows": "Use BitLocker" },
    DISPLAY: false,
    LINK: "",
    STATUS_IF_MISSING: "warn",
  };
  await t.step("title for the status, directions for the OS", () => {
    const pd = evaluate({
      source: "jamf",
      os: "macOS",
      practices: { encryption: { value: false } },
    }, config);
    assert.deepEqual(pd, {
      value: false,
      title: "Disk not encrypted",
      directions: "Use FileVault",
      display: false,
      status: "warn",
      description: "d",
    });
  });
  await t.step("no title for a status without one, directions by OS prefix", () => {
    const pd = evaluate({ source: "landesk", os: "Microsoft Windows 11 Pro" }, config);
    assert.equal(pd.status, "unknown");
    assert.equal("title" in pd, false);
    assert.equal(pd.directions, "Use BitLocker");
  });
  await t.step("no directions without an os", () => {
    assert.equal(
      "directions" in evaluate({ source: "bitfit" }, { ...config, DIRECTIONS: "Always" }),
      false,
    );
    assert.equal(
      evaluate({ source: "jamf", os: "Anything" }, { ...config, DIRECTIONS: "Always" }).directions,
      "Always",
    );
  });
});

Deno.test("installed-software practice judges applications and services", async (t) => {
  const config: PracticeConfig = {
    KEY: "edr",
    TYPE: "installed_software",
    DISPLAY_TITLE: "EDR",
    DESCRIPTION: "d",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: ["iOS"],
    SOFTWARE_NAMES: ["Sentinel Agent"],
    SERVICE_NAMES: ["com.sentinelone.sentineld"],
  };
  const mac = (
    installed: { name: string; version?: string }[],
    services: string[] = [],
  ): DeviceRecord => ({
    source: "jamf",
    platform: "Mac",
    os: "Mac OS X",
    last_sync: JAMF_SYNC,
    software: { installed, services: services.map((name) => ({ name })) },
  });
  await t.step("installed with no version rule is ok (decision 11)", () => {
    const pd = evaluate(mac([{ name: "Sentinel Agent", version: "2.5.1" }]), config);
    assert.deepEqual(
      {
        status: pd.status,
        version: pd.version,
        details: pd.details,
        last_updated: pd.last_updated,
      },
      {
        status: "ok",
        version: "2.5.1",
        details: "Installed version: 2.5.1",
        last_updated: JAMF_SYNC,
      },
    );
  });
  await t.step(
    "a running service counts as installed",
    () => assert.equal(evaluate(mac([], ["com.sentinelone.sentineld"]), config).status, "ok"),
  );
  await t.step("missing software is STATUS_IF_MISSING (nudge)", () => {
    assert.equal(evaluate(mac([{ name: "Slack" }]), config).status, "nudge");
    assert.equal(evaluate({ source: "jamf", platform: "Mac" }, config).status, "nudge");
  });
  await t.step("platform overrides come first", () => {
    assert.equal(evaluate({ ...mac([]), platform: "iOS" }, config).status, "na");
    assert.equal(evaluate({ source: "bitfit" }, config).status, "na");
  });
  const versioned: PracticeConfig = {
    ...config,
    REQUIRED_VERSIONS: { "Mac OS X": "2.6.0" },
    RECOMMENDED_VERSIONS: { "Mac OS X": "2.6.3" },
  };
  await t.step("an old version is warn with suggested and installed versions", () => {
    const pd = evaluate(mac([{ name: "Sentinel Agent", version: "2.5.1" }]), versioned);
    assert.equal(pd.status, "warn");
    assert.equal(pd.details, "Suggested version: 2.6.3\nInstalled version: 2.5.1");
  });
  await t.step("the best match wins: ok > warn > nudge > unknown", () => {
    const pd = evaluate(
      mac([{ name: "Sentinel Agent", version: "2.5.1" }], ["com.sentinelone.sentineld"]),
      versioned,
    );
    assert.equal(pd.status, "warn"); // the service has no version: unknown ranks below warn
    const current = evaluate(mac([{ name: "Sentinel Agent", version: "2.6.3" }]), versioned);
    assert.equal(current.status, "ok");
  });
});

Deno.test("buildPracticeSet() follows PRACTICES_ENABLED order and rejects unknown names", () => {
  const set = buildPracticeSet(ORIGINAL_PRACTICES, ["uptodate", "jailed"]);
  assert.deepEqual(set.map((p) => [p.name, p.type]), [["uptodate", "uptodate"], [
    "jailed",
    "key_existence",
  ]]);
  assert.throws(() => buildPracticeSet(ORIGINAL_PRACTICES, ["nope"]), {
    name: "RangeError",
    message:
      'Cannot enable practice "nope": it is not configured in PRACTICES; add it or remove it from PRACTICES_ENABLED',
  });
  assert.throws(
    () => buildPracticeSet({ mystery: { KEY: "m", DISPLAY_TITLE: "m", DESCRIPTION: "m" } }),
    RangeError,
  );
});

Deno.test("PracticesConfigSchema validates the PRACTICES section", async (t) => {
  await t.step(
    "accepts the original's defaults",
    () => assert.equal(PracticesConfigSchema.safeParse(ORIGINAL_PRACTICES).success, true),
  );
  const issues = (value: unknown) =>
    PracticesConfigSchema.safeParse(value).error?.issues.map((i) =>
      `${i.path.join(".")}: ${i.message}`
    );
  await t.step("a new name needs TYPE", () => {
    assert.deepEqual(issues({ edr: { KEY: "edr", DISPLAY_TITLE: "E", DESCRIPTION: "d" } }), [
      'edr.TYPE: unknown practice "edr": set TYPE to one of key_existence, uptodate, installed_software',
    ]);
    assert.equal(
      PracticesConfigSchema.safeParse({
        edr: { KEY: "edr", TYPE: "installed_software", DISPLAY_TITLE: "E", DESCRIPTION: "d" },
      }).success,
      true,
    );
  });
  await t.step("rejects a bad version, a bad status and an unknown key", () => {
    const bad = issues({
      uptodate: {
        KEY: "uptodate",
        DISPLAY_TITLE: "U",
        DESCRIPTION: "d",
        REQUIRED_VERSIONS: { macOS: "fifteen" },
      },
      firewall: {
        KEY: "firewall",
        DISPLAY_TITLE: "F",
        DESCRIPTION: "d",
        STATUS_IF_MISSING: "bad",
        DISPLAY_TITEL: "x",
      },
    })!;
    assert.equal(bad.length, 3);
    assert.equal(
      bad[0],
      'uptodate.REQUIRED_VERSIONS.macOS: expected a version such as "10.15.7", got "fifteen"',
    );
    assert.match(bad.join("\n"), /firewall\.STATUS_IF_MISSING/);
    assert.match(bad.join("\n"), /DISPLAY_TITEL/);
  });
  await t.step("GRACE_DAYS is a non-negative integer", () => {
    const base = { KEY: "jailed", DISPLAY_TITLE: "J", DESCRIPTION: "d" };
    assert.equal(
      PracticesConfigSchema.safeParse({ jailed: { ...base, GRACE_DAYS: 7 } }).success,
      true,
    );
    assert.equal(
      PracticesConfigSchema.safeParse({ jailed: { ...base, GRACE_DAYS: -1 } }).success,
      false,
    );
    assert.equal(
      PracticesConfigSchema.safeParse({ jailed: { ...base, GRACE_DAYS: 1.5 } }).success,
      false,
    );
  });
});

Deno.test("formatMessage() and lookupByOs() behave like the original's helpers", () => {
  assert.equal(
    formatMessage("The recommended version of {} is {}.", "iOS", "26.6"),
    "The recommended version of iOS is 26.6.",
  );
  assert.equal(formatMessage("{1} before {0}", "a", "b"), "b before a");
  const map = { "Microsoft Windows": 1, "Microsoft Windows 11": 2, macOS: 3 };
  assert.equal(lookupByOs(map, "Microsoft Windows 11 Enterprise"), 2);
  assert.equal(lookupByOs(map, "Microsoft Windows 10 Pro"), 1);
  assert.equal(lookupByOs(map, "macOS"), 3);
  assert.equal(lookupByOs(map, "macOSX"), undefined);
});
