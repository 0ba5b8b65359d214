/**
 * `Engine.viewOfFound()`: the debug look-ups' merged answer views each owner's records as that
 * person (issue 23). Records are shaped as Jamf's by-serial answer is normalised
 * (`location.email_address` → `email`, `plugins/sources/jamf_parse.ts`); a Mac reassigned from Bob
 * to Alice is still in Bob's Google Directory record.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { buildPracticeSet } from "../../engine/practices/practices.ts";
import { createOwnershipGuard } from "../../engine/identity/ownership.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { engineWith } from "../support/engine.ts";

const NOW = new Date("2026-12-07T09:00:00Z");

const mac = (source: string, email?: string): DeviceRecord => ({
  source,
  platform: "Mac",
  os: "macOS",
  ...(email === undefined ? {} : { email }),
  identifiers: { serial: "C02X" },
  practices: { firewall: { value: false } },
});

/** Alice's exemption of the firewall on every device of hers. */
const alicesFirewall: Exemption = {
  id: "ex-alice",
  email: "alice@example.com",
  practice: "firewall",
  reason: "Kiosk on its own network",
  grantedBy: "security@example.com",
  grantedAt: new Date("2026-12-01T09:00:00Z"),
  expiresAt: new Date("2027-01-01T00:00:00Z"),
};

function engine() {
  return engineWith({
    practices: buildPracticeSet(DEFAULT_PRACTICES, ["firewall"]),
    ownership: createOwnershipGuard({ aliases: [["example.com", "example.co.uk"]] }),
  }, {
    now: () => NOW,
    exemptions: {
      exemptionsFor: (email) =>
        Promise.resolve(email === "alice@example.com" ? [alicesFirewall] : []),
    },
  });
}

/** Each device's sources, owner and whether its firewall is exempt. */
function shown(
  devices: {
    sources: string[];
    email?: string;
    practices: Record<string, { exempt?: unknown; status?: string }>;
  }[],
) {
  return devices.map((d) => [
    d.sources.join("+"),
    d.email ?? null,
    d.practices.firewall?.status,
    d.practices.firewall?.exempt === undefined ? "-" : "exempt",
  ]);
}

Deno.test("viewOfFound() by serial: each owner's records as that person, owners in address order, no one's last", async () => {
  const found = {
    items: [mac("jamf", "Bob@Example.com"), mac("google", "alice@example.co.uk"), mac("network")],
    errors: [],
  };
  const devices = await engine().viewOfFound({ by: "serial", value: "C02X" }, found);
  assert.deepEqual(shown(devices), [
    ["google", "alice@example.co.uk", "warn", "exempt"], // the alias domain is Alice's
    ["jamf", "Bob@Example.com", "warn", "-"],
    ["network", null, "warn", "-"], // viewed without a person: nobody's exemption
  ]);
});

Deno.test("viewOfFound() by MAC: a record naming no owner joins the one owner named, as on her page", async () => {
  const found = { items: [mac("network"), mac("jamf", "alice@example.com")], errors: [] };
  const devices = await engine().viewOfFound({ by: "mac", value: "00:DE:CA:FB:AD:00" }, found);
  assert.deepEqual(shown(devices), [["network+jamf", "alice@example.com", "warn", "exempt"]]);
});

Deno.test("viewOfFound() by email is that person's view, whatever the records name", async () => {
  const found = { items: [mac("jamf")], errors: [] };
  const devices = await engine().viewOfFound({ by: "email", value: "Alice@example.com" }, found);
  assert.deepEqual(shown(devices), [["jamf", null, "warn", "exempt"]]);
});
