/**
 * A deliberately small Markdown subset for practice directions: paragraphs, `-`/`1.` lists,
 * `**bold**` and `[links](https://…)`. Everything is written as escaped text ({@link Html}); no
 * raw HTML ever reaches the page, and only http(s) and mailto links become links
 * (`config/links.ts`, which also refuses any other link in the configuration at start).
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import { linkAllowed, MARKDOWN_LINK_SOURCE } from "../config/links.ts";
import { esc, type Html, markup } from "./html.ts";

const INLINE_RE = new RegExp(String.raw`\*\*([^*]+)\*\*|` + MARKDOWN_LINK_SOURCE, "g");
const BULLET_RE = /^[-*] /;
const NUMBERED_RE = /^\d+\. /;

/** Renders inline bold and links of one line. */
function inline(text: string): Html {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(INLINE_RE)) {
    out += esc(text.slice(last, m.index));
    if (m[1] !== undefined) out += markup`<strong>${esc(m[1])}</strong>`;
    else if (linkAllowed(m[3]!, "web or mail")) {
      out += markup`<a href="${esc(m[3]!)}" rel="noopener noreferrer" target="_blank">${
        esc(m[2]!)
      }</a>`;
    } else out += esc(m[2]!);
    last = m.index + m[0].length;
  }
  return (out + esc(text.slice(last))) as Html;
}

/** Distinct texts kept rendered: practice directions come from the configuration, a few hundred. */
export const MAX_RENDERED = 512;
const rendered = new LRUCache<string, Html>({ max: MAX_RENDERED });

/**
 * Renders a Markdown subset as HTML text, each distinct text once (issue 24): the HTML of a text
 * is kept, at most {@link MAX_RENDERED} texts (the least recently used goes first), since every
 * Devices view shows the same configured directions on every device card. The key is the
 * configuration's text, the same for everybody, so it hits as well for 100,000 different people
 * as for one.
 *
 * @param text the directions as configured
 * @returns the escaped HTML (paragraphs and lists)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(markdown("Open **Settings** <now>"), "<p>Open <strong>Settings</strong> &lt;now&gt;</p>");
 * ```
 */
export function markdown(text: string): Html {
  let html = rendered.get(text);
  if (html === undefined) {
    html = render(text);
    rendered.set(text, html);
  }
  return html;
}

/** How many rendered texts are kept now (at most {@link MAX_RENDERED}). */
export function renderedTexts(): number {
  return rendered.size;
}

/** The Markdown subset as HTML (escaped text, allowed links only). */
function render(source: string): Html {
  const blocks = source.trim().split(/\n\s*\n/);
  return markup`${
    blocks.map((block) => {
      const lines = block.split("\n").map((l) => l.trim()).filter((l) => l !== "");
      if (lines.length > 0 && lines.every((l) => BULLET_RE.test(l))) {
        return markup`<ul>${lines.map((l) => markup`<li>${inline(l.slice(2))}</li>`)}</ul>`;
      }
      if (lines.length > 0 && lines.every((l) => NUMBERED_RE.test(l))) {
        return markup`<ol>${
          lines.map((l) => markup`<li>${inline(l.replace(NUMBERED_RE, ""))}</li>`)
        }</ol>`;
      }
      return markup`<p>${inline(lines.join(" "))}</p>`;
    })
  }`;
}
