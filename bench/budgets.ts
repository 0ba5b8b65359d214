/**
 * `deno run --allow-all bench/budgets.ts`: each ceiling of issue 22 against an input that never
 * ends, in a child process of its own, printing what stopped it and the child's peak resident
 * memory (`VmHWM` of `/proc/self/status`, Linux) next to a child that only starts (the baseline).
 *
 * - `token`: an Intune token endpoint streaming without end (offered: 400 MB) — cut at 64 KiB;
 * - `feed`: a SOFA feed streaming without end (offered: 400 MB) — cut at 16 MiB;
 * - `listing`: an inventory listing that never ends (Intune-shaped records, 1000 a page) —
 *   stopped by `BUDGETS.LISTING_MAX_RECORDS` (default 500 000);
 * - `lookup`: one person's Intune lookup over 30 000 of their devices, 1000 a page — stopped by
 *   `BUDGETS.LOOKUP_MAX_PAGES` (default 20).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { silentLogger } from "../config/log.ts";
import { BudgetsSchema, ReleaseDataSchema } from "../config/schema.ts";
import { readListing } from "../engine/batch/listing.ts";
import type { ListingSource } from "../engine/core/ports.ts";
import type { Store } from "../engine/core/store_ports.ts";
import type { DeviceRecord } from "../engine/core/types.ts";
import { createReleaseService } from "../plugins/releases/mod.ts";
import intune, { createIntuneSource } from "../plugins/sources/intune/mod.ts";
import { createGraphClient } from "../plugins/sources/intune/graph.ts";
import { intuneDevices, intuneSettings, startIntuneFake } from "../tests/fakes/intune.ts";

const OFFERED = 400 * 1024 * 1024;
const BUDGETS = BudgetsSchema.parse({});

function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

/** A loopback server answering every request with `OFFERED` bytes, streamed. */
function endlessServer(): { url: string; sent: () => number; close: () => Promise<void> } {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        new ReadableStream({
          pull(c) {
            if (sent >= OFFERED) return c.close();
            sent += chunk.byteLength;
            c.enqueue(chunk);
          },
        }),
        { headers: { "Content-Type": "application/json" } },
      ),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    sent: () => sent,
    close: () => server.shutdown(),
  };
}

async function scenario(name: string): Promise<{ input: string; outcome: string }> {
  if (name === "baseline") return { input: "nothing", outcome: "started" };
  if (name === "token" || name === "feed") {
    const server = endlessServer();
    try {
      let outcome: string;
      if (name === "token") {
        const graph = createGraphClient({
          graphUrl: `${server.url}/v1.0`,
          loginUrl: server.url,
          tenantId: "t",
          clientId: "c",
          clientSecret: "bench-secret",
          timeoutMs: 30_000,
          now: () => new Date(),
        });
        outcome = await graph.token(new AbortController().signal).then(
          () => "accepted",
          (e: Error) => e.message,
        );
      } else {
        const releases = createReleaseService({
          config: ReleaseDataSchema.parse({
            SOFA_MACOS_URL: `${server.url}/macos.json`,
            SOFA_IOS_URL: `${server.url}/ios.json`,
            ENDOFLIFE_PRODUCTS: [],
            TIMEOUT: 60,
          }),
          store: {
            releaseFeed: () => Promise.resolve(null),
            putReleaseFeed: () => Promise.resolve(),
          },
          log: silentLogger,
          retries: 0,
        });
        outcome = (await releases.refresh()).map((f) => f.error).join(" | ");
      }
      return {
        input: `${OFFERED / 2 ** 20} MiB offered, ${server.sent() >> 10} KiB sent`,
        outcome,
      };
    } finally {
      await server.close();
    }
  }
  if (name === "listing") {
    const template = intuneDevices()[0]!;
    let pages = 0;
    const source: ListingSource = {
      name: "intune",
      timeoutMs: null,
      devicesByEmail: () => Promise.resolve([]),
      async *listDevices() {
        for (;;) {
          pages++;
          const records: DeviceRecord[] = Array.from({ length: 1000 }, (_, i) => ({
            source: "intune",
            email: `p${pages}x${i}@planetexpress.com`,
            name: `${template.deviceName}-${pages}-${i}`,
            platform: "Windows",
            os_version: "10.0.22631.4317",
            last_sync: new Date(),
            identifiers: {
              serial: `S${pages}X${i}`,
              mac_addresses: [
                `02:00:${(pages % 256).toString(16)}:00:${(i % 256).toString(16)}:01`,
              ],
            },
            practices: { encryption: { status: "ok" } },
          } as DeviceRecord));
          yield { records };
        }
      },
    };
    const index = await readListing(source, {
      budget: { maxPages: BUDGETS.LISTING_MAX_PAGES, maxRecords: BUDGETS.LISTING_MAX_RECORDS },
    });
    return {
      input: `never-ending, ${pages} pages of 1000 asked`,
      outcome: index.failure ?? "ended",
    };
  }
  if (name === "lookup") {
    const mine = intuneDevices()[0]!;
    const devices = Array.from({ length: 30_000 }, (_, i) => ({
      ...mine,
      id: `dev-${i}`,
      serialNumber: `SN${i}`,
    }));
    const fake = startIntuneFake({ devices });
    try {
      const config = intune.schema.parse(
        intuneSettings(fake, { PAGE_SIZE: 1000, SETTING_STATES: false }),
      );
      const source = createIntuneSource(config, {
        name: "intune",
        timeoutMs: 120_000,
        log: silentLogger,
        store: {} as Store,
        now: () => new Date(),
        demo: false,
        lookupMaxPages: BUDGETS.LOOKUP_MAX_PAGES,
      });
      const outcome = await source.devicesByEmail("fry@planetexpress.com", {
        signal: new AbortController().signal,
      }).then((d) => `${d.length} devices`, (e: Error) => e.message);
      return { input: `30 000 devices of one person, ${fake.counts.pages} pages served`, outcome };
    } finally {
      await fake.close();
    }
  }
  throw new Error(`unknown scenario ${name}`);
}

if (Deno.args[0] !== undefined) {
  const result = await scenario(Deno.args[0]);
  console.log(JSON.stringify({ ...result, peakMiB: Math.round(peakMiB()) }));
} else {
  console.log(`load average: ${Deno.loadavg().join(" / ")}`);
  for (const name of ["baseline", "token", "feed", "listing", "lookup"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", import.meta.filename!, name],
      stderr: "inherit",
    }).output();
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "{}";
    const r = JSON.parse(line) as { input: string; outcome: string; peakMiB: number };
    console.log(
      `${name.padEnd(8)} peak ${String(r.peakMiB).padStart(5)} MiB  ${r.input}  →  ${r.outcome}`,
    );
  }
}
