/**
 * `TRUSTED_PROXIES`: which `X-Forwarded-For` hops to believe when finding the client address for
 * rate limits. Loaded only when the setting is present, so a deployment without proxies never
 * loads ipaddr.js at start-up.
 *
 * @module
 */
import ipaddr from "ipaddr.js";

/** A network: address and prefix length. */
export type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `TRUSTED_PROXIES` entries (IPs or CIDRs). @throws {TypeError} naming a bad entry */
export function parseProxies(entries: readonly string[]): Range[] {
  return entries.map((entry) => {
    try {
      if (entry.includes("/")) return ipaddr.parseCIDR(entry);
      const addr = ipaddr.parse(entry);
      return [addr, addr.kind() === "ipv4" ? 32 : 128] as Range;
    } catch {
      throw new TypeError(`"${entry}" is not an IP address or CIDR range`);
    }
  });
}

function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const a = ipaddr.parse(address.trim().replace(/^\[|\]$/g, ""));
    return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()
      ? (a as ipaddr.IPv6).toIPv4Address()
      : a;
  } catch {
    return null;
  }
}

function trustedProxy(address: string, proxies: readonly Range[]): boolean {
  const a = normalise(address);
  return a !== null && proxies.some(([net, bits]) => a.kind() === net.kind() && a.match(net, bits));
}

/**
 * The client address: the peer, or — when the peer is a trusted proxy — the right-most
 * `X-Forwarded-For` entry that is not itself a trusted proxy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const proxies = parseProxies(["10.0.0.0/8"]);
 * assert.equal(clientAddress("10.0.0.2", "203.0.113.9, 10.0.0.3", proxies), "203.0.113.9");
 * // a peer that is not a proxy: its X-Forwarded-For is not believed
 * assert.equal(clientAddress("198.51.100.7", "203.0.113.9", proxies), "198.51.100.7");
 * ```
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  proxies: readonly Range[],
): string {
  if (peer === undefined) return "unknown";
  if (proxies.length === 0 || !forwardedFor || !trustedProxy(peer, proxies)) return peer;
  const hops = forwardedFor.split(",").map((h) => h.trim()).filter((h) => h !== "");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!trustedProxy(hop, proxies)) return normalise(hop)?.toString() ?? peer;
  }
  return peer;
}
