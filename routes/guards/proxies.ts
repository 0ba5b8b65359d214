/**
 * Client addresses for the rate limits, with ipaddr.js: `TRUSTED_PROXIES` (which
 * `X-Forwarded-For` hops to believe when finding the client address) and the bucket key of an
 * IPv6 address (its /64). Loaded only when needed (the setting is present, or an IPv6 client
 * reaches a limited route), so a deployment without either never loads ipaddr.js.
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

/**
 * The rate-limit bucket of a client address (issue 24): an IPv6 address counts by its /64
 * prefix, since a subnet is a /64 (RFC 4291's 64-bit interface identifiers) and a host is given
 * one at least (RFC 6177), so one host cannot get a fresh bucket per address; an IPv4-mapped
 * IPv6 address counts as its IPv4 address; anything else (an IPv4 address, `unknown`, text that
 * is no address) is its own key.
 *
 * @param address the client address (`clientAddress()` or the peer)
 * @returns the bucket key: `2001:db8:0:1::/64`, `203.0.113.9`, or `address` unchanged
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(bucketKey("2001:db8:0:1:aaaa::1"), "2001:db8:0:1::/64");
 * assert.equal(bucketKey("2001:db8:0:1:bbbb::2"), "2001:db8:0:1::/64");
 * assert.equal(bucketKey("::ffff:203.0.113.9"), "203.0.113.9");
 * assert.equal(bucketKey("203.0.113.9"), "203.0.113.9");
 * ```
 */
export function bucketKey(address: string): string {
  const a = normalise(address);
  if (a === null || a.kind() === "ipv4") return a?.toString() ?? address;
  const { parts } = a as ipaddr.IPv6;
  return `${new ipaddr.IPv6([...parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
