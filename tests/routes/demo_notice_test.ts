/**
 * A person with something that can't be checked is never told everything is fine: demo person
 * Amy (green@example.com) has an iPhone whose screen lock can't be checked, so neither her
 * Overview's list nor its notice may say "nothing to do".
 */
import assert from "node:assert/strict";
import { startApp } from "../support/app.ts";

Deno.test("an Overview with a can't-check item says nowhere that there is nothing to do", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const html = await (await app.request("/", { cookie })).text();
    assert.match(
      html,
      /Screen lock can&#39;t be checked on this iPhone|Screen lock can't be checked on this iPhone/,
    );
    assert.doesNotMatch(html, /[Nn]othing to do|follow our security practices/);
    assert.match(html, /One thing can(&#39;|')t be checked from here/);
  } finally {
    await app.close();
  }
});
