import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { BatchResult } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import summaryPlugin, { schema, snapshot } from "../../plugins/batch_restful_summary.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import { json, startFake } from "../fakes/server.ts";

const NOW = new Date("2026-03-15T12:00:00Z");
const signal = () => new AbortController().signal;

function seen(name: string, lastSync: Date | null | undefined): MergedDevice {
  return {
    sources: ["jamf"],
    name,
    practices: {},
    identifiers: { serial: name },
    ...(lastSync !== undefined ? { last_sync: lastSync } : {}),
  };
}

const RESULTS: BatchResult[] = [
  {
    email: "fry@planetexpress.com",
    devices: [
      seen("fresh", new Date("2026-03-14T00:00:00Z")),
      seen("edge", new Date("2026-03-01T12:00:00Z")), // exactly 14 days: kept
      seen("stale", new Date("2026-03-01T11:59:59Z")),
    ],
  },
  { email: "leela@planetexpress.com", devices: [seen("never", null), seen("absent", undefined)] },
  { email: "amy@planetexpress.com", devices: [seen("amys", new Date("2026-03-10T00:00:00Z"))] },
];

/** The sink after every result of RESULTS was posted to it, as a run does. */
async function posted(url: string): Promise<PluginInstance> {
  const plugin = await create(url);
  for (const r of RESULTS) await plugin.post!(r, { signal: signal() });
  return plugin;
}

async function create(url: string): Promise<PluginInstance> {
  return await summaryPlugin.create(schema.parse({ URL: url }), {
    name: "batch_restful_summary",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: () => NOW,
    demo: false,
  });
}

Deno.test("snapshot() keeps devices of every person seen within the last 14 days", () => {
  const docs = snapshot(RESULTS, { now: NOW, maxAgeDays: 14 });
  assert.deepEqual(docs.map((d) => [d.email, d.name]), [
    ["fry@planetexpress.com", "fresh"],
    ["fry@planetexpress.com", "edge"],
    ["amy@planetexpress.com", "amys"],
  ]);
  assert.equal(docs[0]!.report_date, "2026-03-15T12:00:00.000Z");
});

Deno.test("batch_restful_summary posts the snapshot once and reports the status", async () => {
  const fake = startFake(() => json({ ok: true }, 201));
  const plugin = await posted(`${fake.url}/ingest?key=s3cret`);
  try {
    const line = await plugin.summary!({ signal: signal() });
    assert.match(
      line,
      /^posted 3 devices to http:\/\/127\.0\.0\.1:\d+\/ingest: HTTP 201 \(accepted\)$/,
    );
    assert.equal(line.includes("s3cret"), false);
    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0]!;
    assert.equal(req.method, "POST");
    assert.equal(req.headers.get("content-type"), "application/json");
    assert.deepEqual((JSON.parse(req.body) as { name: string }[]).map((d) => d.name), [
      "fresh",
      "edge",
      "amys",
    ]);
  } finally {
    await fake.close();
  }
});

Deno.test("batch_restful_summary never raises after sending: a 500 is reported, not thrown", async () => {
  const fake = startFake(() => json({ error: "boom" }, 500));
  const plugin = await posted(`${fake.url}/ingest`);
  try {
    const line = await plugin.summary!({ signal: signal() });
    assert.match(line, /HTTP 500 \(REFUSED\)$/);
    assert.equal(fake.requests.length, 1, "posted once, no retry");
  } finally {
    await fake.close();
  }
});

Deno.test("batch_restful_summary reports an unreachable endpoint as an error", async () => {
  const fake = startFake(() => json({}));
  const url = fake.url;
  await fake.close();
  const plugin = await posted(`${url}/ingest`);
  await assert.rejects(plugin.summary!({ signal: signal() }), /cannot reach http:\/\/127/);
});

Deno.test("batch_restful_summary with no recent device posts an empty array", async () => {
  const fake = startFake(() => json({ ok: true }, 201));
  const plugin = await create(`${fake.url}/ingest`);
  try {
    await plugin.post!(RESULTS[1]!, { signal: signal() });
    const line = await plugin.summary!({ signal: signal() });
    assert.match(line, /^posted 0 devices to .*HTTP 201 \(accepted\)$/);
    assert.equal(fake.requests[0]!.body, "[]");
  } finally {
    await fake.close();
  }
});
