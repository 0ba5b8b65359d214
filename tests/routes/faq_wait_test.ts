/**
 * Pages that need no inventory never wait for one (issue 27): the FAQ on a first visit answers
 * without asking any device source (it waited 6 s before), and once the person's snapshot and
 * alerts are at hand its badge counts the to-do list like every other page.
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoWith, startApp } from "../support/app.ts";
import { registryWith, sourceEntry } from "../support/sources.ts";

Deno.test("GET /faq asks no inventory on a first visit, and counts the badge once the data is at hand", async () => {
  const calls: string[] = [];
  const app = await startApp({
    config: demoWith({ PLUGINS: { demo: {}, slow: {} } }),
    registry: registryWith({
      slow: sourceEntry((email) => {
        calls.push(email);
        return Promise.resolve([]);
      }),
    }),
  });
  try {
    const cookie = await app.login("user@example.com");
    const first = await app.request("/faq", { cookie });
    assert.equal(first.status, 200);
    const html = await first.text();
    assert.match(html, /<h1>Frequently asked questions<\/h1>/);
    assert.match(html, /<span class="badge" id="alert-count" hidden="">0<\/span>/);
    assert.deepEqual(calls, []);
    await (await app.request("/", { cookie })).text();
    assert.deepEqual(calls, ["user@example.com"]);
    const again = await (await app.request("/faq", { cookie })).text();
    assert.match(again, /<span class="badge" id="alert-count"\s*>10<\/span>/);
    assert.deepEqual(calls, ["user@example.com"]);
  } finally {
    await app.close();
  }
});
