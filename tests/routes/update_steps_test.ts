/**
 * The update steps are true for the device they are shown on: a Windows 10 PC past its end of
 * servicing, or a Mac two major versions behind, cannot be fixed by "install what is offered"
 * alone, so the steps say what to do when nothing newer is offered (demo person Fry).
 */
import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

/** The open failing item whose summary contains `title`, on the card named `device`. */
function item(html: string, device: string, title: string): string {
  const card = html.slice(html.indexOf(`>${device}</h2>`));
  const from = card.indexOf(title);
  assert.ok(from >= 0, `${device}: no "${title}"`);
  return card.slice(from, card.indexOf("</details>", from));
}

Deno.test("update steps say what to do when updates alone cannot fix the device", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const html = await (await app.request("/devices", { cookie })).text();
    const windows = item(
      html,
      "ThinkPad X1 Carbon Gen 12",
      "Install Windows 11 24H2",
    );
    assert.match(windows, /How to fix it on Windows 10/);
    assert.match(
      windows,
      /<li>If this PC runs Windows 10, updates alone will not fix it: Windows 10 no longer gets security fixes, so ask the IT team about moving to Windows 11\.<\/li>/,
    );
    const mac = item(html, "MacBook Pro (16-inch, 2023)", "Install macOS 15.7.7");
    assert.match(
      mac,
      /<li>Install every update offered, including a newer macOS under Upgrade Now, and restart when asked\.<\/li>\s*<li>If no newer macOS is offered, this Mac may be too old for it: ask the IT team about a replacement\.<\/li>/,
    );
  } finally {
    await app.close();
  }
});
