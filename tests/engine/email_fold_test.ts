import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { parseEmailList, shardOf } from "../../engine/batch/batch_people.ts";
import { foldEmail, sameEmail } from "../../engine/identity/emails.ts";
import { listedSource, peopleOf, readListing } from "../../engine/batch/listing.ts";
import { createOwnershipGuard, ownerKey } from "../../engine/identity/ownership.ts";
import type { DeviceSource, ListedPage, ListingSource } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";
import { createPersonViews } from "../../engine/view/view.ts";
import file from "../../plugins/sources/file.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { engineWith } from "../support/engine.ts";

// "\u212Aif@example.com".toLowerCase() is "kif@example.com" (U+212A KELVIN SIGN lower-cases to
// ASCII "k"); both are valid addresses of two different people.
const KELVIN = "\u212Aif@example.com";
const KIF = "kif@example.com";
const signal = () => new AbortController().signal;

const rec = (name: string, email: string, serial: string): DeviceRecord => ({
  source: "inv",
  name,
  email,
  serial,
  identifiers: { serial },
});

Deno.test("foldEmail() trims and folds ASCII capitals only", () => {
  assert.equal(foldEmail(" Kif@Example.COM\t"), KIF);
  assert.equal(foldEmail("\u212AIF@EXAMPLE.com"), "\u212Aif@example.com");
  assert.equal(foldEmail("JOSÉ@Example.com"), "josÉ@example.com");
  assert.equal(sameEmail("KIF@example.com ", KIF), true);
  assert.equal(sameEmail(KELVIN, KIF), false);
  assert.equal(sameEmail("adm\u0130n@example.com", "admin@example.com"), false);
});

Deno.test("the ownership guard keeps the Kelvin-sign owner and kif@ apart, both ways", () => {
  assert.notEqual(ownerKey()(KELVIN), ownerKey()(KIF));
  const guard = createOwnershipGuard();
  const records = [rec("Kif's Mac", "Kif@Example.com", "S1"), rec("Other's Mac", KELVIN, "S2")];
  const answer = { source: "inv", operation: "devicesByEmail", records };
  assert.deepEqual(guard.keep(KIF, answer).map((r) => r.name), ["Kif's Mac"]);
  assert.deepEqual(guard.keep(KELVIN, answer).map((r) => r.name), ["Other's Mac"]);
});

Deno.test("the engine shows neither person the other's devices", async () => {
  const source: DeviceSource = {
    name: "inv",
    timeoutMs: 1000,
    // An inventory that matches owners with Unicode lower-casing answers both for both.
    devicesByEmail: () =>
      Promise.resolve([rec("Kif's Mac", KIF, "S1"), rec("Other's Mac", KELVIN, "S2")]),
  };
  const engine = engineWith({ deviceSources: [source] });
  for (const [who, name] of [[KIF, "Kif's Mac"], [KELVIN, "Other's Mac"]] as const) {
    const devices = await engine.devices(who);
    assert.deepEqual(devices.items.map((d) => d.name), [name], who);
    const batch = await engine.devicesForBatch(who);
    assert.deepEqual(batch.items.map((d) => d.name), [name], who);
  }
});

Deno.test("a batch list keeps both addresses as two people, in two rows", async () => {
  const list = parseEmailList(`${KIF}\n${KELVIN}\nKIF@example.com\n`);
  assert.deepEqual(list.emails, [KIF, KELVIN]);
  assert.equal(list.duplicates, 1);
  assert.equal(await shardOf("KIF@Example.com ", 64), await shardOf(KIF, 64));
});

Deno.test("a listing groups records by owner without merging the two addresses", async () => {
  const lister: ListingSource = {
    name: "inv",
    timeoutMs: 1000,
    devicesByEmail: () => Promise.reject(new Error("not used")),
    async *listDevices(): AsyncGenerator<ListedPage> {
      yield {
        records: [
          rec("Kif's Mac", "Kif@example.com", "S1"),
          rec("Other's Mac", KELVIN, "S2"),
          rec("Kif's phone", KIF, "S3"),
        ],
      };
    },
  };
  const index = await readListing(lister);
  assert.deepEqual(index.owners, ["Kif@example.com", KELVIN]);
  const listed = listedSource(lister, index);
  const names = async (who: string) =>
    (await listed.devicesByEmail!(who, { signal: signal() })).map((r) => r.name);
  assert.deepEqual(await names(KIF), ["Kif's Mac", "Kif's phone"]);
  assert.deepEqual(await names(KELVIN), ["Other's Mac"]);
  assert.deepEqual(peopleOf([KIF], [index]), [KIF, KELVIN]);
  assert.deepEqual(peopleOf([KELVIN], [index]), [KELVIN, "Kif@example.com"]);
});

Deno.test("the file inventory answers each address with its own owner's devices", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      path,
      JSON.stringify([
        { name: "kif-laptop", email: "Kif@Example.com", serial: "KIF001" },
        { name: "kelvin-laptop", email: KELVIN, serial: "KELVIN001" },
      ]),
    );
    const plugin = await file.create(file.schema.parse({ PATH: path }), {
      name: "file",
      timeoutMs: 2000,
      log: silentLogger,
      store: {} as Store,
      now: () => new Date("2026-11-30T12:00:00Z"),
      demo: false,
    });
    const names = async (who: string) =>
      (await plugin.devicesByEmail!(who, { signal: signal() })).map((r) => r.name);
    assert.deepEqual(await names(KIF), ["kif-laptop"]);
    assert.deepEqual(await names(KELVIN), ["kelvin-laptop"]);
    await plugin.close?.();
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("snapshots are keyed per address: the Kelvin-sign owner's never answers kif@", async () => {
  const now = () => new Date("2026-11-30T09:00:00Z");
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger, now });
  try {
    const calls: string[] = [];
    const views = createPersonViews({
      collect: (email) => {
        calls.push(email);
        const items = [rec(email === KIF ? "Kif's Mac" : "Other's Mac", email, "S1")];
        return Promise.resolve({
          devices: { items, errors: [] },
          accounts: { items: [], errors: [] },
          events: { items: [], errors: [] },
        });
      },
      rules: { practices: [], deviceTransforms: [] },
      store,
      now,
    });
    assert.deepEqual((await views.view(KELVIN)).devices.map((d) => d.name), ["Other's Mac"]);
    assert.deepEqual((await views.view(KIF)).devices.map((d) => d.name), ["Kif's Mac"]);
    assert.equal((await views.cachedView("KIF@example.com"))?.devices[0]?.name, "Kif's Mac");
    assert.equal((await views.cachedView(KELVIN))?.devices[0]?.name, "Other's Mac");
    assert.deepEqual(calls, [KELVIN, KIF]);
    assert.equal(await store.snapshots.snapshotCount(), 2);
  } finally {
    await store.close();
  }
});
