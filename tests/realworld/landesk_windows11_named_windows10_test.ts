// RW-11 (shared case of 2026-11-30): LANDESK/Ivanti inventory rows of two Windows 11 23H2
// computers (build 22631), one of which reports its product name as "Windows 10" — Windows 11 keeps
// "Windows 10" in the registry's ProductName (public reports: microsoft/WindowsAppSDK issue #1065,
// shirou/gopsutil issue #1143, prometheus-community/windows_exporter issue #1923).
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { PluginContext } from "../../plugins/plugin.ts";
import { createLandeskSource, schema } from "../../plugins/sources/landesk.ts";
import { type Row, SQL } from "../../plugins/sources/landesk_sql.ts";
import { engineWith } from "./engine_parts.ts";
import { realworldFixture } from "./fixture.ts";
import { LANDESK_SECTION } from "../support/landesk_fake.ts";

const CONFIG = schema.parse(LANDESK_SECTION);
const CTX: PluginContext = {
  name: "landesk",
  timeoutMs: 5000,
  log: createLogger({ sink: () => {} }),
  store: {} as Store,
  now: () => new Date(Date.UTC(2026, 10, 30)),
  demo: false,
};

Deno.test("RW-11: the build decides — both Windows 11 rows get the Windows 11 name and verdict", async () => {
  const rows = await realworldFixture<Row[]>("landesk_windows11_named_windows10_rows.json");
  const landesk = createLandeskSource(
    CONFIG,
    CTX,
    (sql) => Promise.resolve(sql === SQL.byEmail ? rows : []),
  );
  const { items, errors } = await engineWith({ deviceSources: [landesk] })
    .devices("alice@example.com");
  assert.deepEqual(errors, []);
  const seen = items.map((
    d,
  ) => [d.name, d.os, d.practices.uptodate?.status, d.practices.uptodate?.details])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const details =
    "Install Windows 11 24H2. Microsoft Windows 11 Enterprise Edition, 64-bit 10.0.22631 is older than the version we require.";
  assert.deepEqual(seen, [
    ["ALICE-LT1", "Microsoft Windows 11 Enterprise Edition, 64-bit", "warn", details],
    ["ALICE-LT2", "Microsoft Windows 11 Enterprise Edition, 64-bit", "warn", details],
  ]);
});
