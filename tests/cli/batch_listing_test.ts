/**
 * The batch with listing sources (issue 16): Intune and a file inventory are read once per run,
 * page by page; JAMF Classic and bitFit keep their per-person calls; the result is the same as
 * asking every source once per person.
 *
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { runBatchCommand } from "../../cli/batch.ts";
import type { CommandContext } from "../../cli/command.ts";
import { silentLogger } from "../../config/log.ts";
import { ConfigSchema } from "../../config/schema.ts";
import type { BatchResult } from "../../engine/core/ports.ts";
import { toWire } from "../../engine/core/wire.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { BITFIT_TOKEN, startFakeBitfit } from "../fakes/bitfit.ts";
import {
  type FakeManagedDevice,
  intuneDevices,
  type IntuneFake,
  intuneSettings,
  startIntuneFake,
} from "../fakes/intune.ts";
import { JAMF_ACCOUNT, JAMF_API_CLIENT, startFakeJamf } from "../fakes/jamf.ts";
import { startJamfProFake } from "../fakes/jamf_pro.ts";
import { registryWith } from "../support/sources.ts";

const NOW = new Date("2026-11-26T12:00:00Z");

/** Fry's, Leela's and 12 more people's devices: 3 pages of 7 at PAGE_SIZE 7. */
function devices(): FakeManagedDevice[] {
  const more = Array.from({ length: 12 }, (_, i): FakeManagedDevice => ({
    id: `00000000-0000-0000-0000-0000000001${String(i).padStart(2, "0")}`,
    deviceName: `CREW-${i}`,
    userPrincipalName: `crew${i % 6}@planetexpress.com`,
    operatingSystem: i % 2 === 0 ? "Windows" : "macOS",
    osVersion: i % 2 === 0 ? "10.0.19045.5131" : "26.1 (25B78)",
    isEncrypted: i % 3 !== 0,
    jailBroken: "Unknown",
    complianceState: "compliant",
    lastSyncDateTime: "2026-11-20T10:00:00Z",
    serialNumber: `CREW${i}`,
    wiFiMacAddress: `6045BD0000${String(i).padStart(2, "0")}`,
    model: "Laptop",
    manufacturer: "Momcorp",
  }));
  return [...intuneDevices(), ...more];
}

/** The file inventory: Leela's phone again (merges with Intune's) and Amy's Chromebook. */
const FILE = [
  {
    source: "cmdb",
    name: "Leela's Pixel (CMDB)",
    serial: "3A281FDH2000AB",
    email: "leela@planetexpress.com",
    os: "Android",
    last_sync: "2026-11-01T00:00:00Z",
    identifiers: { serial: "3A281FDH2000AB" },
  },
  {
    source: "cmdb",
    name: "Amy's Chromebook",
    serial: "CHROME-AMY",
    email: "amy@planetexpress.com",
    os: "ChromeOS",
    os_version: "150.0.7000.1",
    last_sync: "2026-11-25T00:00:00Z",
    identifiers: { serial: "CHROME-AMY" },
    practices: { jailed: { value: true } },
  },
].map((r) => JSON.stringify(r)).join("\n");

interface Run {
  code: number;
  out: string;
  progress: string[];
  /** email → the merged devices posted, as JSON */
  results: Map<string, string>;
}

async function harness() {
  const intune = startIntuneFake({ devices: devices() });
  const [jamf, bitfit, jamfPro] = await Promise.all([
    startFakeJamf(),
    startFakeBitfit(),
    startJamfProFake(),
  ]);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/inventory.ndjson`, FILE + "\n");
  const results = new Map<string, string>();
  const recorder = definePlugin(z.object({}).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    post: (r: BatchResult) => {
      results.set(r.email.toLowerCase(), JSON.stringify(toWire(r.devices)));
      return Promise.resolve();
    },
  }), { kinds: ["batch"], summary: "test sink" });
  const registry = registryWith({
    recorder: {
      load: () => Promise.resolve({ default: recorder }),
    },
  });
  const config = {
    ...ConfigSchema.parse({
      DEFAULT_TIMEOUT: 30,
      PLUGINS: {
        intune: intuneSettings(intune, { PAGE_SIZE: 7 }),
        jamf: {
          ...JAMF_ACCOUNT,
          JAMF_API_HOSTADDR: jamf.hostaddr,
        },
        jamf_pro: {
          JAMF_PRO_URL: jamfPro.serverUrl,
          ...JAMF_API_CLIENT,
          PAGE_SIZE: 1,
        },
        bitfit: { BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: bitfit.baseUrl },
        file: { PATH: `${dir}/inventory.ndjson` },
        recorder: {},
      },
    }),
    demo: false,
  };
  async function run(args: string[], values: CommandContext["values"] = {}): Promise<Run> {
    results.clear();
    const out: string[] = [];
    const progress: string[] = [];
    const store = await createSqliteStore({
      path: `${dir}/batch-${crypto.randomUUID()}.db`,
      log: silentLogger,
    });
    const code = await runBatchCommand({
      config,
      values,
      positionals: ["batch", ...args],
      log: silentLogger,
      print: (t) => void out.push(t),
      printErr: (t) => void out.push(t),
    }, {
      registry,
      store,
      now: () => NOW,
      isTerminal: false,
      progressMs: 3_600_000,
      writeProgress: (t) => void progress.push(t),
    });
    return { code, out: out.join(""), progress, results: new Map(results) };
  }
  return {
    intune: intune as IntuneFake,
    jamf,
    jamfPro,
    dir,
    run,
    async close() {
      await Promise.all([intune.close(), jamf.close(), bitfit.close(), jamfPro.close()]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const PEOPLE = [
  "fry@planetexpress.com",
  "leela@planetexpress.com",
  ...Array.from({ length: 6 }, (_, i) => `crew${i}@planetexpress.com`),
  "amy@planetexpress.com",
];

Deno.test("batch with listings gives exactly the per-person results, with one request per page", async () => {
  const h = await harness();
  try {
    await Deno.writeTextFile(`${h.dir}/people.txt`, PEOPLE.join("\n"));
    const perPerson = await h.run([`${h.dir}/people.txt`], { "per-person": true });
    assert.equal(perPerson.code, 0, perPerson.out);
    const perPersonPages = h.intune.counts.pages;
    const perPersonStates = h.intune.counts.settingStates;
    const jamfBefore = h.jamf.requests.length;
    const jamfProBefore = h.jamfPro.counts.pages;

    h.intune.counts.pages = 0;
    h.intune.counts.settingStates = 0;
    h.intune.counts.summaries = 0;
    const listed = await h.run([]);
    assert.equal(listed.code, 0, listed.out);

    assert.deepEqual([...listed.results.keys()].sort(), [...PEOPLE].sort());
    for (const email of PEOPLE) {
      assert.equal(listed.results.get(email), perPerson.results.get(email), email);
    }
    // Fry's Mac merged from Intune, JAMF and bitFit; Leela's phone from Intune and the file.
    const fry = JSON.parse(listed.results.get("fry@planetexpress.com")!) as { sources: string[] }[];
    const all = ["bitfit", "intune", "jamf", "jamf_pro"];
    assert.ok(fry.some((d) => all.every((s) => d.sources.includes(s))), JSON.stringify(fry));
    const leela = JSON.parse(listed.results.get("leela@planetexpress.com")!) as {
      sources: string[];
    }[];
    assert.deepEqual(leela.map((d) => [...d.sources].sort()), [["cmdb", "intune"]]);

    // Intune: 16 devices in pages of 7 → 3 requests, against one or more per person before.
    assert.equal(h.intune.counts.pages, 3);
    assert.ok(perPersonPages >= PEOPLE.length + 2, `per person: ${perPersonPages}`);
    // setting states: per device when asked per person; the tenant's summaries when listed
    assert.ok(perPersonStates >= 4, `per person: ${perPersonStates}`);
    assert.equal(h.intune.counts.settingStates, 0, "no per-device setting-state reads");
    assert.equal(h.intune.counts.summaries, 5, "the summaries and four settings' states");
    // JAMF Classic cannot list: it is still asked per person.
    assert.ok(h.jamf.requests.length - jamfBefore >= PEOPLE.length);
    assert.deepEqual(listed.progress.filter((l) => l.startsWith("intune:")), [
      "intune: page 1, 7 of 16 devices\n", // Graph states @odata.count on each page
      "intune: page 2, 14 of 16 devices\n",
      "intune: page 3, 16 of 16 devices\n",
    ]);
    assert.match(
      listed.out,
      /Listings:\n {2}intune: listed 16 devices in 3 pages\n {2}jamf_pro: listed 2 devices in 2 pages\n {2}file: listed 2 devices in 1 pages\n/,
    );
    assert.equal(h.jamfPro.counts.pages - jamfProBefore, 2, "Jamf Pro: one request per page");
  } finally {
    await h.close();
  }
});

Deno.test("batch: a listing that fails halfway fails that source for the run, not the run", async () => {
  const h = await harness();
  try {
    h.intune.breakAfterPages(1);
    const run = await h.run([]);
    assert.match(
      run.out,
      /intune: FAILED after 7 devices in 1 pages, skipped for this run: Intune: received invalid response code \(500 InternalServerError\) for 127\.0\.0\.1:\d+ \(GET \/v1\.0\/deviceManagement\/managedDevices\?/,
    );
    // People come from the other listings only; each has Intune reported as failed.
    assert.deepEqual([...run.results.keys()].sort(), [
      "amy@planetexpress.com",
      "fry@planetexpress.com",
      "leela@planetexpress.com",
    ]);
    assert.match(
      run.out,
      /Source errors \(people affected\):\n {2}intune: 3 — FAILED FOR EVERYONE/,
    );
    assert.equal(run.code, 1);
    const leela = JSON.parse(run.results.get("leela@planetexpress.com")!) as {
      sources: string[];
    }[];
    assert.deepEqual(leela.map((d) => d.sources), [["cmdb"]]);
  } finally {
    await h.close();
  }
});

Deno.test("batch without an emails file needs a listing source", async () => {
  const h = await harness();
  try {
    const run = await h.run([], { "per-person": true });
    assert.equal(run.code, 2);
    assert.match(run.out, /an emails file is required: .*with --per-person/);
  } finally {
    await h.close();
  }
});
