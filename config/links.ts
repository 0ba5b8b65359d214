/**
 * Links an operator configures — `UI.faq.url`, `UI.slackLink`, a practice's `LINK` and the links
 * inside its `DIRECTIONS` Markdown — must be web links (`https:`, `http:`), or `mailto:` with a
 * mail address inside directions. Anything else (`javascript:`, `data:`, `file:`, a relative
 * path) is refused at start with the key's path, so no page ever carries a link that runs code or
 * leaves the web. The Markdown link grammar is defined here and used by `views/markdown.ts`.
 *
 * @module
 */

/** A Markdown link `[text](target)` as the directions renderer reads it (groups: text, target). */
export const MARKDOWN_LINK_SOURCE = String.raw`\[([^\]]+)\]\(([^)\s]+)\)`;

/** Where a link may point. */
export type LinkKind = "web" | "web or mail";

const MAIL_ADDRESS_RE = /^[^\s@:/?#]+@[^\s@:/?#]+\.[^\s@:/?#]+$/;

/**
 * Whether a link may be shown: an absolute `https:` or `http:` URL with a host, or for
 * `"web or mail"` also `mailto:` followed by one mail address.
 *
 * @param href the link as configured
 * @param kind what the link may be
 * @returns `true` when allowed
 */
export function linkAllowed(href: string, kind: LinkKind): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (url.protocol === "https:" || url.protocol === "http:") return url.hostname !== "";
  if (url.protocol === "mailto:" && kind === "web or mail") {
    return MAIL_ADDRESS_RE.test(decodeURIComponent(url.pathname));
  }
  return false;
}

/** The original's "no link": every practice of its shipped configuration says `"LINK": "#"`. */
export const NO_LINK = "#";

/**
 * Whether `href` is a path on this site (`/help/vpn`), never a protocol-relative `//host`, a
 * backslash form browsers read as one (`/\\host`), or anything with a scheme.
 *
 * @param href a link from the configuration
 * @returns `true` for `/`, `/help/vpn?x=1#a`; `false` for `//evil.example`, `/\\evil`, `help`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isSameSitePath("/help/firewall"), true);
 * assert.equal(isSameSitePath("//evil.example/x"), false);
 * ```
 */
export function isSameSitePath(href: string): boolean {
  return /^\/(?![/\\])[^\s\\]*$/.test(href);
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function check(path: string, href: string, kind: LinkKind): string | undefined {
  if (linkAllowed(href, kind)) return undefined;
  if (kind === "web or mail") {
    return `${path}: expected an https:, http: or mailto: link, got ${quoted(href)}`;
  }
  // A link setting (not a link inside directions) may also be a path on this site, or the
  // original's "#" for none.
  if (href === NO_LINK || isSameSitePath(href)) return undefined;
  return `${path}: expected an https: or http: link, a path on this site, or "#" for none; got ${
    quoted(href)
  }`;
}

/**
 * Whether a link setting may hold `href`: an https: or http: link, a path on this site, or the
 * original's `"#"` for none (never `javascript:`, `data:`, `file:` or a protocol-relative host).
 *
 * @param href the setting's value
 * @returns `undefined` when allowed, else the words of the problem (`expected …; got "…"`)
 */
export function linkSettingProblem(href: string): string | undefined {
  const problem = check("", href, "web");
  return problem?.slice(2);
}

/**
 * The parts of the configuration whose links are checked here: practices (`LINK`, and the links
 * inside `DIRECTIONS`), which the engine's practice schema reads. The `UI` links are typed
 * `linkSetting` in the configuration schema.
 */
export interface LinkSettings {
  PRACTICES?:
    | Readonly<Record<string, { LINK?: string | undefined; DIRECTIONS?: unknown }>>
    | undefined;
}

/**
 * Every configured link that is not allowed, one line each with its key path.
 *
 * @param config the parsed configuration
 * @returns lines such as `UI.slackLink: expected an https: or http: link, got "javascript:x"`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linkProblems } from "./links.ts";
 * assert.deepEqual(
 *   linkProblems({ PRACTICES: { firewall: { DIRECTIONS: "[help](file:///etc/passwd)" } } }),
 *   [
 *     "PRACTICES.firewall.DIRECTIONS: expected an https:, http: or mailto: link, " +
 *     'got "file:///etc/passwd"',
 *   ],
 * );
 * ```
 */
export function linkProblems(config: LinkSettings): string[] {
  const problems: (string | undefined)[] = [];
  for (const [name, practice] of Object.entries(config.PRACTICES ?? {})) {
    if (practice.LINK !== undefined) {
      problems.push(check(`PRACTICES.${name}.LINK`, practice.LINK, "web"));
    }
    const directions = practice.DIRECTIONS;
    const texts: [string, unknown][] = typeof directions === "string"
      ? [[`PRACTICES.${name}.DIRECTIONS`, directions]]
      : Object.entries(directions ?? {}).map((
        [os, t],
      ) => [`PRACTICES.${name}.DIRECTIONS.${os}`, t]);
    for (const [path, text] of texts) {
      if (typeof text !== "string") continue;
      for (const m of text.matchAll(new RegExp(MARKDOWN_LINK_SOURCE, "g"))) {
        problems.push(check(path, m[2]!, "web or mail"));
      }
    }
  }
  return problems.filter((p): p is string => p !== undefined);
}
