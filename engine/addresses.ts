/**
 * Network addresses as sources report them. Some sign-in logs write the client's port after its
 * address: Duo's Admin API has returned `access_device.ip` as `10.8.1.5:1234`, and proxies and
 * load balancers log IPv6 clients as `[2001:db8::1]:443` (RFC 3986 §3.2.2 host syntax). An
 * address with a port is the same address: the engine strips the port where events enter it, so
 * the VPN label, the Activity page and every match see the plain address.
 *
 * @module
 */
import type { AccessEvent } from "./types.ts";

// "a.b.c.d:port" — exactly one colon, so never an IPv6 address.
const IPV4_PORT_RE = /^(?<ip>\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
// "[v6]" or "[v6]:port", optionally with a zone ("%eth0").
const BRACKETED_RE = /^\[(?<ip>[0-9a-f:.]+(?:%[\w.-]+)?)\](?::\d{1,5})?$/i;

/**
 * The address without a port or brackets. Anything that is not an address with a port is
 * returned trimmed and otherwise unchanged (never throws), so an unusual value is still shown.
 *
 * @param text the address as a source reported it
 * @returns the plain address
 * @example
 * ```ts
 * plainAddress("10.8.1.5:1234"); // "10.8.1.5"
 * plainAddress("[2001:db8::1]:443"); // "2001:db8::1"
 * plainAddress("2001:db8::1"); // "2001:db8::1" (unbracketed IPv6 has no port)
 * ```
 */
export function plainAddress(text: string): string {
  const t = text.trim();
  const m = IPV4_PORT_RE.exec(t) ?? BRACKETED_RE.exec(t);
  return m?.groups?.ip ?? t;
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
