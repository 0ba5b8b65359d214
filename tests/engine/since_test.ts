import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import type { StatusStore } from "../../engine/core/store_ports.ts";
import { deviceKey, observations, showSince, withSince } from "../../engine/view/since.ts";
import type { MergedDevice, PracticeData, Status } from "../../engine/core/types.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { demoWith, startApp } from "../support/app.ts";

const MAR12 = new Date("2026-03-12T09:00:00Z");
const DAY = 86_400_000;
const at = (days: number) => new Date(MAR12.getTime() + days * DAY);

function laptop(
  statuses: Record<string, Status>,
  ids: MergedDevice["identifiers"] = { serial: "PF1RED0042" },
): MergedDevice {
  const practices: Record<string, PracticeData> = {};
  for (const [k, s] of Object.entries(statuses)) practices[k] = { status: s, title: k };
  return { sources: ["landesk"], practices, identifiers: ids };
}

Deno.test("deviceKey() uses the serial, else the first MAC, else the Google id, else the UDID", () => {
  assert.equal(deviceKey({ identifiers: { serial: "S1", mac_addresses: ["M"] } }), "serial:S1");
  assert.equal(deviceKey({ identifiers: { mac_addresses: ["AA:BB", "CC"] } }), "mac:AA:BB");
  assert.equal(deviceKey({ identifiers: { google_device_id: "g1", udid: "u1" } }), "google:g1");
  assert.equal(deviceKey({ identifiers: { udid: "u1" } }), "udid:u1");
  assert.equal(deviceKey({ identifiers: {} }), null);
  assert.deepEqual(observations([laptop({ encryption: "warn" }, {})], MAR12), []);
});

Deno.test("showSince() shows a new warn as a nudge with its deadline during the grace period", async (t) => {
  const warn: PracticeData = { status: "warn", title: "Disk encryption" };
  await t.step("inside the grace period", () => {
    assert.deepEqual(showSince(warn, MAR12, { grace: 14, now: at(8) }), {
      status: "nudge",
      title: "Disk encryption",
      since: MAR12,
      deadline: new Date("2026-03-26T09:00:00Z"),
    });
  });
  await t.step("once the deadline has passed", () => {
    assert.deepEqual(showSince(warn, MAR12, { grace: 14, now: at(14) }), {
      status: "warn",
      title: "Disk encryption",
      since: MAR12,
    });
  });
  await t.step("without a grace period, and for ok", () => {
    assert.deepEqual(showSince(warn, MAR12, { grace: undefined, now: at(1) }), {
      ...warn,
      since: MAR12,
    });
    assert.deepEqual(showSince({ status: "nudge" }, MAR12, { grace: 14, now: at(1) }), {
      status: "nudge",
      since: MAR12,
    });
    const ok = { status: "ok" as const };
    assert.equal(showSince(ok, MAR12, { grace: 14, now: at(1) }), ok);
  });
});

Deno.test("withSince() keeps since while the status holds, resets it when the status changes", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const first = await withSince(
      store.statuses,
      [laptop({ encryption: "warn", firewall: "ok" })],
      {
        now: MAR12,
      },
    );
    assert.deepEqual(first[0]!.practices.encryption!.since, MAR12);
    assert.equal(first[0]!.practices.firewall!.since, undefined, "ok practices show no since");
    const later = await withSince(store.statuses, [laptop({ encryption: "warn" })], { now: at(3) });
    assert.deepEqual(later[0]!.practices.encryption!.since, MAR12);
    await withSince(store.statuses, [laptop({ encryption: "ok" })], { now: at(4) });
    const again = await withSince(store.statuses, [laptop({ encryption: "warn" })], { now: at(5) });
    assert.deepEqual(again[0]!.practices.encryption!.since, at(5), "a changed status starts again");
  } finally {
    await store.close();
  }
});

Deno.test("withSince() returns the devices unchanged when the store fails", async () => {
  const failing: Pick<StatusStore, "observe"> = {
    observe: () => Promise.reject(new Error("disk full")),
  };
  const errors: unknown[] = [];
  const devices = [laptop({ encryption: "warn" })];
  const out = await withSince(failing, devices, { now: MAR12, onError: (e) => errors.push(e) });
  assert.equal(out, devices);
  assert.equal(errors.length, 1);
});

Deno.test("failing since survives a restart of the SQLite store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/history.db`;
    const before = await createSqliteStore({ path, log: silentLogger });
    await withSince(before.statuses, [laptop({ encryption: "warn" })], { now: MAR12 });
    await before.close();
    const after = await createSqliteStore({ path, log: silentLogger });
    try {
      const out = await withSince(after.statuses, [laptop({ encryption: "warn" })], {
        now: at(20),
      });
      assert.deepEqual(out[0]!.practices.encryption!.since, MAR12);
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The Devices page of Hermes (demo person `one-red`: BitLocker off) with a 14-day grace. */
Deno.test("the Devices page shows 'since' and, during the grace period, 'required by', across restarts", async () => {
  const dir = await Deno.makeTempDir();
  const config = demoWith({
    PRACTICES: {
      ...DEFAULT_PRACTICES,
      encryption: { ...DEFAULT_PRACTICES.encryption, GRACE_DAYS: 14 },
    },
  });
  const devicesPage = async (now: Date) => {
    const app = await startApp({ config, now, storePath: `${dir}/app.db` });
    try {
      const cookie = await app.login("one-red@example.com");
      const res = await app.request("/devices", { cookie });
      assert.equal(res.status, 200);
      return await res.text();
    } finally {
      await app.close();
    }
  };
  const sections = (html: string) => {
    const i = html.indexOf("HERMES-T14");
    assert.ok(i > 0, "Hermes's ThinkPad is on the page");
    const card = html.slice(html.lastIndexOf("<article", i), html.indexOf("</article>", i));
    return {
      critical: /<h3 class="crit">Fix now<\/h3>([\s\S]*?)<\/section>/.exec(card)?.[1] ?? "",
      suggested: /<h3 class="sugg">Suggested<\/h3>([\s\S]*?)<\/section>/.exec(card)?.[1] ?? "",
    };
  };
  try {
    const first = sections(await devicesPage(MAR12));
    assert.match(
      first.suggested,
      /Disk is not encrypted[\s\S]*· since 12 March[\s\S]*· required by 26 March/,
    );
    assert.doesNotMatch(first.critical, /encryption/i);

    const inGrace = sections(await devicesPage(at(10)));
    assert.match(
      inGrace.suggested,
      /· since 12 March<\/span><span class="since">\s*· required by 26 March/,
    );

    const late = sections(await devicesPage(at(15)));
    assert.match(late.critical, /Disk is not encrypted[\s\S]*· since 12 March/);
    assert.doesNotMatch(late.critical, /required by/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
