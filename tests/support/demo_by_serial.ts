/**
 * A device source answering the demo people's records by serial and by MAC, each naming its owner
 * (`email`) — as Jamf's `/JSSResource/computers/serialnumber/…` and `…/macaddress/…` answer
 * (`location.email_address` → `email`, `plugins/sources/jamf_parse.ts`) and LANDESK's by-serial
 * and by-MAC queries (`EMAILADDR`, `plugins/sources/landesk_owner.ts`). It answers nothing by
 * email, so the people's pages come from the `demo` plugin alone; the debug routes
 * `/api/v1/devices/serial/:serial` and `/macaddr/:mac` reach the same records through it.
 *
 * @module
 */
import { z } from "zod";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { canonicalMac } from "../../engine/identity/identifiers.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import type { RegistryEntry } from "../../plugins/registry.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";

/** Every demo person's records at `now` that `matches`, each with its owner's email. */
function demoRecords(now: Date, matches: (r: DeviceRecord) => boolean): DeviceRecord[] {
  return DEMO_PEOPLE.flatMap((p) =>
    p.devices(now).filter(matches).map((r) => ({ ...r, email: p.email }))
  );
}

const plugin = definePlugin(z.object({}).strict(), (_, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  devicesBySerial: (serial: string) =>
    Promise.resolve(demoRecords(ctx.now(), (r) => r.identifiers?.serial === serial)),
  devicesByMac: (mac: string) =>
    Promise.resolve(
      demoRecords(
        ctx.now(),
        (r) => (r.identifiers?.mac_addresses ?? []).some((m) => canonicalMac(m) === mac),
      ),
    ),
}), { kinds: ["devices"], summary: "the demo people's records by serial and MAC (tests)" });

/** The registry entry of that source (configure it as `PLUGINS: { by_serial: {} }`). */
export const demoBySerial: RegistryEntry = {
  load: () => Promise.resolve({ default: plugin }),
};
