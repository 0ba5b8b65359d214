// Windows spellings in inventory exports (file inventory; the same records could come from any
// source). Shapes rebuilt with made-up names:
// - `systeminfo` prints "OS Version: 10.0.22631 N/A Build 22631" (wazuh/wazuh issue #31921 shows
//   the output on Windows 11), and the registry's ProductName still says "Windows 10".
// - windows_exporter reports product "Windows 10 Enterprise" with version "10.0.26100" and
//   revision 3194 on Windows 11 (prometheus-community/windows_exporter issue #1923): no
//   "Microsoft" in the name, and the wrong release number.
import assert from "node:assert/strict";
import { engineWith, inventorySource } from "./engine_parts.ts";

async function verdicts(fixture: string) {
  const { items, errors } = await engineWith({ deviceSources: [await inventorySource(fixture)] })
    .devices("alice@example.com");
  assert.deepEqual(errors, []);
  return items.map((d) => [d.name, d.os, d.os_version, d.practices.uptodate?.status])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

Deno.test("systeminfo's OS Version is read, and its build names the release", async () => {
  assert.deepEqual(await verdicts("file_inventory_windows_systeminfo.ndjson"), [
    ["ALICE-DESK", "Microsoft Windows 11 Enterprise", "10.0.22631 N/A Build 22631", "warn"],
    ["ALICE-VM", "Microsoft Windows 11 Enterprise", "10.0.26200 N/A Build 26200", "ok"],
  ]);
});

Deno.test("a Windows name without the vendor is judged by the same rules as LANDESK's", async () => {
  assert.deepEqual(await verdicts("file_inventory_windows_exporter_product_name.ndjson"), [
    ["ALICE-LT3", "Microsoft Windows 11 Enterprise", "10.0.26100.3194", "nudge"],
    ["ALICE-OLD", "Microsoft Windows 10 Pro", "10.0.19045.6456", "ok"],
  ]);
});
