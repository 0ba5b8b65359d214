/**
 * Network addresses as sources report them. Some sign-in logs write the client's port after its
 * address: Duo's Admin API has returned `access_device.ip` as `10.8.1.5:1234`, and proxies and
 * load balancers log IPv6 clients as `[2001:db8::1]:443` (RFC 3986 §3.2.2 host syntax). An
 * address with a port is the same address: the engine strips the port where events enter it, so
 * the VPN label, the Activity page and every match see the plain address.
 *
 * An address also has one way to be written. Front ends listening on dual-stack sockets log an
 * IPv4 client as an IPv4-mapped IPv6 address, `::ffff:10.8.1.5` (RFC 4291 §2.5.5.2; stored and shown
 * as such until fixed in firezone/firezone PR #15013 and nsupdate-info/nsupdate.info PR #171), and
 * IPv6 text comes uncompressed or in upper case. The engine writes an IPv4-mapped address as its
 * IPv4 address and IPv6 in RFC 5952's form (lower case, longest zero run as `::`), so one address
 * is shown once whichever source saw it.
 *
 * @module
 */
import ipaddr from "ipaddr.js";
import type { AccessEvent } from "../core/types.ts";

// "a.b.c.d:port" — exactly one colon, so never an IPv6 address.
const IPV4_PORT_RE = /^(?<ip>\d{1,3}(?:\.\d{1,3}){3}):(?<port>\d{1,5})$/;
// "[v6]" or "[v6]:port", optionally with a zone ("%eth0").
const BRACKETED_RE = /^\[(?<ip>[0-9a-f:.]+(?:%[\w.-]+)?)\](?::(?<port>\d{1,5}))?$/i;
const MAX_PORT = 65535;

/**
 * The address without a port or brackets, in one form: an IPv4-mapped IPv6 address as its IPv4
 * address, other IPv6 addresses as RFC 5952 writes them (a zone id is kept as written). Anything
 * that is not an address (a host name, a "port" above 65535, `010.8.1.5`) is returned trimmed and
 * otherwise unchanged (never throws), so an unusual value is still shown.
 *
 * @param text the address as a source reported it
 * @returns the plain address
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(plainAddress("10.8.1.5:1234"), "10.8.1.5");
 * assert.equal(plainAddress("[2001:db8::1]:443"), "2001:db8::1");
 * assert.equal(plainAddress("2001:db8::1"), "2001:db8::1"); // unbracketed IPv6 has no port
 * assert.equal(plainAddress("::ffff:10.8.1.5"), "10.8.1.5");
 * assert.equal(plainAddress("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
 * ```
 */
export function plainAddress(text: string): string {
  const t = text.trim();
  const groups = (IPV4_PORT_RE.exec(t) ?? BRACKETED_RE.exec(t))?.groups;
  if (groups?.port !== undefined && Number(groups.port) > MAX_PORT) return t;
  const ip = groups?.ip ?? t;
  if (!ipaddr.IPv6.isValid(ip)) return ip;
  const v6 = ipaddr.IPv6.parse(ip);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toString();
}

/**
 * The event with its `ip_address` made plain (see `plainAddress`); the same object when it
 * already was, a copy otherwise.
 *
 * @param event a sign-in as a source answered it
 * @returns the event the engine works with
 */
export function withPlainAddress(event: AccessEvent): AccessEvent {
  if (typeof event.ip_address !== "string") return event;
  const ip = plainAddress(event.ip_address);
  return ip === event.ip_address ? event : { ...event, ip_address: ip };
}
