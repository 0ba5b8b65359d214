/**
 * Over 300 lines: one test per documented Graph answer shape (filters, nextLink paging, 429, Entra
 * ID errors, 403), sharing the fake's set-up above.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type ListedPage, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import intune, { createIntuneSource } from "../../plugins/sources/intune/mod.ts";
import { osOf, settingPractices } from "../../plugins/sources/intune/parse.ts";
import {
  INTUNE_CLIENT_ID,
  INTUNE_TENANT,
  type IntuneFakeOptions,
  intuneSettings,
  startIntuneFake,
} from "../fakes/intune.ts";

const FRY = "fry@planetexpress.com";
const NOW = new Date("2026-11-26T12:00:00Z");
const signal = () => new AbortController().signal;

function setup(
  overrides: Record<string, unknown> = {},
  fakeOptions: IntuneFakeOptions = {},
) {
  const fake = startIntuneFake(fakeOptions);
  const config = intune.schema.parse(intuneSettings(fake, overrides));
  const waits: number[] = [];
  const source = createIntuneSource(config, {
    name: "intune",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => NOW,
    demo: false,
  }, {
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { fake, source, waits };
}

async function withFake(
  fn: (s: ReturnType<typeof setup>) => Promise<void>,
  overrides: Record<string, unknown> = {},
  fakeOptions: IntuneFakeOptions = {},
): Promise<void> {
  const s = setup(overrides, fakeOptions);
  try {
    await fn(s);
  } finally {
    await s.fake.close();
  }
}

const SURFACE: DeviceRecord = {
  source: "intune",
  platform: "Windows",
  os: "Microsoft Windows 11",
  os_version: "10.0.22631.4317",
  os_build: "22631",
  name: "FRY-SURFACE",
  model: "Surface Laptop 5",
  manufacturer: "Microsoft Corporation",
  serial: "0F33ABC2114501",
  email: FRY,
  status: "noncompliant",
  last_sync: new Date("2026-11-25T08:15:00Z"),
  practices: {
    encryption: { value: true, last_updated: new Date("2026-11-25T08:15:00Z") },
    firewall: {
      value: true,
      details: "Intune compliance setting Windows10CompliancePolicy.activeFirewallRequired: " +
        "compliant",
      last_updated: new Date("2026-11-25T08:15:00Z"),
    },
    screenlock: {
      value: false,
      details: "Intune compliance setting Windows10CompliancePolicy.passwordRequired: " +
        "nonCompliant",
      last_updated: new Date("2026-11-25T08:15:00Z"),
    },
  },
  identifiers: { mac_addresses: ["60:45:BD:0A:1B:2C"], serial: "0F33ABC2114501" },
};

Deno.test("intune devicesByEmail() maps Fry's Windows laptop field by field, with setting states", async () => {
  await withFake(async ({ fake, source }) => {
    const devices = await source.devicesByEmail(FRY, { signal: signal() });
    assert.deepEqual(devices.map((d) => d.name), ["FRY-SURFACE", "lgml-pfry", "Fry's iPhone"]);
    assert.deepEqual(devices[0], SURFACE);
    const iphone = devices[2]!;
    assert.equal(iphone.os, "iOS");
    assert.equal(iphone.platform, "iOS");
    assert.deepEqual(iphone.practices?.jailed?.value, true);
    assert.equal(iphone.identifiers?.imei, "351234567890123");
    const [list] = fake.requests.filter((r) => r.url.pathname.endsWith("/managedDevices"));
    assert.equal(list!.url.searchParams.get("$filter"), `userPrincipalName eq '${FRY}'`);
    assert.equal(fake.counts.tokens, 1, "one token for every call");
    assert.equal(fake.counts.settingStates, 3, "one setting-state request per device");
  });
});

Deno.test("intune devicesByEmail() quotes an apostrophe the OData way and finds nobody", async () => {
  await withFake(async ({ fake, source }) => {
    const devices = await source.devicesByEmail("o'brien@planetexpress.com", { signal: signal() });
    assert.deepEqual(devices, []);
    const list = fake.requests.find((r) => r.url.pathname.endsWith("/managedDevices"))!;
    assert.equal(
      list.url.searchParams.get("$filter"),
      "userPrincipalName eq 'o''brien@planetexpress.com'",
    );
  });
});

Deno.test("intune keeps only the asked person's devices when Graph ignores the $filter", async () => {
  await withFake(async ({ fake, source }) => {
    fake.ignoreFilters(true);
    const mine = await source.devicesByEmail("leela@planetexpress.com", { signal: signal() });
    assert.deepEqual(mine.map((d) => d.name), ["Leela's Pixel"]);
    const bySerial = await source.devicesBySerial("DECAFBAD00", { signal: signal() });
    assert.deepEqual(bySerial.map((d) => d.name), ["lgml-pfry"]);
    assert.deepEqual(await source.devicesBySerial(" ", { signal: signal() }), []);
  }, { SETTING_STATES: false });
});

Deno.test("intune devicesBySerial() filters on serialNumber, case-insensitively as Graph does", async () => {
  await withFake(async ({ source }) => {
    const devices = await source.devicesBySerial("decafbad00", { signal: signal() });
    assert.equal(devices.length, 1);
    assert.equal(devices[0]!.os, "macOS");
    assert.equal(devices[0]!.os_version, "10.10.5");
    assert.equal(devices[0]!.os_build, "14F27");
    assert.deepEqual(devices[0]!.identifiers?.mac_addresses, [
      "00:DE:CA:FB:AD:01",
      "00:DE:CA:FB:AD:00",
    ]);
  });
});

Deno.test("intune follows @odata.nextLink until the last page", async () => {
  await withFake(async ({ fake, source }) => {
    const devices = await source.devicesByEmail(FRY, { signal: signal() });
    assert.equal(devices.length, 3);
    // pages of 2 (2 + 1 devices), once by UPN and once by mail address
    assert.equal(fake.counts.pages, 4, "pages of 2: 2 + 1 devices, by UPN and by mail");
  }, { PAGE_SIZE: 2, SETTING_STATES: false });
});

Deno.test("intune waits as Retry-After says on 429, then succeeds", async () => {
  await withFake(async ({ fake, source, waits }) => {
    fake.throttle(2, "7");
    const devices = await source.devicesByEmail(FRY, { signal: signal() });
    assert.equal(devices.length, 3);
    assert.deepEqual(waits, [7000, 7000]);
  }, { SETTING_STATES: false });
});

Deno.test("intune backs off exponentially on 429 without Retry-After, and gives up after 5", async () => {
  await withFake(async ({ fake, source, waits }) => {
    fake.throttle(6);
    await assert.rejects(
      source.devicesByEmail(FRY, { signal: signal() }),
      (e: unknown) => e instanceof UpstreamError && e.status === 429,
    );
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000]);
  }, { SETTING_STATES: false });
});

Deno.test("intune reports refused client credentials in plain words, without the secret", async () => {
  await withFake(async ({ source }) => {
    await assert.rejects(
      source.devicesByEmail(FRY, { signal: signal() }),
      (e: unknown) => {
        const message = (e as Error).message;
        assert.equal(
          message,
          "Intune authentication failure: the token endpoint refused the client credentials " +
            "(HTTP 401, invalid_client, AADSTS7000215); wrong client secret: check " +
            "INTUNE_CLIENT_SECRET (its Value, not its Secret ID)",
        );
        assert.ok(!message.includes("wrong-secret"));
        return true;
      },
    );
  }, { INTUNE_CLIENT_SECRET: "wrong-secret" });
});

Deno.test("intune names the setting to fix for an unknown tenant and an unknown app (Entra ID codes)", async (t) => {
  const refused = async (overrides: Record<string, unknown>) => {
    let message = "";
    await withFake(async ({ source }) => {
      message = await source.checkConnectivity({ signal: signal() }).then(
        () => "ok",
        (e: Error) => e.message,
      );
    }, overrides);
    return message;
  };
  await t.step("INTUNE_TENANT_ID of another directory: AADSTS90002", async () => {
    assert.equal(
      await refused({ INTUNE_TENANT_ID: "momcorp.onmicrosoft.com" }),
      "Intune authentication failure: the token endpoint refused the client credentials " +
        "(HTTP 400, invalid_request, AADSTS90002); no such tenant: check INTUNE_TENANT_ID " +
        "(the directory's ID or its .onmicrosoft.com domain)",
    );
  });
  await t.step("INTUNE_CLIENT_ID of no app in the tenant: AADSTS700016", async () => {
    assert.equal(
      await refused({ INTUNE_CLIENT_ID: "00000000-0000-0000-0000-000000000000" }),
      "Intune authentication failure: the token endpoint refused the client credentials " +
        "(HTTP 400, unauthorized_client, AADSTS700016); no such application in this tenant: " +
        "check INTUNE_CLIENT_ID and INTUNE_TENANT_ID",
    );
  });
});

Deno.test("intune refuses a nextLink that leaves the Graph base URL", async () => {
  await withFake(async ({ source }) => {
    await assert.rejects(
      source.graph.get("https://attacker.example/v1.0/x", signal()),
      /refused to follow a nextLink outside/,
    );
  });
});

Deno.test("intune listDevices() pages through the whole inventory once", async () => {
  await withFake(async ({ fake, source }) => {
    const pages: ListedPage[] = [];
    for await (const page of source.listDevices({ signal: signal() })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.records.length), [3, 1]);
    assert.deepEqual(pages.flatMap((p) => p.records.map((r) => r.email)), [
      FRY,
      FRY,
      FRY,
      "leela@planetexpress.com",
    ]);
    assert.equal(fake.counts.pages, 2);
    assert.equal(fake.counts.settingStates, 0, "the listing itself reads no setting states");
    const completed = await source.completeListed(pages[0]!.records, { signal: signal() });
    assert.deepEqual(completed[0], SURFACE);
    assert.equal(pages[0]!.records[0]!.practices?.firewall, undefined, "listed record unchanged");
  }, { PAGE_SIZE: 3 });
});

Deno.test("intune completes a listing from the tenant's setting-state summaries, not per device", async () => {
  const completedWith = async (mode: string) => {
    let out: unknown[] = [];
    await withFake(async ({ fake, source }) => {
      const records = [];
      for await (const page of source.listDevices({ signal: signal() })) {
        records.push(...page.records);
      }
      for (const r of records) out.push(...await source.completeListed([r], { signal: signal() }));
      out = [out, { ...fake.counts, tokens: 0, pages: 0 }];
    }, { SETTING_STATES: mode });
    return out as [unknown[], Record<string, number>];
  };
  const [tenant, tenantCounts] = await completedWith("tenant");
  const [perDevice, perDeviceCounts] = await completedWith("per-device");
  assert.deepEqual(tenant, perDevice, "the same practices either way");
  assert.deepEqual(tenant[0], SURFACE);
  // the summaries' list, then one page of states for each of the four firewall and password
  // settings (BitLocker is not read), once for the run: none per device
  assert.deepEqual(tenantCounts, { tokens: 0, pages: 0, settingStates: 0, summaries: 5 });
  assert.deepEqual(perDeviceCounts, { tokens: 0, pages: 0, settingStates: 4, summaries: 0 });
});

Deno.test("intune checkConnectivity() names the permission to grant on 403", async () => {
  await withFake(async ({ fake, source }) => {
    await source.checkConnectivity({ signal: signal() });
    fake.fail({ kind: "status", status: 403 });
    await assert.rejects(
      source.checkConnectivity({ signal: signal() }),
      /DeviceManagementManagedDevices\.Read\.All/,
    );
  });
});

Deno.test("intune config: a missing secret and a page size over 1000 are named", () => {
  const parsed = intune.schema.safeParse({
    INTUNE_TENANT_ID: INTUNE_TENANT,
    INTUNE_CLIENT_ID,
    PAGE_SIZE: 5000,
  });
  assert.equal(parsed.success, false);
  const paths = parsed.error!.issues.map((i) => i.path.join("."));
  assert.deepEqual(paths.sort(), ["INTUNE_CLIENT_SECRET", "PAGE_SIZE"]);
});

Deno.test("osOf() names Windows by build and splits Apple builds", async (t) => {
  await t.step("Windows 10 22H2", () =>
    assert.deepEqual(osOf("Windows", "10.0.19045.5131"), {
      platform: "Windows",
      os: "Microsoft Windows 10",
      os_version: "10.0.19045.5131",
      os_build: "19045",
    }));
  await t.step(
    "Windows 11 24H2",
    () => assert.equal(osOf("Windows", "10.0.26100.2314").os, "Microsoft Windows 11"),
  );
  await t.step("iPadOS with a build", () =>
    assert.deepEqual(osOf("iPadOS", "18.1 (22B83)"), {
      platform: "iPadOS",
      os: "iPadOS",
      os_version: "18.1",
      os_build: "22B83",
    }));
  await t.step(
    "Android major only",
    () => assert.equal(osOf("Android", "15").os_version, "15.0.0"),
  );
  await t.step(
    "an OS Intune adds later is kept as named",
    () =>
      assert.deepEqual(osOf("Linux", "24.04"), {
        platform: "Linux",
        os: "Linux",
        os_version: "24.04",
      }),
  );
});

Deno.test("settingPractices() lets a failing policy win and ignores notApplicable", () => {
  assert.deepEqual(
    settingPractices([
      { setting: "MacOSCompliancePolicy.firewallEnabled", state: "compliant" },
      { setting: "OtherPolicy.firewallEnabled", state: "nonCompliant" },
      { setting: "MacOSCompliancePolicy.passwordRequired", state: "notApplicable" },
    ]),
    {
      firewall: {
        value: false,
        details: "Intune compliance setting OtherPolicy.firewallEnabled: nonCompliant",
      },
    },
  );
});

Deno.test("intune stops at an @odata.nextLink back to the same page (a paging loop), lookup and listing", async () => {
  // The second page repeats the first one's devices: stopped there, nothing of it yielded.
  const repeated = "Intune: Graph's page 2 of managed devices repeated devices of earlier pages " +
    "(it ignored the skip token); stopped";
  await withFake(async ({ fake, source }) => {
    fake.loopNextLinks(true);
    await assert.rejects(
      source.devicesByEmail(FRY, { signal: signal() }),
      (e: unknown) => e instanceof UpstreamError && e.message === repeated,
    );
    assert.equal(fake.counts.pages, 2, "the first page, then the looping link once");
    const listed: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const page of source.listDevices({ signal: signal() })) {
          listed.push(page.records.length);
        }
      })(),
      { message: repeated },
    );
    assert.deepEqual(listed, [4]);
    assert.equal(fake.counts.pages, 4);
    // Empty pages repeat nothing: the link followed twice is what stops the walk.
    await assert.rejects(source.devicesByEmail("nobody@planetexpress.com", { signal: signal() }), {
      message:
        "Intune: Graph sent an @odata.nextLink already followed after 2 pages (a paging loop); stopped",
    });
  }, { SETTING_STATES: false });
});
