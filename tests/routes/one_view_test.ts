/**
 * One view of a person (issue 23): for every demo person, with and without `GRACE_DAYS`, the
 * Devices page, `/api/v1/devices/merged/:email` live and `?snapshot=true`, and the debug merged
 * route `/api/v1/devices/email/:email` show the same devices with the same practices, statuses,
 * "since" and deadlines — they all come from `personView()`; so does the debug look-up by serial
 * of each device (through a test source answering the demo records by serial, each naming its
 * owner: `tests/support/demo_by_serial.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { actionGroups, deviceRating } from "../../engine/view/rating.ts";
import type { MergedDevice, PracticeData } from "../../engine/core/types.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { deviceAnchor } from "../../views/devices.tsx";
import { SEVERITY_CLASS } from "../../views/severity_class.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { demoBySerial } from "../support/demo_by_serial.ts";
import { registryWith } from "../support/sources.ts";

const OPS = "admin@example.com";

/** Every default practice with 14 days of grace. */
const GRACED = Object.fromEntries(
  Object.entries(DEFAULT_PRACTICES).map(([key, p]) => [key, { ...p, GRACE_DAYS: 14 }]),
);

type Json = Record<string, unknown>;

async function json(app: TestApp, path: string, token: string): Promise<Json[]> {
  const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return await res.json();
}

/** Each device's identity and its practices' status, since and deadline, in order. */
function shown(devices: Json[]): unknown[] {
  return devices.map((d) => ({
    identifiers: d.identifiers,
    sources: d.sources,
    practices: Object.fromEntries(
      Object.entries(d.practices as Record<string, Json>).map(([k, p]) => [k, {
        status: p.status,
        since: p.since,
        deadline: p.deadline,
      }]),
    ),
  }));
}

/** What the Devices page must show for these devices: per practice row, its group and deadline. */
function expectedRows(devices: Json[]): string[] {
  return devices.flatMap((json, i) => {
    const d = json as unknown as MergedDevice;
    const g = actionGroups(d);
    const rows: [string, PracticeData, string][] = [
      ...g.critical.map(([k, p]) =>
        [k, p, SEVERITY_CLASS.critical] as [string, PracticeData, string]
      ),
      ...g.suggested.map(([k, p]) =>
        [k, p, SEVERITY_CLASS.suggested] as [string, PracticeData, string]
      ),
      ...(deviceRating(d) === "unknown"
        ? []
        : g.cannotCheck.map(([k, p]) =>
          [k, p, SEVERITY_CLASS.unknown] as [string, PracticeData, string]
        )),
      ...g.done.map(([k, p]) => [k, p, SEVERITY_CLASS.ok] as [string, PracticeData, string]),
    ];
    const anchor = deviceAnchor(d, i);
    return rows.map(([k, p, cls]) =>
      `${anchor}-${k.replace(/[^A-Za-z0-9_-]/g, "_")} ${cls}${p.deadline ? " deadline" : ""}`
    );
  });
}

/**
 * The practice rows of a Devices page: id, group class, and whether it shows a deadline (a "Done"
 * row is one line, `<li id>` with its icon and title, no `<details>`).
 */
function pageRows(html: string): string[] {
  const rows = html.matchAll(
    /<li id="([^"]+)">(?:<details[^>]*><summary>)?<span class="icon ([a-z]+)"[^>]*>(.*?)<\/(?:summary|li)>/gs,
  );
  return [...rows].map((m) => `${m[1]} ${m[2]}${m[3]!.includes("required by") ? " deadline" : ""}`);
}

for (const grace of [false, true]) {
  Deno.test(`every demo person: page, live API, snapshot API and debug routes (email, serial) agree${grace ? " with GRACE_DAYS" : ""}`, async () => {
    const app = await startApp({
      registry: registryWith({ by_serial: demoBySerial }),
      config: demoWith({
        ENABLE_DEBUG_ENDPOINTS: true,
        PRIVILEGED_USERS: [OPS],
        PLUGINS: { demo: {}, by_serial: {} },
        ...(grace ? { PRACTICES: GRACED } : {}),
      }),
    });
    try {
      const token = await mintToken(app.config, { email: OPS, now: app.clock.now });
      let graced = 0;
      let devices = 0;
      let serials = 0;
      for (const { email } of DEMO_PEOPLE) {
        const cookie = await app.login(email);
        const page = await app.request("/devices", { cookie });
        assert.equal(page.status, 200);
        const rows = pageRows(await page.text());
        const live = await json(app, `/api/v1/devices/merged/${email}`, token);
        const snapshot = await json(app, `/api/v1/devices/merged/${email}?snapshot=true`, token);
        const debug = await json(app, `/api/v1/devices/email/${email}`, token);
        devices += live.length;
        assert.deepEqual(shown(snapshot), shown(live), `${email}: snapshot = live`);
        assert.deepEqual(shown(debug), shown(live), `${email}: debug = live`);
        for (const device of live) {
          const serial = (device.identifiers as { serial?: string }).serial;
          if (serial === undefined) continue;
          const bySerial = await json(app, `/api/v1/devices/serial/${serial}`, token);
          assert.deepEqual(shown(bySerial), shown([device]), `${email}: serial ${serial} = live`);
          serials++;
        }
        assert.deepEqual(rows, expectedRows(live), `${email}: page = API`);
        graced += rows.filter((r) => r.endsWith(" deadline")).length;
      }
      assert.ok(devices > 10, "the demo people have devices");
      assert.ok(serials > 5, "the serial look-up answered for devices with a serial");
      // with grace every newly failing practice is a suggestion with a deadline; without, none
      if (grace) assert.ok(graced > 0, "some practice shows a deadline");
      else assert.equal(graced, 0);
    } finally {
      await app.close();
    }
  });
}

Deno.test("a merged Mac's 'unmodified operating system' is not applicable on every path", async () => {
  const app = await startApp({
    config: demoWith({ ENABLE_DEBUG_ENDPOINTS: true, PRIVILEGED_USERS: [OPS] }),
  });
  try {
    const token = await mintToken(app.config, { email: OPS, now: app.clock.now });
    for (const path of ["/api/v1/devices/merged/", "/api/v1/devices/email/"]) {
      const devices = await json(app, `${path}user@example.com`, token);
      const mac = devices.find((d) => (d.sources as string[]).includes("bitfit")) as
        | MergedDevice
        | undefined;
      assert.equal(mac?.platform, "Mac", path);
      assert.equal(mac?.practices.jailed?.status, "na", path);
    }
  } finally {
    await app.close();
  }
});
