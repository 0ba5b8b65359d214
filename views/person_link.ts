/**
 * Links that stay in a person's context (issue 26): in look-up mode a privileged person sees
 * another person's pages, and every link between those pages keeps `?email=` so that no click
 * lands on the privileged person's own data.
 *
 * @module
 */

/**
 * `href` with `email=` added to its query (before any `#fragment`), or `href` unchanged when
 * `email` is `undefined` (the person's own pages).
 *
 * @param href a same-site path such as `/devices#dev-C02X`
 * @param email the looked-up person, or `undefined` on one's own pages
 * @returns the path in that person's context
 *
 * @example Fry's Devices page, at one device
 * ```ts
 * import assert from "node:assert/strict";
 * import { personHref } from "./person_link.ts";
 * assert.equal(
 *   personHref("/devices#dev-C02X", "fry@example.com"),
 *   "/devices?email=fry%40example.com#dev-C02X",
 * );
 * assert.equal(personHref("/devices#dev-C02X", undefined), "/devices#dev-C02X");
 * ```
 */
export function personHref(href: string, email: string | undefined): string {
  if (email === undefined) return href;
  const cut = href.indexOf("#");
  const [path, hash] = cut < 0 ? [href, ""] : [href.slice(0, cut), href.slice(cut)];
  const joiner = path.includes("?") ? "&" : "?";
  return `${path}${joiner}email=${encodeURIComponent(email)}${hash}`;
}
