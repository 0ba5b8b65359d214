// macOS as Foundation's operatingSystemVersionString spells it: "Version 10.14.3 (Build 18D42)"
// (lionheart/openradar-mirror issue #21016, feedback-assistant/reports issue #9). An inventory
// export that copies this string must be judged like the plain version, not as unreadable.
import assert from "node:assert/strict";
import { engineWith, inventorySource } from "./engine_parts.ts";

Deno.test("'Version X (Build Y)' is judged as version X", async () => {
  const { items, errors } = await engineWith({
    deviceSources: [
      await inventorySource("file_inventory_macos_operating_system_version_string.ndjson"),
    ],
  }).devices("alice@example.com");
  assert.deepEqual(errors, []);
  assert.deepEqual(
    items.map((
      d,
    ) => [d.name, d.os_version, d.practices.uptodate?.status, d.practices.uptodate?.details])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      [
        "Alice's MacBook Air",
        "Version 26.3.1 (Build 25D2140)",
        "nudge",
        "Install macOS 26.6.",
      ],
      [
        "Alice's old iMac",
        "Version 10.14.3 (Build 18D42)",
        "warn",
        "Install macOS 15.7. Mac OS X Version 10.14.3 (Build 18D42) is older than the version " +
        "we require.",
      ],
    ],
  );
});
