/**
 * Host names and the trusted-host rule (`TRUSTED_HOSTS`): what a `Host`-style value names and
 * whether a list of entries admits it. Changes only if that rule changes.
 *
 * @module
 */

const PORT_RE = /:\d*$/;

/**
 * The bare host name of a `Host`-style value: trimmed, port and a trailing dot removed, lower
 * case, IPv6 brackets kept.
 *
 * @param value a `Host` header, URL host or configured entry
 * @returns the host name
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostName } from "./trusted_host.ts";
 * assert.equal(hostName("Steth.Example.com:8443"), "steth.example.com");
 * assert.equal(hostName("[::1]:8000"), "[::1]");
 * ```
 */
export function hostName(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    return end === -1 ? v : v.slice(0, end + 1);
  }
  return v.replace(PORT_RE, "").replace(/\.$/, "");
}

/**
 * Configured trusted-host entries in the form {@linkcode isTrustedHost} compares: trimmed, lower
 * case, without a trailing dot (a leading `.` is kept: it means "and every subdomain").
 *
 * @param entries the `TRUSTED_HOSTS` list as configured
 * @returns the entries to compare against
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trustedHostEntries } from "./trusted_host.ts";
 * assert.deepEqual(trustedHostEntries([" Steth.Example.com. ", ".Example.org"]), [
 *   "steth.example.com",
 *   ".example.org",
 * ]);
 * ```
 */
export function trustedHostEntries(entries: readonly string[]): string[] {
  return entries.map((e) => e.trim().toLowerCase().replace(/\.$/, ""));
}

/**
 * Whether `host` (a bare host name, see {@linkcode hostName}) matches one of the trusted entries
 * (see {@linkcode trustedHostEntries}): exactly, or for an entry starting with `.`, as that domain
 * or any of its subdomains.
 *
 * @param host the bare host name asked for
 * @param trusted the normalised entries
 * @returns true when trusted
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTrustedHost } from "./trusted_host.ts";
 * assert.equal(isTrustedHost("a.example.com", [".example.com"]), true);
 * assert.equal(isTrustedHost("example.com.evil", [".example.com"]), false);
 * ```
 */
export function isTrustedHost(host: string, trusted: readonly string[]): boolean {
  return trusted.some((entry) =>
    entry.startsWith(".") ? host === entry.slice(1) || host.endsWith(entry) : host === entry
  );
}
