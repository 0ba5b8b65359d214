/**
 * The debug look-ups by serial and by MAC (`/api/v1/devices/serial/:serial`, `/macaddr/:mac`,
 * issue 23) view the records found as their owner's: an exemption granted on one of Hermes's
 * devices (issue 26) is exempt there as on `/api/v1/devices/merged/:email`, with the same "since"
 * and, under `GRACE_DAYS`, the same deadline. Before, the serial was taken for the person's
 * email, so no exemption applied and the device showed failing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_PRACTICES } from "../../engine/practices/default_practices.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";
import { demoBySerial } from "../support/demo_by_serial.ts";
import { registryWith } from "../support/sources.ts";

const OPS = "admin@example.com";
const HERMES = "one-red@example.com";
/** Hermes's ThinkPad (`plugins/sources/demo_people.ts`): BitLocker off, so encryption `warn`. */
const SERIAL = "PF1RED0042";
const MAC = "8C:16:45:AA:BB:CC";
const NOW = new Date("2026-12-01T09:00:00Z");

type Json = Record<string, unknown>;

async function rig(grace: boolean, aliases: string[][] = []) {
  const practices = grace
    ? {
      PRACTICES: {
        ...DEFAULT_PRACTICES,
        encryption: { ...DEFAULT_PRACTICES.encryption!, GRACE_DAYS: 14 },
      },
    }
    : {};
  const app = await startApp({
    now: NOW,
    registry: registryWith({ by_serial: demoBySerial }),
    config: demoWith({
      ENABLE_DEBUG_ENDPOINTS: true,
      PRIVILEGED_USERS: [OPS],
      PLUGINS: { demo: {}, by_serial: {} },
      ...(aliases.length > 0 ? { EMAIL_DOMAIN_ALIASES: aliases } : {}),
      ...practices,
    }),
  });
  await app.services.store.exemptions.grantExemption({
    id: "ex-thinkpad",
    email: HERMES,
    device: `serial:${SERIAL}`,
    practice: "encryption",
    reason: "Recovery key escrow is being moved",
    grantedBy: OPS,
    grantedAt: NOW,
    expiresAt: new Date("2027-01-01T00:00:00Z"),
  });
  const token = await mintToken(app.config, { email: OPS, now: app.clock.now });
  return { app, token };
}

async function devices(app: TestApp, path: string, token: string): Promise<Json[]> {
  const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return await res.json();
}

// With domain aliases whose first domain is not the one Hermes's records name, the ownership
// guard's owner is hermes@corp.example, but the exemption (and the merged route) are kept under
// the address the records name: the look-ups must view them as that address (a review found the
// exemption missing there: status "warn" where the merged route said exempt).
const ALIASES = [["corp.example", "example.com"]];
for (
  const [grace, aliases] of [[false, []], [true, []], [false, ALIASES], [true, ALIASES]] as const
) {
  const named = `${grace ? " (GRACE_DAYS)" : ""}${aliases.length > 0 ? " (domain aliases)" : ""}`;
  Deno.test(`the serial and MAC look-ups show an exempt practice as the merged route does${named}`, async () => {
    const { app, token } = await rig(grace, aliases.map((a) => [...a]));
    try {
      const merged = (await devices(app, `/api/v1/devices/merged/${HERMES}`, token))
        .find((d) => (d.identifiers as Json).serial === SERIAL)!;
      const practices = merged.practices as Record<string, Json>;
      assert.deepEqual(practices.encryption, {
        ...practices.encryption,
        status: grace ? "nudge" : "warn",
        since: NOW.toISOString(),
        ...(grace ? { deadline: "2026-12-15T09:00:00.000Z" } : {}),
        exempt: {
          id: "ex-thinkpad",
          until: "2027-01-01T00:00:00.000Z",
          lastDay: "2026-12-31",
          reason: "Recovery key escrow is being moved",
          scope: "device",
        },
      });
      for (const path of [`/api/v1/devices/serial/${SERIAL}`, `/api/v1/devices/macaddr/${MAC}`]) {
        const found = await devices(app, path, token);
        assert.equal(found.length, 1, path);
        const { email, ...device } = found[0]!;
        assert.equal(email, HERMES, `${path}: the record names its owner`);
        assert.deepEqual(device, merged, path);
      }
    } finally {
      await app.close();
    }
  });
}
