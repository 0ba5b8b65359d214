import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type ListedPage, UpstreamError } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import jamfPro, { createJamfProSource, rsqlString } from "../../plugins/sources/jamf_pro/mod.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, JAMF_PASSWORD, JAMF_USER } from "../fakes/jamf.ts";
import {
  fileVault,
  InventoryRecordSchema,
  processInventoryRecord,
} from "../../plugins/sources/jamf_pro/parse.ts";
import { type JamfProFake, startJamfProFake } from "../fakes/jamf_pro.ts";

const FRY = "fry@planetexpress.com";
const signal = () => new AbortController().signal;

async function withFake(
  fn: (
    f: { fake: JamfProFake; source: ReturnType<typeof createJamfProSource>; waits: number[] },
  ) => Promise<void>,
  overrides: Record<string, unknown> = {},
): Promise<void> {
  const fake = await startJamfProFake();
  const waits: number[] = [];
  try {
    const config = jamfPro.schema.parse({
      JAMF_PRO_URL: fake.serverUrl,
      JAMF_CLIENT_ID,
      JAMF_CLIENT_SECRET,
      ...overrides,
    });
    const source = createJamfProSource(config, {
      name: "jamf_pro",
      timeoutMs: 5000,
      log: silentLogger,
      store: {} as Store,
      now: () => new Date(),
      demo: false,
    }, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await fn({ fake, source, waits });
  } finally {
    await fake.close();
  }
}

const REPORTED = new Date("2026-11-25T09:30:00.000Z");
const LAPTOP: DeviceRecord = {
  source: "jamf_pro",
  os: "macOS",
  last_sync: REPORTED,
  name: "lgml-pfry",
  platform: "Mac",
  model: "MacBook Pro (14-inch, M3, 2023)",
  manufacturer: "Apple",
  serial: "DECAFBAD00",
  os_version: "26.1",
  os_build: "25B78",
  email: FRY,
  practices: {
    encryption: {
      value: true,
      details: "Macintosh HD (Boot Partition): Encrypted (100%)",
      last_updated: REPORTED,
    },
    firewall: { value: true, last_updated: REPORTED },
    gatekeeper: {
      value: true,
      details: "APP_STORE_AND_IDENTIFIED_DEVELOPERS",
      last_updated: REPORTED,
    },
    sip: { value: true, details: "ENABLED", last_updated: REPORTED },
    uptodate: { value: true, last_updated: REPORTED },
    autoupdate: { value: true, last_updated: REPORTED },
    screenlock: { value: true, last_updated: REPORTED },
    remotelogin: { value: true, last_updated: REPORTED },
  },
  identifiers: {
    mac_addresses: ["00:DE:CA:FB:AD:01", "00:DE:CA:FB:AD:00"],
    serial: "DECAFBAD00",
    udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
  },
};

Deno.test("jamf_pro devicesByEmail() finds Fry's MacBook by whole email with native posture", async () => {
  await withFake(async ({ fake, source }) => {
    const devices = await source.devicesByEmail(FRY, { signal: signal() });
    assert.deepEqual(devices, [LAPTOP]);
    const request = fake.requests.find((r) => r.url.pathname === "/api/v1/computers-inventory")!;
    assert.equal(request.url.searchParams.get("filter"), `userAndLocation.email=="${FRY}"`);
    assert.deepEqual(request.url.searchParams.getAll("section"), [
      "GENERAL",
      "HARDWARE",
      "OPERATING_SYSTEM",
      "DISK_ENCRYPTION",
      "SECURITY",
      "USER_AND_LOCATION",
      "SOFTWARE_UPDATES",
      "EXTENSION_ATTRIBUTES",
    ]);
    assert.match(request.headers.get("authorization") ?? "", /^Bearer tok-1-/);
  });
});

Deno.test("jamf_pro devicesByMac() finds the Mac Pro by its alternate MAC, failing posture", async () => {
  await withFake(async ({ source }) => {
    const [desktop] = await source.devicesByMac("00-de-ca-fb-ad-03", { signal: signal() });
    assert.equal(desktop!.name, "lgmd-pfry");
    assert.equal(desktop!.email, undefined, "no owner recorded");
    const p = desktop!.practices!;
    assert.deepEqual(
      [p.encryption!.value, p.firewall!.value, p.sip!.value, p.gatekeeper, p.uptodate!.value],
      [false, false, false, undefined, false],
    );
    assert.equal(p.encryption!.details, "Macintosh HD (Boot Partition): Not Encrypted (0%)");
    assert.equal(p.uptodate!.details, "Missing Updates:\n    macOS Sonoma 14.8.2\n");
    assert.deepEqual([p.screenlock!.value, p.remotelogin!.value], [false, false]);
  });
});

Deno.test("jamf_pro devicesBySerial() sends an escaped RSQL literal", async () => {
  await withFake(async ({ fake, source }) => {
    assert.deepEqual(await source.devicesBySerial('X"Y\\Z', { signal: signal() }), []);
    const request = fake.requests.find((r) => r.url.pathname === "/api/v1/computers-inventory")!;
    assert.equal(request.url.searchParams.get("filter"), 'hardware.serialNumber=="X\\"Y\\\\Z"');
  });
  assert.equal(rsqlString('a"b'), '"a\\"b"');
});

Deno.test("jamf_pro listDevices() pages with page and page-size until totalCount", async () => {
  await withFake(async ({ fake, source }) => {
    fake.computers.push(
      ...Array.from({ length: 3 }, (_, i) => ({
        id: String(9000 + i),
        general: { name: `crew-${i}`, platform: "Mac", reportDate: "2026-11-01T00:00:00Z" },
        hardware: { serialNumber: `CREW${i}` },
        userAndLocation: { email: `crew${i}@planetexpress.com` },
      })),
    );
    const pages: ListedPage[] = [];
    for await (const p of source.listDevices({ signal: signal() })) pages.push(p);
    assert.deepEqual(pages.map((p) => [p.records.length, p.total]), [[2, 5], [2, 5], [1, 5]]);
    assert.deepEqual(inventoryPages(fake), ["0/2", "1/2", "2/2"]);
  }, { PAGE_SIZE: 2, LISTING_CONCURRENCY: 1 });
});

/** The inventory pages asked, as `page/page-size`, in the order the fake received them. */
function inventoryPages(fake: JamfProFake): string[] {
  return fake.requests
    .filter((r) => r.url.pathname === "/api/v1/computers-inventory")
    .map((r) => `${r.url.searchParams.get("page")}/${r.url.searchParams.get("page-size")}`);
}

/** `n` more computers, ids 9000…, each with its own owner and serial. */
function crew(fake: JamfProFake, n: number): void {
  fake.computers.push(
    ...Array.from({ length: n }, (_, i) => ({
      id: String(9000 + i),
      general: { name: `crew-${i}`, platform: "Mac", reportDate: "2026-11-01T00:00:00Z" },
      hardware: { serialNumber: `CREW${i}` },
      userAndLocation: { email: `crew${i}@planetexpress.com` },
    })),
  );
}

Deno.test("jamf_pro listDevices() asks the pages after page 0 five at a time and hands them on in page order", async () => {
  // Jamf: "no more than 5 concurrent connections" (Jamf Pro API Scalability Best Practices)
  await withFake(async ({ fake, source }) => {
    crew(fake, 21); // 23 computers, 2 a page: pages 0…11
    fake.holdPages(5); // pages 1…5 answered only once all five are asked, page 5 first
    const pages: ListedPage[] = [];
    for await (const p of source.listDevices({ signal: signal() })) pages.push(p);
    assert.deepEqual(
      pages.flatMap((p) => p.records.map((r) => r.serial)),
      ["DECAFBAD00", "DECAFBAD01", ...Array.from({ length: 21 }, (_, i) => `CREW${i}`)],
    );
    assert.deepEqual(pages.map((p) => p.total), Array(12).fill(23));
    const asked = inventoryPages(fake);
    assert.equal(asked.length, 12, "one request per page, none past totalCount");
    assert.deepEqual(asked.toSorted(), Array.from({ length: 12 }, (_, i) => `${i}/2`).sort());
    assert.equal(asked[0], "0/2", "page 0 alone first: it tells totalCount");
    assert.equal(fake.counts.mostAtOnce, 5);
  }, { PAGE_SIZE: 2 });
});

Deno.test("jamf_pro listDevices() names the page that failed, after handing on the pages before it", async () => {
  await withFake(async ({ fake, source, waits }) => {
    crew(fake, 8); // 10 computers, 2 a page: pages 0…4
    fake.failPage(3, 502);
    const serials: (string | undefined)[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of source.listDevices({ signal: signal() })) {
          serials.push(...p.records.map((r) => r.serial));
        }
      })(),
      (e: unknown) =>
        e instanceof UpstreamError && e.status === 502 &&
        e.message.startsWith(
          "Jamf Pro: computers-inventory page 3 (of pages 0–4) failed: Jamf Pro: received " +
            "invalid response code (502)",
        ),
    );
    assert.deepEqual(serials, ["DECAFBAD00", "DECAFBAD01", "CREW0", "CREW1", "CREW2", "CREW3"]);
    assert.deepEqual(waits, [], "5xx retries are the HTTP client's own, not 429 waits");
  }, { PAGE_SIZE: 2 });
});

Deno.test("jamf_pro stops when the server ignores page and repeats the first page (totalCount 1e9)", async () => {
  await withFake(async ({ fake, source }) => {
    fake.ignorePaging(1_000_000_000);
    const sizes: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of source.listDevices({ signal: signal() })) {
          sizes.push(p.records.length);
        }
      })(),
      (e: unknown) =>
        e instanceof UpstreamError &&
        e.message ===
          "Jamf Pro: page 1 of computers-inventory repeated computers of earlier pages " +
            "(the server ignored paging); stopped",
    );
    assert.deepEqual(sizes, [1]);
    assert.equal(fake.counts.pages, 2);
  }, { PAGE_SIZE: 1, LISTING_CONCURRENCY: 1 });
});

Deno.test("jamf_pro stops as well when pages asked in parallel repeat the first page", async () => {
  await withFake(async ({ fake, source }) => {
    fake.ignorePaging(1_000_000_000);
    await assert.rejects(
      (async () => {
        for await (const _ of source.listDevices({ signal: signal() })) { /* page 0 only */ }
      })(),
      { message: /^Jamf Pro: page 1 of computers-inventory repeated computers of earlier pages/ },
    );
    // page 0, then at most the five asked ahead of a billion announced
    assert.ok(fake.counts.pages <= 6, `${fake.counts.pages} pages served`);
  }, { PAGE_SIZE: 1 });
});

Deno.test("jamf_pro listDevices() reads on past a page whose every computer is malformed", async () => {
  await withFake(async ({ fake, source }) => {
    fake.computers.unshift({ id: "1", general: "not an object" } as never);
    const pages: ListedPage[] = [];
    for await (const p of source.listDevices({ signal: signal() })) pages.push(p);
    assert.deepEqual(pages.map((p) => p.records.length), [0, 1, 1]);
  }, { PAGE_SIZE: 1 });
});

Deno.test("jamf_pro waits out a 429 as Retry-After says", async () => {
  await withFake(async ({ fake, source, waits }) => {
    fake.throttle(1, "2");
    assert.equal((await source.devicesByEmail(FRY, { signal: signal() })).length, 1);
    assert.deepEqual(waits, [2000]);
  });
});

Deno.test("jamf_pro SOFTWARE: true reads applications and services", async () => {
  await withFake(async ({ source }) => {
    const [laptop] = await source.devicesByEmail(FRY, { signal: signal() });
    assert.deepEqual(laptop!.software, {
      last_scan_date: REPORTED,
      installed: [{ name: "Safari.app", path: "/Applications/Safari.app", version: "26.1" }],
      services: [{ name: "com.openssh.sshd" }],
    });
  }, { SOFTWARE: true });
});

Deno.test("jamf_pro works with an account's bearer token and checks connectivity", async () => {
  await withFake(async ({ fake, source }) => {
    await source.checkConnectivity({ signal: signal() });
    assert.ok(fake.classic.requests.some((r) => r.url.pathname === "/api/v1/auth/token"));
  }, {
    JAMF_CLIENT_ID: undefined,
    JAMF_CLIENT_SECRET: undefined,
    JAMF_API_USERNAME: JAMF_USER,
    JAMF_API_PASSWORD: JAMF_PASSWORD,
  });
});

Deno.test("jamf_pro: a refused API client is named, without its secret", async () => {
  await withFake(async ({ source }) => {
    await assert.rejects(source.devicesByEmail(FRY, { signal: signal() }), (e: unknown) => {
      const message = (e as Error).message;
      assert.match(message, /JAMF refused the API client at POST \/api\/oauth\/token \(HTTP 401\)/);
      assert.ok(!message.includes("wrong-secret"));
      return true;
    });
  }, { JAMF_CLIENT_SECRET: "wrong-secret" });
});

Deno.test("jamf_pro config: no credentials, and a page size over 2000, are both named", () => {
  const parsed = jamfPro.schema.safeParse({
    JAMF_PRO_URL: "https://x.jamfcloud.com",
    PAGE_SIZE: 5000,
  });
  assert.equal(parsed.success, false);
  const lines = parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  assert.ok(lines.some((l) => l.startsWith("PAGE_SIZE:")), lines.join("\n"));
  assert.ok(lines.some((l) => l.includes("JAMF credentials are missing")), lines.join("\n"));
});

Deno.test("jamf_pro parse: FileVault falls back to the OS section, RSR letters join the version", async (t) => {
  const parse = (raw: unknown) => InventoryRecordSchema.parse(raw);
  await t.step("boot state UNKNOWN, OS says BOOT_ENCRYPTED: followed", () =>
    assert.deepEqual(
      fileVault(parse({
        id: 1,
        diskEncryption: { bootPartitionEncryptionDetails: { partitionFileVault2State: "UNKNOWN" } },
        operatingSystem: { fileVault2Status: "BOOT_ENCRYPTED" },
      })),
      { value: true, details: "FileVault: BOOT_ENCRYPTED" },
    ));
  await t.step("ENCRYPTING is not yet followed, with its progress", () =>
    assert.deepEqual(
      fileVault(parse({
        id: 1,
        diskEncryption: {
          bootPartitionEncryptionDetails: {
            partitionName: "Macintosh HD",
            partitionFileVault2State: "ENCRYPTING",
            partitionFileVault2Percent: 42,
          },
        },
      })),
      { value: false, details: "Macintosh HD (Boot Partition): Encrypting (42%)" },
    ));
  await t.step(
    "nothing reported: unknown, never ok (decision 21)",
    () => assert.deepEqual(fileVault(parse({ id: 1 })), { value: null }),
  );
  await t.step(
    "a Rapid Security Response joins the version as the engine's grammar reads it",
    () => {
      const r = processInventoryRecord(
        parse({
          id: 1,
          operatingSystem: { name: "macOS", version: "26.3.1", rapidSecurityResponse: "(a)" },
        }),
        { source: "jamf_pro" },
      );
      assert.equal(r.os_version, "26.3.1 (a)");
    },
  );
});
