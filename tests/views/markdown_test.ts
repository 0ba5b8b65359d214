/**
 * Practice directions' Markdown (views/markdown.ts): the exact HTML of the subset, the same from
 * the kept rendering as from the first, and at most MAX_RENDERED distinct texts kept.
 *
 * @module
 */
import assert from "node:assert/strict";
import { markdown, MAX_RENDERED, renderedTexts } from "../../views/markdown.ts";

Deno.test("directions render as escaped HTML, the same the second time", () => {
  const text = "Open **Settings**.\n\n- Turn on [FileVault](https://support.apple.com/x)\n" +
    "- Not [this](javascript:void) <b>\n\n1. Restart";
  const want = "<p>Open <strong>Settings</strong>.</p><ul><li>Turn on " +
    '<a href="https://support.apple.com/x" rel="noopener noreferrer" target="_blank">FileVault</a>' +
    "</li><li>Not this &lt;b&gt;</li></ul><ol><li>Restart</li></ol>";
  assert.equal(markdown(text), want);
  assert.equal(markdown(text), want, "from the kept rendering");
});

Deno.test("at most MAX_RENDERED distinct texts are kept; an evicted one renders again", () => {
  for (let i = 0; i <= MAX_RENDERED; i++) markdown(`Step **${i}**`);
  assert.equal(renderedTexts(), MAX_RENDERED);
  assert.equal(markdown("Step **0**"), "<p>Step <strong>0</strong></p>");
  assert.equal(renderedTexts(), MAX_RENDERED);
});
