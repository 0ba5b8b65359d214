/**
 * `main.ts batch FILE`: a people file means those people (RW3-11-people.txt: a pilot group of
 * three, none of whom the inventory knows); the owners the listings name join only with
 * `--all-owners` or without a file. And the summary names the records a source could not deliver.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runBatchCommand } from "../../cli/batch.ts";
import type { CommandContext } from "../../cli/command.ts";
import { silentLogger } from "../../config/log.ts";
import { ConfigSchema } from "../../config/schema.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";

/** RW3-11-people.txt of the 2026-12-07 cases. */
const PEOPLE = "ivy@example.com\njon@example.com\nkai@example.com\n";

const INVENTORY = [
  `{"name":"ivy-laptop","email":"ivy@example.com","platform":"Mac","serial":"IVY1"}`,
  `{"name":"zed-laptop","email":"zed@example.com","platform":"Mac","serial":"ZED1"}`,
  `{"name":"jon-tablet","email":"jon@example.com","identifiers":{"mac_addresses":["zz:zz"]}}`,
  `{"name":"nobody"}`,
  `{"name": broken`,
].join("\n") + "\n";

async function batch(dir: string, args: string[], values: CommandContext["values"] = {}) {
  const out: string[] = [];
  const config = {
    ...ConfigSchema.parse({ PLUGINS: { file: { PATH: `${dir}/inventory.ndjson` } } }),
    demo: false,
  };
  const path = `${dir}/run-${crypto.randomUUID()}.db`;
  const store = await createSqliteStore({ path, log: silentLogger });
  const code = await runBatchCommand({
    config,
    values,
    positionals: ["batch", ...args],
    log: silentLogger,
    print: (t) => void out.push(t),
    printErr: (t) => void out.push(t),
  }, { store, now: () => new Date("2026-12-07T12:00:00Z"), isTerminal: false, writeProgress() {} });
  // the run closes its store; the saved run summary is read back from the file
  const after = await createSqliteStore({ path, log: silentLogger });
  const people = (await after.batchRuns.batchRuns(1))[0]?.people;
  await after.close();
  return { code, out: out.join(""), people };
}

async function withInventory(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-batch-people-" });
  try {
    await Deno.writeTextFile(`${dir}/inventory.ndjson`, INVENTORY);
    await Deno.writeTextFile(`${dir}/people.txt`, PEOPLE);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("batch FILE looks up exactly the file's people, not every owner the listing found", async () => {
  await withInventory(async (dir) => {
    const run = await batch(dir, [`${dir}/people.txt`]);
    assert.equal(run.code, 0, run.out);
    assert.equal(run.people, 3);
    assert.match(run.out, /: 3 people \(2 with devices\), 2 devices\n/);
  });
});

Deno.test("batch FILE --all-owners adds the owners the listing found; no file means every owner", async () => {
  await withInventory(async (dir) => {
    const all = await batch(dir, [`${dir}/people.txt`], { "all-owners": true });
    assert.equal(all.people, 4, all.out); // ivy, jon, kai + zed
    assert.match(all.out, /: 4 people \(3 with devices\), 3 devices\n/);
    const owners = await batch(dir, []);
    assert.equal(owners.people, 3, owners.out); // ivy, zed, jon: the owners the file names
  });
});

Deno.test("the batch summary names what the file inventory could not deliver, per reason", async () => {
  await withInventory(async (dir) => {
    const run = await batch(dir, [`${dir}/people.txt`]);
    assert.ok(
      run.out.includes(
        "Not delivered (records):\n" +
          "  file: 1 skipped (notJson: it is not valid JSON), " +
          "1 skipped (noOwner: it names no owner we can read), " +
          "1 read in part (unread_identifiers_mac_addresses_0: expected a MAC address)\n",
      ),
      run.out,
    );
  });
});
