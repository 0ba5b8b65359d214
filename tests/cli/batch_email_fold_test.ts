/**
 * The batch's people are keyed by the one email folding of `engine/identity/emails.ts` (issue 22): a
 * KELVIN SIGN address and the plain-`k` address are two people; letter case of ASCII is not.
 *
 * @module
 */
import assert from "node:assert/strict";
import { directoryStep, listingAndPeople } from "../../engine/batch/batch_listing.ts";
import { silentLogger } from "../../config/log.ts";
import type { EngineParts } from "../../engine/engine.ts";
import type { PeopleSource } from "../../engine/core/ports.ts";

const KELVIN = "\u212Aif@planetexpress.com";

function directory(pages: string[][]): PeopleSource {
  return {
    name: "google",
    timeoutMs: null,
    async *listPeople() {
      for (const page of pages) yield page;
    },
  };
}

Deno.test("directoryStep() keeps a KELVIN SIGN address and kif@ apart, folds ASCII case", async () => {
  const step = await directoryStep([
    directory([[KELVIN, "kif@planetexpress.com"], [
      "KIF@PlanetExpress.com",
      "fry@planetexpress.com",
    ]]),
  ]);
  assert.deepEqual(step.people, [KELVIN, "kif@planetexpress.com", "fry@planetexpress.com"]);
});

Deno.test("listingAndPeople() adds a directory's kif@ to a file that named the KELVIN SIGN one", async () => {
  const run = await listingAndPeople({ deviceSources: [] } as unknown as EngineParts, {
    perPerson: true,
    directories: [directory([["kif@planetexpress.com", "Fry@planetexpress.com"]])],
    given: [KELVIN, "fry@planetexpress.com"],
    owners: true, // --all-owners
    write: () => {},
    log: silentLogger,
  });
  assert.deepEqual(run.people, [KELVIN, "fry@planetexpress.com", "kif@planetexpress.com"]);
});

Deno.test("no module folds an address by itself: foldEmail() is the only email folding", async () => {
  const root = new URL("../../", import.meta.url);
  const ownFold =
    /\b\w*(email|mail|owner|address|people|person|principal)\w*(\(\))?(\.trim\(\))?\.(toLowerCase|toLocaleLowerCase|normalize)\(/i;
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(new URL(dir, root))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (/\.tsx?$/.test(e.name) && path !== "engine/identity/emails.ts") {
        const text = await Deno.readTextFile(new URL(path, root));
        if (ownFold.test(text)) found.push(path);
      }
    }
  }
  for (const dir of ["engine", "plugins", "routes", "cli", "views", "lib", "config"]) {
    await walk(dir);
  }
  assert.deepEqual(found, []);
  assert.ok(ownFold.test("const key = email.toLowerCase();"), "the check sees the old batch code");
});
