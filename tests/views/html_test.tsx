import assert from "node:assert/strict";
import { asChild, attr, esc, markup } from "../../views/html.ts";

// Text parts must render the bytes hono/jsx would: a part moved from JSX to text changes nothing.
const SAMPLES = [
  "",
  "plain",
  `Fry's "MacBook" <Pro> & co`,
  "&amp; already",
  "<script>alert(1)</script>",
  "'\"&<>",
  "Zoë · 14\u00a0December — ✓",
];

Deno.test("esc writes what hono/jsx writes in a text node and in an attribute", () => {
  for (const s of SAMPLES) {
    assert.equal(markup`<p>${esc(s)}</p>`, String(<p>{s}</p>), s);
    assert.equal(markup`<p title="${esc(s)}"></p>`, String(<p title={s}></p>), s);
  }
});

Deno.test("attr writes a value escaped, true as an empty value and nothing for no value", () => {
  // hono/jsx writes the same, but for a left-out attribute keeps the space before it (`<div >`)
  const written = [undefined, null, false, true, "x", 0, 'a "b"'].map((v) =>
    markup`<div${attr("data-x", v)}></div>`
  );
  assert.deepEqual(written, [
    "<div></div>",
    "<div></div>",
    "<div></div>",
    '<div data-x=""></div>',
    '<div data-x="x"></div>',
    '<div data-x="0"></div>',
    '<div data-x="a &quot;b&quot;"></div>',
  ]);
});

Deno.test("markup writes arrays joined and skips null, undefined and false", () => {
  const items = ["a", "<b>"].map((x) => markup`<li>${esc(x)}</li>`);
  assert.equal(
    markup`<ul>${items}</ul>${null}${undefined}${false}${0}`,
    "<ul><li>a</li><li>&lt;b&gt;</li></ul>0",
  );
});

Deno.test("a text part inside a JSX page is written once, not escaped again", () => {
  const part = markup`<strong>${esc("R&D")}</strong>`;
  assert.equal(String(<div>{asChild(part)}</div>), "<div><strong>R&amp;D</strong></div>");
});
