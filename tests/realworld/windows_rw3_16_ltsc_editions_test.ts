// RW3-16: Windows LTSC and IoT LTSC editions keep their own support dates (Windows 10 Enterprise
// LTSC 2021 until 12 January 2027, IoT Enterprise LTSC 2021 until 13 January 2032, LTSC 2019 until
// 9 January 2029, Windows 11 Enterprise LTSC 2024 until 9 October 2029: endoflife.date cycles
// 10-21h2-e-lts, 10-21h2-iot-lts, 10-1809-e-lts, 11-24h2-e-lts; learn.microsoft.com
// release-health "Enterprise and IoT Enterprise LTSC editions"), and the general channel's (E)
// vs (W) split follows the edition (endoflife.date products/windows.md: "(E) Enterprise,
// Education and IoT Enterprise; (W) Home, Pro, Pro Education, Pro for Workstations"). All three
// LTSC devices were critical "older than the version we require". Names are WMI `Caption`s.
import assert from "node:assert/strict";
import { engineWith, inventorySource, practicesWithShippedReleases } from "./engine_parts.ts";
import { windowsChannel } from "../../engine/releases/release_verdicts.ts";

async function verdicts(fixture: string, email: string) {
  const practices = practicesWithShippedReleases(new Date("2026-12-07T12:00:00Z"));
  const engine = engineWith({ practices, deviceSources: [await inventorySource(fixture)] });
  const { items, errors } = await engine.devices(email);
  assert.deepEqual(errors, []);
  return items.map((d) => [d.name, d.practices.uptodate?.status, d.practices.uptodate?.details])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

Deno.test("RW3-16: each Windows edition is judged by its own servicing channel", async () => {
  assert.deepEqual(await verdicts("rw3_16_windows_editions.ndjson", "mo@example.com"), [
    [
      "MO-EDU24",
      "nudge",
      "Install Windows 11 25H2. Windows 11 24H2 (Enterprise and Education) is serviced " +
      "until 12 October 2027.",
    ],
    [
      "MO-ENT21H2",
      "warn",
      "Install Windows 11 24H2; it was due by 11 June 2024. " +
      "Microsoft Windows 10 Enterprise 10.0.19044 is older than the version we require. " +
      "Windows 10 21H2 (Enterprise and Education) reached end of servicing on 11 June 2024.",
    ],
    ["MO-LTSC19-A", "ok", "Windows 10 Enterprise LTSC 2019 is serviced until 9 January 2029."],
    ["MO-LTSC21-A", "ok", "Windows 10 Enterprise LTSC 2021 is serviced until 12 January 2027."],
    [
      "MO-LTSC21-B",
      "ok",
      "Windows 10 IoT Enterprise LTSC 2021 is serviced until 13 January 2032.",
    ],
    ["MO-LTSC24", "ok", "Windows 11 Enterprise LTSC 2024 is serviced until 9 October 2029."],
    [
      "MO-PRO24",
      "warn",
      "Install Windows 11 25H2; it was due by 13 October. Windows 11 24H2 (Home and Pro) " +
      "reached end of servicing on 13 October.",
    ],
    [
      "MO-PROWS24",
      "warn",
      "Install Windows 11 25H2; it was due by 13 October. Windows 11 24H2 (Home and Pro) " +
      "reached end of servicing on 13 October.",
    ],
  ]);
});

Deno.test("RW3-16 kind: the servicing channel of every edition name", () => {
  const names: [string, string][] = [
    ["Microsoft Windows 11 Home", "w"],
    ["Microsoft Windows 11 Pro", "w"],
    ["Microsoft Windows 11 Pro N", "w"],
    ["Microsoft Windows 11 Pro Education", "w"],
    ["Microsoft Windows 11 Pro for Workstations", "w"],
    ["Microsoft Windows 11 Education", "e"],
    ["Microsoft Windows 11 Enterprise", "e"],
    ["Microsoft Windows 11 Enterprise multi-session", "e"],
    ["Microsoft Windows 11 IoT Enterprise", "e"],
    ["Microsoft Windows 11 Enterprise LTSC", "e-lts"],
    ["Microsoft Windows 10 Enterprise LTSB", "e-lts"],
    ["Microsoft Windows 10 Enterprise N LTSC 2019", "e-lts"],
    ["Microsoft Windows 10 IoT Enterprise LTSC", "iot-lts"],
    ["Microsoft Windows 11 IoT Enterprise LTSC 2024", "iot-lts"],
  ];
  assert.deepEqual(names.map(([n]) => [n, windowsChannel(n)]), names);
});
