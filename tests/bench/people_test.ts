/**
 * The page benchmarks' people (`bench/people.ts`): distinct people with their own devices in the
 * demo's mix, an export the real `file` source reads whole, and sessions the app accepts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { benchPeople, checkSourcesAnswered, setUpBenchPeople } from "../../bench/people.ts";
import { parseInventory } from "../../plugins/sources/file_parse.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { startApp } from "../support/app.ts";

const NOW = new Date("2026-11-26T12:00:00Z");

Deno.test("each person has their own email, devices and identifiers, in the demo's mix", () => {
  const people = benchPeople(12, NOW);
  assert.deepEqual(people.slice(0, 6).map((p) => p.email), [
    "green-0@example.com",
    "one-red-1@example.com",
    "one-unknown-2@example.com",
    "admin-3@example.com",
    "nothing-4@example.com",
    "user-5@example.com",
  ]);
  assert.equal(people[11]!.email, "user-11@example.com");
  // the demo's mix: person i has the records of demo person i mod 6, each naming its owner
  assert.deepEqual(people.map((p) => p.devices.length), [3, 2, 2, 1, 0, 8, 3, 2, 2, 1, 0, 8]);
  assert.deepEqual(
    DEMO_PEOPLE.map((d) => d.devices(NOW).length),
    [3, 2, 2, 1, 0, 8],
  );
  for (const p of people) for (const d of p.devices) assert.equal(d.email, p.email);
  // no identifier is shared by two people
  const owner = new Map<string, string>();
  for (const p of people) {
    for (const d of p.devices) {
      const ids = [
        d.serial,
        d.name,
        d.identifiers?.serial,
        d.identifiers?.google_device_id,
        ...(d.identifiers?.mac_addresses ?? []),
      ].filter((v) => v !== undefined);
      for (const id of ids) {
        assert.equal(owner.get(id) ?? p.email, p.email, `${id} is ${p.email}'s and another's`);
        owner.set(id, p.email);
      }
    }
  }
  const fry = people[11]!.devices;
  // the same device keeps one serial across its records (bitFit's and Jamf's), MACs their OUI
  assert.deepEqual(fry.slice(0, 2).map((d) => d.serial), ["DECAFBAD00-11", "DECAFBAD00-11"]);
  assert.deepEqual(fry[1]!.identifiers?.mac_addresses, ["F0:18:98:00:0B:00", "F0:18:98:00:0B:01"]);
  assert.deepEqual(people[11]!.events.map((e) => e.id), ["fry-1-11", "fry-2-11", "fry-3-11"]);
});

Deno.test("the export reads whole, and each person's pages show their own devices", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench-people-test-" });
  const setup = await setUpBenchPeople(dir, { count: 6, now: NOW, clock: () => NOW });
  const app = await startApp({ now: NOW, config: setup.config });
  try {
    const inventory = parseInventory(await Deno.readTextFile(`${dir}/people.json`), {
      source: "file",
      debug: false,
    });
    assert.equal(inventory.devices.length, 16);
    assert.deepEqual([inventory.skipped.length, inventory.problems.length], [0, 0]);
    const page = async (email: string, path: string) => {
      const res = await app.request(path, { cookie: await setup.session(email) });
      assert.equal(res.status, 200, `${email} ${path}`);
      return await res.text();
    };
    const devices = await page("one-red-1@example.com", "/devices");
    assert.match(devices, /HERMES-T14-1/);
    assert.doesNotMatch(devices, /HERMES-T14<|PF1RED0042</);
    // the account from Google's usage report: Hermes has no 2-Step Verification
    assert.match(await page("one-red-1@example.com", "/accounts"), /2-Step Verification is off/);
    // Amy's iPhone (the file), 2-Step Verification and sign-in (Google), as the benches check
    await checkSourcesAnswered(page, setup.people);
  } finally {
    await app.close();
    await setup.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a page naming a failed source stops the benchmark, naming the page", async () => {
  const people = benchPeople(1, NOW);
  const failed = () =>
    Promise.resolve("iPhone 16 2-Step Verification is on 10.20.0.15; Google did not answer");
  await assert.rejects(
    checkSourcesAnswered(failed, people),
    new Error(
      `green-0@example.com's /devices does not show what the sources said ("iPhone 16")`,
    ),
  );
});
