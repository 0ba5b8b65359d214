/**
 * HTML as text, for the parts of a page rendered on every view (device cards, the layout): a
 * component returns an {@link Html} string instead of a JSX node, so a first view by a different
 * person costs string concatenation rather than a tree of nodes escaped and resolved afterwards
 * (issue 24). `Html` is a branded string: the {@link markup} tag only takes `Html` values (or
 * numbers), so a plain string — a device name, an address, anything read from an inventory — can
 * only reach the page through {@link esc}, which the type checker enforces. Escaping is the same as
 * hono/jsx's (`& < > " '`), so a part moved from JSX to text renders the same bytes.
 * A JSX page embeds a text part with {@link asChild}.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";

declare const SAFE: unique symbol;

/** Text that is HTML already: escaped, or built only from escaped parts and literal markup. */
export type Html = string & { readonly [SAFE]: true };

/** What the {@link markup} tag interpolates: nothing is written for `null`, `undefined` or `false`. */
export type HtmlValue = Html | number | null | undefined | false | readonly Html[];

const ESCAPE_RE = /[&<>"']/;

/**
 * Escapes text for an HTML text node or a double-quoted attribute value: `&` `<` `>` `"` `'`
 * become `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` (hono/jsx's spellings, `hono/utils/html`).
 *
 * @param text any text (a number is written as `String(n)`)
 * @returns the escaped text
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(esc(`Fry's "Mac" <b>&`), "Fry&#39;s &quot;Mac&quot; &lt;b&gt;&amp;");
 * assert.equal(esc(3), "3");
 * ```
 */
export function esc(text: string | number): Html {
  const s = typeof text === "string" ? text : String(text);
  // most text has nothing to escape: one `test` (27.7 ns a call for a page's strings, `search`'s
  // offset 33.3 ns, a loop of charCodeAt 59 ns; issue 24, a Devices page escapes ~200 strings)
  if (!ESCAPE_RE.test(s)) return s as Html;
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let entity: string;
    switch (s.charCodeAt(i)) {
      case 34:
        entity = "&quot;";
        break;
      case 38:
        entity = "&amp;";
        break;
      case 39:
        entity = "&#39;";
        break;
      case 60:
        entity = "&lt;";
        break;
      case 62:
        entity = "&gt;";
        break;
      default:
        continue;
    }
    out += s.slice(last, i) + entity;
    last = i + 1;
  }
  return (out + s.slice(last)) as Html;
}

/**
 * The template tag of text parts: literal markup with `Html` values (and numbers) in between;
 * `null`, `undefined` and `false` write nothing, an array of `Html` is written joined. Parts are
 * appended one by one (no `Array.join`, which copies its parts into one flat string: a device list
 * nests arrays three deep, and the page is flattened once anyway when it is encoded).
 *
 * @returns the markup
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const name = esc("<Pixel>");
 * const items = ["a", "b"].map((x) => markup`<li>${esc(x)}</li>`);
 * assert.equal(markup`<h2>${name}</h2><ul>${items}</ul>${false}`, "<h2>&lt;Pixel&gt;</h2><ul><li>a</li><li>b</li></ul>");
 * ```
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string") out += v;
    else if (typeof v === "number") out += v;
    else if (typeof v === "object" && v !== null) {
      for (let j = 0; j < v.length; j++) out += v[j];
    }
    out += strings[i + 1]!;
  }
  return out as Html;
}

/**
 * An attribute written only when it has a value: ` name="value"` (escaped), else nothing — as
 * hono/jsx writes `name={value}` (`undefined`, `null` and `false` leave it out, `true` writes
 * `name=""`).
 *
 * @param name the attribute's name (literal, not escaped)
 * @param value its value
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(attr("open", true), ' open=""');
 * assert.equal(attr("hx-get", undefined), "");
 * assert.equal(attr("title", 'a "b"'), ' title="a &quot;b&quot;"');
 * ```
 */
export function attr(name: string, value: string | number | boolean | null | undefined): Html {
  if (value === undefined || value === null || value === false) return "" as Html;
  return ` ${name}="${value === true ? "" : esc(value)}"` as Html;
}

/**
 * A text part where a JSX page takes a child (hono's `raw`: written as it is, not escaped again).
 *
 * @param part the markup
 * @returns a child for a JSX node
 */
export function asChild(part: Html): Child {
  return raw(part);
}
