/**
 * `vpn_labeler` (spec §9.4): marks sign-ins that came through the company VPN. `VPN_CIDRS` lists
 * networks (`10.8.0.0/16`), single addresses (`192.0.2.7`) or ranges (`192.0.2.10-192.0.2.20`),
 * IPv4 or IPv6; each event gets `vpn` (true/false) and, when on the VPN, `location` = `LABEL`
 * (default `VPN`). An event whose address cannot be read is left unlabelled rather than failing
 * the list (the original raised).
 *
 * @module
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { plainAddress } from "../../engine/identity/addresses.ts";
import type { AccessEvent } from "../../engine/core/types.ts";
import { definePlugin } from "../plugin.ts";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One entry of `VPN_CIDRS`, parsed. */
export type VpnRange =
  | { kind: "cidr"; net: [Address, number] }
  | { kind: "range"; from: bigint; to: bigint; v6: boolean };

/**
 * An address, strictly: four-part dotted IPv4 or IPv6; IPv4-mapped IPv6 becomes IPv4. A port
 * (`10.8.1.5:1234`, `[2001:db8::1]:443`) is ignored: it is the same address (`plainAddress`).
 */
export function parseAddress(text: string): Address | null {
  const t = plainAddress(text);
  if (ipaddr.IPv4.isValidFourPartDecimal(t) || ipaddr.IPv6.isValid(t)) return ipaddr.process(t);
  return null;
}

function toBig(a: Address): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/**
 * Parses one `VPN_CIDRS` entry.
 *
 * @throws {RangeError} naming the entry when it is neither a network, an address nor a range
 */
export function parseRange(entry: string): VpnRange {
  const t = entry.trim();
  const dash = t.indexOf("-");
  if (dash > 0) {
    const from = parseAddress(t.slice(0, dash));
    const to = parseAddress(t.slice(dash + 1));
    if (from && to && from.kind() === to.kind() && toBig(from) <= toBig(to)) {
      return { kind: "range", from: toBig(from), to: toBig(to), v6: from.kind() === "ipv6" };
    }
  } else if (t.includes("/")) {
    if (ipaddr.isValidCIDR(t)) {
      const [addr, bits] = ipaddr.parseCIDR(t);
      const net = addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
        ? [(addr as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] as [Address, number]
        : [addr, bits] as [Address, number];
      return { kind: "cidr", net };
    }
  } else {
    const a = parseAddress(t);
    if (a) return { kind: "cidr", net: [a, a.kind() === "ipv4" ? 32 : 128] };
  }
  throw new RangeError(
    `invalid VPN network "${entry}": expected a CIDR such as 10.8.0.0/16, an address, or a range a-b`,
  );
}

/** Whether an address is inside any range. */
export function inRanges(address: Address, ranges: readonly VpnRange[]): boolean {
  const v6 = address.kind() === "ipv6";
  let big: bigint | undefined;
  for (const r of ranges) {
    if (r.kind === "cidr") {
      if (r.net[0].kind() === address.kind() && address.match(r.net as never)) return true;
    } else if (r.v6 === v6) {
      big ??= toBig(address);
      if (big >= r.from && big <= r.to) return true;
    }
  }
  return false;
}

const rangeSchema = z.string().min(1).transform((entry, ctx) => {
  try {
    return parseRange(entry);
  } catch (error: unknown) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** `PLUGINS.vpn_labeler`. */
export const schema = z.object({
  VPN_CIDRS: z.array(rangeSchema).min(1, "expected at least one network"),
  /** The `location` given to VPN sign-ins (default `VPN`). */
  LABEL: z.string().min(1).default("VPN"),
}).strict();

/**
 * Labels events: `vpn` true/false, and `location` = `label` for VPN sign-ins. Events whose
 * address cannot be read come back unchanged.
 */
export function labelEvents(
  events: readonly AccessEvent[],
  ranges: readonly VpnRange[],
  label: string,
): AccessEvent[] {
  return events.map((e) => {
    const address = typeof e.ip_address === "string" ? parseAddress(e.ip_address) : null;
    if (address === null) return e;
    return inRanges(address, ranges) ? { ...e, vpn: true, location: label } : { ...e, vpn: false };
  });
}

/** The event transform labelling sign-ins from VPN ranges; see the module doc for its config. */
export default definePlugin(schema, (config, ctx) => ({
  name: ctx.name,
  timeoutMs: ctx.timeoutMs,
  transformEvents: (events: AccessEvent[]) => labelEvents(events, config.VPN_CIDRS, config.LABEL),
}), { kinds: ["event_transform"], summary: "labels sign-ins from VPN_CIDRS as VPN" });
