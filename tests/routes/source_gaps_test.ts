/**
 * Arrive or be named, as the person and the operator see it: a source that skips a record it
 * cannot read (a date in a format we don't know) and keeps one it can read in part names both on
 * the person's pages, in the API's `X-Stethoscope-Source-Gaps` header and in `/metrics`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { macRecord, registryWith, sourceEntry } from "../support/sources.ts";

const PERSON = "user@example.com";

/** An export with one good Mac, one record whose date is unreadable (skipped), one read in part. */
const inventory = sourceEntry((email, _signal, options) => {
  options.reportGap?.({
    kind: "skipped",
    reason: "unknown_date_format",
    words: "its date is in a format we don't know",
  });
  const now = new Date("2026-11-26T11:00:00Z");
  const partial: DeviceRecord = {
    ...macRecord("pc-2", "SER2", now),
    email,
    unread: [{
      source: "inventory",
      field: "last_sync",
      value: "/Date(x)/",
      reason: "its time is in a format we don't know",
    }],
  };
  return Promise.resolve([{ ...macRecord("mac-1", "SER1", now), email }, partial]);
});

async function start(): Promise<TestApp> {
  return await startApp({
    registry: registryWith({ inventory }),
    config: demoWith({
      PLUGINS: { inventory: {} },
      UI: { sourceLabels: { inventory: "the file inventory" } },
    }),
  });
}

const SKIPPED =
  "1 record from the file inventory could not be read: its date is in a format we don&#39;t know.";
const PARTIAL =
  "1 record from the file inventory could not be read in full: its time is in a format we don&#39;t know.";

Deno.test("the Devices page says which records a source skipped or read in part, in plain words", async () => {
  const app = await start();
  try {
    const cookie = await app.login(PERSON);
    const html = await (await app.request("/devices", { cookie })).text();
    assert.ok(html.includes("Some information could not be read."), html);
    assert.ok(html.includes(`<li>${SKIPPED}</li>`), html);
    assert.ok(html.includes(`<li>${PARTIAL}</li>`), html);
    const overview = await (await app.request("/", { cookie })).text();
    assert.ok(overview.includes(`<li>${SKIPPED}</li>`));
  } finally {
    await app.close();
  }
});

Deno.test("the API names the gaps in X-Stethoscope-Source-Gaps; Source-Errors stays for failed sources", async () => {
  const app = await start();
  try {
    const token = await mintToken(app.config, { email: PERSON, now: app.clock.now });
    const headers = { Authorization: `Bearer ${token}` };
    for (
      const path of [
        `/api/v1/devices/merged/${PERSON}`,
        `/api/v1/devices/merged/${PERSON}?snapshot=true`,
      ]
    ) {
      const res = await app.request(path, { headers });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).length, 2);
      assert.equal(
        res.headers.get("X-Stethoscope-Source-Gaps"),
        "inventory:skipped:unknown_date_format=1,inventory:partial:unread_last_sync=1",
        path,
      );
      assert.equal(res.headers.get("X-Stethoscope-Source-Errors"), null);
    }
  } finally {
    await app.close();
  }
});

Deno.test("/metrics counts the records each source could not deliver, by source, kind and reason", async () => {
  const app = await start();
  try {
    const token = await mintToken(app.config, { email: PERSON, now: app.clock.now });
    const headers = { Authorization: `Bearer ${token}` };
    await app.request(`/api/v1/devices/merged/${PERSON}`, { headers });
    await app.request(`/api/v1/devices/merged/${PERSON}`, { headers });
    const text = await (await app.request("/metrics")).text();
    const lines = text.split("\n").filter((l) => l.startsWith("stethoscope_source_gaps_total"));
    assert.deepEqual(lines, [
      'stethoscope_source_gaps_total{source="inventory",kind="skipped",reason="unknown_date_format"} 2',
      'stethoscope_source_gaps_total{source="inventory",kind="partial",reason="unread_last_sync"} 2',
    ]);
  } finally {
    await app.close();
  }
});
