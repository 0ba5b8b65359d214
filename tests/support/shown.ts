/**
 * Page text as a browser shows it, for tests that look for a dash, an arrow or a tick: the pages
 * write characters above U+00FF as numeric character references (`views/html.ts` `narrow()`,
 * issue 24), which this decodes; everything else (tags, `&amp;`, `&#39;`) is left as written.
 *
 * @module
 */

/** `html` with each `&#N;` reference to a character above U+00FF written as that character. */
export function shown(html: string): string {
  return html.replace(/&#(\d+);/g, (ref, n: string) => {
    const code = Number(n);
    return code > 0xff && code <= 0x10ffff ? String.fromCodePoint(code) : ref;
  });
}
