/**
 * Practice directions' Markdown (views/markdown.tsx): the exact HTML of the subset, the same from
 * the kept rendering as from the first, and at most MAX_RENDERED distinct texts kept.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Markdown, MAX_RENDERED, renderedTexts } from "../../views/markdown.tsx";

const html = (text: string) => String(<div>{Markdown({ text })}</div>);

Deno.test("directions render as escaped HTML, the same the second time", () => {
  const text = "Open **Settings**.\n\n- Turn on [FileVault](https://support.apple.com/x)\n" +
    "- Not [this](javascript:void) <b>\n\n1. Restart";
  const want = "<div><p>Open <strong>Settings</strong>.</p><ul><li>Turn on " +
    '<a href="https://support.apple.com/x" rel="noopener noreferrer" target="_blank">FileVault</a>' +
    "</li><li>Not this &lt;b&gt;</li></ul><ol><li>Restart</li></ol></div>";
  assert.equal(html(text), want);
  assert.equal(html(text), want, "from the kept rendering");
});

Deno.test("at most MAX_RENDERED distinct texts are kept; an evicted one renders again", () => {
  for (let i = 0; i <= MAX_RENDERED; i++) html(`Step **${i}**`);
  assert.equal(renderedTexts(), MAX_RENDERED);
  assert.equal(html("Step **0**"), "<div><p>Step <strong>0</strong></p></div>");
  assert.equal(renderedTexts(), MAX_RENDERED);
});
