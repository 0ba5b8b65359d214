import assert from "node:assert/strict";
import { csrfOf, startApp } from "../support/app.ts";

// Issue 12: "Email comparison is case-insensitive everywhere". A person who is not privileged
// and names their own address in another letter case (a link from a mail client, a bookmark
// typed by hand) sees their own page; someone else's address stays refused in any case.

Deno.test("pages: your own ?email= in another letter case is your page; another person's stays 403", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    for (const path of ["/", "/devices", "/accounts", "/activity"]) {
      const own = await app.request(`${path}?email=User%40Example.COM`, { cookie });
      assert.equal(own.status, 200, path);
      const other = await app.request(`${path}?email=Admin%40Example.com`, { cookie });
      assert.equal(other.status, 403, path);
      assert.match(await other.text(), /You can only see your own devices and alerts\./);
    }
  } finally {
    await app.close();
  }
});

Deno.test("Check again: your own page's address in another letter case checks your devices", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("user@example.com");
    const csrf = csrfOf(await (await app.request("/devices", { cookie })).text());
    // past the once-a-minute limit on asking again (SNAPSHOTS.CHECK_AGAIN_SECONDS, 60 s)
    app.clock.now = new Date(app.clock.now.getTime() + 61_000);
    const check = (next: string) =>
      app.request("/check-again", {
        method: "POST",
        cookie,
        body: new URLSearchParams({ _csrf_token: csrf, next }),
      });
    const own = await check("/devices?email=USER%40example.com");
    assert.equal(own.status, 303);
    assert.equal(own.headers.get("location"), "/devices");
    const other = await check("/devices?email=ADMIN%40example.com");
    assert.equal(other.status, 403);
    assert.match(await other.text(), /You can only check your own devices\./);
  } finally {
    await app.close();
  }
});
