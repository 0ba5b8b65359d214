import assert from "node:assert/strict";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { startApp } from "../support/app.ts";

// Issue 24: a page whose text has one character above U+00FF is a two-byte string in V8, whose
// UTF-8 encoding costs three times as much. The templates' own dashes, arrows and ticks, the
// configured texts and the engine's sentences are written as character references
// (views/html.ts narrow()), so every demo person's pages are Latin-1 only, and show the same text.
Deno.test("every demo person's person pages are written in Latin-1, wide characters as references", async () => {
  const app = await startApp();
  try {
    for (const person of DEMO_PEOPLE) {
      const cookie = await app.login(person.email);
      for (const path of ["/", "/devices", "/accounts", "/activity"]) {
        const html = await (await app.request(path, { cookie })).text();
        assert.equal(html.match(/[\u0100-\u{10ffff}]/u)?.[0], undefined, `${person.email} ${path}`);
      }
    }
    const cookie = await app.login("user@example.com");
    const devices = await (await app.request("/devices", { cookie })).text();
    assert.ok(devices.includes('<span class="icon done" aria-hidden="true">&#10003;</span>'));
    const accounts = await (await app.request("/accounts", { cookie })).text();
    assert.ok(accounts.includes("a prompt on a phone or a security key &#8212; means"));
  } finally {
    await app.close();
  }
});
