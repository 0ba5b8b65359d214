/**
 * Duo authentication logs name the user by whole address when the integration signs people in
 * by address (Azure AD, SAML): `user.name: "narroway@example.com"` in a published v2 log
 * (alertlogic/paws-collector, collectors/ciscoduo/test/ciscoduo_mock.js). Stethoscope kept only
 * the part before `@`, so `alice@partner.example`'s denied sign-in showed on
 * `alice@example.com`'s Activity page — the same fault as JAMF's RW-05. Fixture:
 * fixtures/duo-authlogs-user-names-with-domains.json (made-up people). Right behaviour: a whole
 * address matches only that person (any letter case); a bare name that Duo's username
 * normalisation left reaches `name@USERNAME_DOMAIN` only (every `name@…` when that is not set).
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import duo from "../../plugins/sources/duo.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { duoSettings, startFakeDuo } from "../fakes/duo.ts";
import { realworldFixture } from "./fixture.ts";

const { authlogs } = await realworldFixture<{ authlogs: Record<string, unknown>[] }>(
  "duo-authlogs-user-names-with-domains.json",
);
const NOW = new Date("2026-11-30T12:00:00Z");

for (const domain of ["example.com", undefined]) {
  Deno.test(`Duo sign-ins logged under a whole address reach only that person (USERNAME_DOMAIN ${domain ?? "unset"})`, async () => {
    const fake = startFakeDuo();
    const dir = await Deno.makeTempDir({ prefix: "stethoscope-duo-rw-" });
    const store = await createSqliteStore({ path: `${dir}/s.db`, log: silentLogger });
    authlogs.forEach((entry, i) => {
      const ms = NOW.getTime() - (30 - i) * 60_000; // 12:30, 12:31, 12:32 minutes ago, in order
      fake.logs.push({
        ...entry,
        timestamp: Math.floor(ms / 1000),
        isotimestamp: new Date(ms).toISOString(),
      });
    });
    const plugin = await duo.create(
      duo.schema.parse(duoSettings(fake.url, domain ? { USERNAME_DOMAIN: domain } : {})),
      { name: "duo", timeoutMs: 2000, log: silentLogger, store, now: () => NOW, demo: false },
    );
    try {
      await plugin.checkConnectivity!({ signal: new AbortController().signal }); // first poll done
      const read = async (email: string) =>
        (await plugin.eventsByEmail!(email, { signal: new AbortController().signal }))
          .map((e) => `${e.id} ${e.success ? "success" : "denied"}`);
      assert.deepEqual(await read("alice@example.com"), [
        "5b0e0000-0000-0000-0000-000000000b0e success",
        "340a23e3-0000-0000-87dc-1491a23dfdbb success",
      ]);
      assert.deepEqual(await read("alice@partner.example"), [
        // the bare name belongs to alice@example.com once USERNAME_DOMAIN says so
        ...(domain ? [] : ["5b0e0000-0000-0000-0000-000000000b0e success"]),
        "9f1c0000-0000-0000-0000-00000000a11c denied",
      ]);
    } finally {
      await plugin.close!();
      await store.close();
      await fake.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
