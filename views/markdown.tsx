/**
 * A deliberately small Markdown subset for practice directions: paragraphs, `-`/`1.` lists,
 * `**bold**` and `[links](https://…)`. Everything is rendered as escaped JSX text; no raw HTML
 * ever reaches the page, and only http(s) and mailto links become links (`config/links.ts`, which
 * also refuses any other link in the configuration at start).
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { LRUCache } from "lru-cache";
import type { HtmlEscapedString } from "hono/utils/html";
import { linkAllowed, MARKDOWN_LINK_SOURCE } from "../config/links.ts";

const INLINE_RE = new RegExp(String.raw`\*\*([^*]+)\*\*|` + MARKDOWN_LINK_SOURCE, "g");

/** Renders inline bold and links of one line. */
function inline(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE_RE)) {
    out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<strong>{m[1]}</strong>);
    else if (linkAllowed(m[3]!, "web or mail")) {
      out.push(<a href={m[3]} rel="noopener noreferrer" target="_blank">{m[2]}</a>);
    } else out.push(m[2]);
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** Distinct texts kept rendered: practice directions come from the configuration, a few hundred. */
export const MAX_RENDERED = 512;
const rendered = new LRUCache<string, HtmlEscapedString>({ max: MAX_RENDERED });

/**
 * Renders a Markdown subset, each distinct text once (issue 24): the HTML of a text is kept,
 * at most {@link MAX_RENDERED} texts (the least recently used goes first), since every Devices
 * view shows the same configured directions on every device card.
 */
export function Markdown(props: { text: string }): Child {
  let html = rendered.get(props.text);
  if (html === undefined) {
    const text = render(props.text).toString();
    if (typeof text !== "string") throw new TypeError("Markdown renders synchronously");
    html = raw(text);
    rendered.set(props.text, html);
  }
  return html;
}

/** How many rendered texts are kept now (at most {@link MAX_RENDERED}). */
export function renderedTexts(): number {
  return rendered.size;
}

/** The Markdown subset as JSX (escaped text, allowed links only). */
function render(source: string) {
  const blocks = source.trim().split(/\n\s*\n/);
  return (
    <>
      {blocks.map((block) => {
        const lines = block.split("\n").map((l) => l.trim()).filter((l) => l !== "");
        if (lines.length > 0 && lines.every((l) => /^[-*] /.test(l))) {
          return <ul>{lines.map((l) => <li>{inline(l.slice(2))}</li>)}</ul>;
        }
        if (lines.length > 0 && lines.every((l) => /^\d+\. /.test(l))) {
          return <ol>{lines.map((l) => <li>{inline(l.replace(/^\d+\. /, ""))}</li>)}</ol>;
        }
        return <p>{inline(lines.join(" "))}</p>;
      })}
    </>
  );
}
