import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { demoWith, startApp } from "../support/app.ts";

const SECRET_KEY = "a-session-secret-shared-across-restarts!!";

Deno.test("sign-out keeps the revocation in the store until the session's absolute expiry, and prunes ended ones", async () => {
  const dir = await Deno.makeTempDir();
  const storePath = `${dir}/s.db`;
  const config = demoWith({ SECRET_KEY, SESSION_MAX_SECONDS: 3600 });
  try {
    const app = await startApp({ config, storePath });
    const t0 = app.clock.now.getTime();
    let cookie = "";
    try {
      await app.services.store.revocations.revoke("session:long-gone", {
        until: new Date(t0 - 1000),
        now: new Date(t0 - 2000),
      });
      cookie = await app.login("green@example.com");
      app.clock.now = new Date(t0 + 60_000);
      const out = await app.request("/logout", { method: "POST", cookie });
      await out.body?.cancel();
      assert.equal(out.status, 303);
    } finally {
      await app.close();
    }
    const db = new DatabaseSync(storePath, { readOnly: true });
    try {
      const rows = db.prepare("SELECT id, until FROM revocations").all();
      assert.equal(rows.length, 1, "the ended revocation was pruned");
      assert.match(String(rows[0]!.id), /^session:[0-9a-f]{64}$/);
      assert.equal(Number(rows[0]!.until), t0 + 3600_000 + 60_000, "absolute expiry + 1 min");
    } finally {
      db.close();
    }
    const restarted = await startApp({ config, storePath, now: new Date(t0 + 30 * 60_000) });
    try {
      const res = await restarted.request("/devices", { cookie });
      await res.body?.cancel();
      assert.equal(res.status, 302, "refused after the restart");
      assert.match(res.headers.get("location") ?? "", /^\/login/);
    } finally {
      await restarted.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
