/**
 * Every skip path of the sources, as the person and the operator see it (issue 21, "arrive or be
 * named"): each real plugin, against its fake, answers a person's lookup past one record it
 * cannot use. What the person's page says (`describeGap`, as `views/source_gaps.tsx` renders it),
 * what the API's `X-Stethoscope-Source-Gaps` header carries (`gapToken`; `/metrics` counts the same
 * gaps, `stethoscope_source_gaps_total{source,kind,reason}`) and what the operator's
 * `connectivity` line and batch summary add (`operatorGaps(tallyGaps(...))`) are asserted exactly.
 * The path from a reported gap to the rendered page, header and metrics is
 * `tests/routes/source_gaps_test.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { type CallOptions, UpstreamError } from "../../engine/core/ports.ts";
import { callWithDeadline } from "../../engine/view/deadline.ts";
import {
  describeGap,
  type GapReport,
  gapToken,
  operatorGaps,
  type TalliedPlugin,
  tallyGaps,
} from "../../engine/view/gaps.ts";
import bitfit from "../../plugins/sources/bitfit.ts";
import duo from "../../plugins/sources/duo.ts";
import google from "../../plugins/sources/google/mod.ts";
import intune from "../../plugins/sources/intune/mod.ts";
import jamf from "../../plugins/sources/jamf.ts";
import jamfPro from "../../plugins/sources/jamf_pro/mod.ts";
import { FETCH_FAILED_WORDS, keptItems } from "../../plugins/sources/item_fetches.ts";
import { skippedRecordsTally } from "../../plugins/sources/skipped_records.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { sourceLabel } from "../../views/source_label.ts";
import { BITFIT_TOKEN, startFakeBitfit } from "../fakes/bitfit.ts";
import { authLog, duoSettings, startFakeDuo } from "../fakes/duo.ts";
import { intuneDevices, intuneSettings, startIntuneFake } from "../fakes/intune.ts";
import { JAMF_ACCOUNT, JAMF_API_CLIENT, startFakeJamf } from "../fakes/jamf.ts";
import { startJamfProFake } from "../fakes/jamf_pro.ts";
import { GOOGLE_ALL_SCOPES, startGoogleServiceAccount } from "../support/google.ts";
import { pluginContext } from "../support/sources.ts";

const FRY = "fry@planetexpress.com";
const MALFORMED = "it is not in the shape the vendor documents";

/** What the person and the operator see after one lookup of `plugin`. */
async function seen(
  plugin: { name: string; timeoutMs: number | null } & TalliedPlugin,
  call: (options: CallOptions) => Promise<unknown[] | unknown>,
) {
  const out = await callWithDeadline(plugin, "lookup", call, { empty: [] as unknown });
  const gaps = out.gaps ?? [];
  return {
    kept: out.ok ? (Array.isArray(out.value) ? out.value.length : 1) : out.error.message,
    person: gaps.map((g) => describeGap(g, sourceLabel(g.source, {}))),
    header: gaps.map(gapToken).join(","),
    operator: operatorGaps(tallyGaps([plugin])),
  };
}

Deno.test("Classic Jamf: a malformed computer among a person's Macs is named, the others kept", async () => {
  const fake = await startFakeJamf();
  const plugin = await jamf.create(
    jamf.schema.parse({ ...JAMF_ACCOUNT, JAMF_API_HOSTADDR: fake.hostaddr }),
    pluginContext("jamf"),
  );
  try {
    fake.computers.set(13, { computer: { general: { name: "broken" } } });
    fake.users.set("fry", [4551, 13]);
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await seen(plugin, (o) => plugin.devicesByEmail!(FRY, o)), {
        kept: 1,
        person: [`1 record from JAMF could not be read: ${MALFORMED}`],
        header: "jamf:skipped:malformed=1",
        operator: `1 skipped (malformed: ${MALFORMED})`, // counted once, looked up twice
      });
    }
  } finally {
    await fake.close();
  }
});

Deno.test("bitFit: a malformed asset among a person's assets is named, the others kept", async () => {
  const fake = await startFakeBitfit();
  const plugin = await bitfit.create(
    bitfit.schema.parse({ BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: fake.baseUrl }),
    pluginContext("bitfit"),
  );
  try {
    fake.assets.set("66", { item: { name: "no model" } });
    fake.userAssets.push("66");
    assert.deepEqual(await seen(plugin, (o) => plugin.ownedDevicesByEmail!(FRY, o)), {
      kept: 2,
      person: [`1 record from bitFit could not be read: ${MALFORMED}`],
      header: "bitfit:skipped:malformed=1",
      operator: `1 skipped (malformed: ${MALFORMED})`,
    });
  } finally {
    await fake.close();
  }
});

Deno.test("Jamf Pro: a malformed computer in a person's answer is named, the others kept", async () => {
  const fake = await startJamfProFake();
  const plugin = await jamfPro.create(
    jamfPro.schema.parse({ JAMF_PRO_URL: fake.serverUrl, ...JAMF_API_CLIENT }),
    pluginContext("jamf_pro"),
  );
  try {
    fake.computers.unshift(
      { id: "7", general: "not an object", userAndLocation: { email: FRY } } as never,
    );
    assert.deepEqual(await seen(plugin, (o) => plugin.devicesByEmail!(FRY, o)), {
      kept: 1,
      person: [`1 record from Jamf Pro could not be read: ${MALFORMED}`],
      header: "jamf_pro:skipped:malformed=1",
      operator: `1 skipped (malformed: ${MALFORMED})`,
    });
  } finally {
    await fake.close();
  }
});

Deno.test("Intune: a malformed managed device in a person's answer is named, the others kept", async () => {
  const devices = intuneDevices();
  const fry = devices.filter((d) => d.userPrincipalName === FRY).length;
  // Graph documents isEncrypted as a Boolean; this one is not
  devices.push({ ...devices[0]!, id: "bad-1", isEncrypted: "yes" });
  const fake = startIntuneFake({ devices });
  const plugin = await intune.create(
    intune.schema.parse(intuneSettings(fake, { SETTING_STATES: false })),
    pluginContext("intune"),
  );
  try {
    assert.deepEqual(await seen(plugin, (o) => plugin.devicesByEmail!(FRY, o)), {
      kept: fry,
      // found by UPN and again by mail address: one device, named once
      person: [`1 record from Intune could not be read: ${MALFORMED}`],
      header: "intune:skipped:malformed=1",
      operator: `1 skipped (malformed: ${MALFORMED})`,
    });
  } finally {
    await fake.close();
  }
});

Deno.test("Duo: log entries the poller could not store are named on the person's activity", async () => {
  const fake = startFakeDuo();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const now = new Date();
  const plugin = await duo.create(
    duo.schema.parse(duoSettings(fake.url)),
    { ...pluginContext("duo"), store, now: () => now, log: silentLogger },
  );
  try {
    const at = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    fake.logs.push(
      authLog(at(30), { txid: "ok", user: "fry" }),
      // Duo documents access_device as an object
      { ...authLog(at(20), { txid: "t1", user: "fry" }), access_device: "192.0.2.10" },
      { ...authLog(at(10), { txid: "t2" }), user: null }, // nobody to show it to
    );
    await plugin.checkConnectivity!({ signal: AbortSignal.timeout(5000) });
    assert.deepEqual(await seen(plugin, (o) => plugin.eventsByEmail!(FRY, o)), {
      kept: 1,
      person: [`1 record from Duo could not be read: ${MALFORMED}`],
      header: "duo:skipped:malformed=1",
      operator:
        `1 skipped (malformed: ${MALFORMED}), 1 skipped (noOwner: it names no owner we can read)`,
    });
  } finally {
    await plugin.close?.();
    store.close?.();
    await fake.close();
  }
});

Deno.test("Google: a 2-Step Verification state of an unknown type, and a malformed phone, are named", async () => {
  const account = await startGoogleServiceAccount();
  const plugin = await google.create(
    google.schema.parse(await account.section({ scopes: GOOGLE_ALL_SCOPES })),
    pluginContext("google", new Date().toISOString()), // the fake checks the assertion's time
  );
  try {
    const { google: fake } = account;
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    fake.usage.set(FRY, [{
      kind: "admin#reports#usageReport",
      date: day,
      entity: { type: "USER", userEmail: FRY },
      parameters: [
        { name: "accounts:is_2sv_enrolled", boolValue: "true" }, // a string, not the documented Boolean
        { name: "accounts:drive_sharing", msgValue: [{ a: 1 }] }, // not read: nothing missing
      ],
    }]);
    assert.deepEqual(await seen(plugin, (o) => plugin.accountByEmail!(FRY, o)), {
      kept: 1,
      person: [
        "1 record from Google could not be read in full: its 2-Step Verification state is in a " +
        "form we don't know",
      ],
      header: "google:partial:unknown_parameter_type=1",
      operator: "",
    });
    fake.mobile.push(
      { kind: "admin#directory#mobiledevice", resourceId: "m1", email: [FRY], lastSync: "soon" },
    );
    assert.deepEqual(await seen(plugin, (o) => plugin.devicesByEmail!(FRY, o)), {
      kept: 0,
      person: [`1 record from Google could not be read: ${MALFORMED}`],
      header: "google:skipped:malformed=1",
      operator: `1 skipped (malformed: ${MALFORMED})`,
    });
  } finally {
    await account.google.close();
  }
});

Deno.test("an item whose request failed is named 'not received'; when none arrived, the failure is the error", async () => {
  const tally = skippedRecordsTally(silentLogger, "bitfit");
  const reported: GapReport[] = [];
  const failures = {
    malformed: () => false,
    tally,
    log: silentLogger,
    source: "bitfit",
    what: "an asset",
    report: (g: GapReport) => void reported.push(g),
  };
  const down = new UpstreamError("bitFit: GET assets/66 answered 502");
  const settled = await Promise.allSettled([Promise.resolve("laptop"), Promise.reject(down)]);
  assert.deepEqual(keptItems(settled, ["55416", "66"], failures), ["laptop"]);
  assert.deepEqual(reported, [{
    kind: "truncated",
    reason: "fetch_failed",
    words: FETCH_FAILED_WORDS,
  }]);
  assert.equal(
    describeGap({ source: "bitfit", ...reported[0]!, count: 1 }, "bitFit"),
    "1 record from bitFit was not received: the server answered its request with an error",
  );
  reported.length = 0;
  const none = await Promise.allSettled([Promise.reject(down)]);
  assert.throws(() => keptItems(none, ["66"], failures), down);
  assert.deepEqual(reported, []);
});
