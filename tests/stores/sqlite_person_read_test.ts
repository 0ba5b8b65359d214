/**
 * The SQLite store's one-statement person read (issue 24, `sqlite_person_reads.ts`) at its edges:
 * an address SQL would choke on if it were pasted into the statement (an apostrophe is allowed in
 * an address's local part, RFC 5322 `atext`), a person known only by an exemption, and a stored
 * device list that is not JSON — the read fails as a whole with a `StoreError` naming what it
 * attempted, nothing half-read, and other people's reads go on.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { silentLogger } from "../../config/log.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { inTempDir } from "../support/temp_dir.ts";
import { at } from "./store_contract.ts";

const OBRIEN = "o'brien@example.com";

function exemption(id: string, email: string, granted: number): Exemption {
  return {
    id,
    email,
    device: "serial:C02OB",
    practice: "firewall",
    reason: "Lab machine on an isolated network",
    grantedBy: "security@example.com",
    grantedAt: at(granted),
    expiresAt: at(granted + 100),
  };
}

Deno.test("the SQLite person read binds the address: an apostrophe, % and _ read only that person's rows", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    await store.exemptions.grantExemption(exemption("ex-ob", OBRIEN, 10));
    await store.exemptions.grantExemption(exemption("ex-other", "obrien@example.com", 5));
    await store.feedback.dismiss(OBRIEN, "n1", at(1));
    await store.feedback.dismiss("o_brien@example.com", "n9", at(1));
    await store.statuses.observe([
      { device: "serial:C02OB", practice: "firewall", status: "warn", since: at(0) },
    ], { person: OBRIEN });

    const got = await store.personReads.read(OBRIEN);
    assert.equal(got.snapshot, null, "no snapshot was written");
    assert.deepEqual(got.exemptions?.map((e) => e.id), ["ex-ob"]);
    assert.deepEqual([...got.dismissed], ["n1"]);
    assert.deepEqual([...got.statuses.keys()], ["serial:C02OB\u0000firewall"]);

    // LIKE's wildcards and a quoted OR match nobody
    for (const odd of ["o_brien@example.com%", "%", "x' OR '1'='1"]) {
      const none = await store.personReads.read(odd);
      assert.deepEqual(
        [none.snapshot, none.statuses.size, none.dismissed.size, none.exemptions?.length],
        [null, 0, 0, 0],
        odd,
      );
    }
  } finally {
    await store.close();
  }
});

Deno.test("the SQLite person read of someone known only by an exemption answers it and nothing else", async () => {
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    await store.exemptions.grantExemption(exemption("ex-1", "fry@example.com", 10));
    const got = await store.personReads.read("Fry@Example.com");
    assert.deepEqual(
      [got.snapshot, got.statuses.size, got.dismissed.size, got.answers.size],
      [null, 0, 0, 0],
    );
    assert.deepEqual(got.exemptions, [exemption("ex-1", "fry@example.com", 10)]);
  } finally {
    await store.close();
  }
});

Deno.test("a stored device list that is not JSON fails that person's read with a StoreError; others still read", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/broken.db`;
    const store = await createSqliteStore({ path, log: silentLogger });
    try {
      const seen = { practice: "firewall", status: "warn" as const, since: at(0) };
      await store.statuses.observe([{ device: "serial:A", ...seen }], {
        person: "fry@example.com",
      });
      await store.statuses.observe([{ device: "serial:B", ...seen }], {
        person: "leela@example.com",
      });
      await store.feedback.dismiss("fry@example.com", "n1", at(1));
      const db = new DatabaseSync(path);
      db.exec(`UPDATE person_devices SET devices = '["serial:A",' WHERE email = 'fry@example.com'`);
      db.close();
      await assert.rejects(
        store.personReads.read("fry@example.com"),
        (error: Error) => {
          assert.equal(error.name, "StoreError");
          assert.match(
            error.message,
            /^Cannot read a person's page data in the store ".*broken\.db": malformed JSON/,
          );
          return true;
        },
      );
      // the same without the history: the broken list is not read
      assert.deepEqual(
        [...(await store.personReads.read("fry@example.com", { statuses: false })).dismissed],
        ["n1"],
      );
      assert.deepEqual(
        [...(await store.personReads.read("leela@example.com")).statuses.keys()],
        ["serial:B\u0000firewall"],
      );
    } finally {
      await store.close();
    }
  });
});
