import assert from "node:assert/strict";
import { parseBatchOptions } from "../../cli/batch_options.ts";

const ctx = (values: Record<string, string | boolean | undefined>, positionals = ["batch"]) => ({
  values,
  positionals,
});

Deno.test("parseBatchOptions() defaults: 16 at a time, one shard, file optional", () => {
  assert.deepEqual(parseBatchOptions(ctx({})), {
    concurrency: 16,
    timeout: undefined,
    shard: { index: 1, count: 1 },
    collectOnly: false,
    input: undefined,
    logFile: undefined,
    perPerson: false,
    allOwners: false,
    skipNudges: false,
  });
});

Deno.test("parseBatchOptions() reads every flag and the emails file", () => {
  assert.deepEqual(
    parseBatchOptions(ctx({
      concurrency: "3",
      timeout: "2.5",
      shard: "2/4",
      "collect-only": true,
      "log-file": "run.log",
      "per-person": true,
      "all-owners": true,
      "skip-nudges": true,
    }, ["batch", "people.txt"])),
    {
      concurrency: 3,
      timeout: 2.5,
      shard: { index: 2, count: 4 },
      collectOnly: true,
      input: "people.txt",
      logFile: "run.log",
      perPerson: true,
      allOwners: true,
      skipNudges: true,
    },
  );
});

Deno.test("parseBatchOptions() names the flag and the accepted range of a bad value", async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ concurrency: "0" }, '--concurrency: expected a whole number from 1 to 1024, got "0"'],
    [{ concurrency: "1025" }, '--concurrency: expected a whole number from 1 to 1024, got "1025"'],
    [{ concurrency: "2.5" }, '--concurrency: expected a whole number from 1 to 1024, got "2.5"'],
    [{ timeout: "0" }, '--timeout: expected seconds between 0 and 3600, got "0"'],
    [{ timeout: "3601" }, '--timeout: expected seconds between 0 and 3600, got "3601"'],
    [{ timeout: "soon" }, '--timeout: expected seconds between 0 and 3600, got "soon"'],
    [
      { shard: "5/4" },
      '--shard: Invalid shard "5/4": expected I/N with 1 ≤ I ≤ N, e.g. 2/4',
    ],
  ];
  for (const [values, message] of cases) {
    await t.step(JSON.stringify(values), () => {
      assert.equal(parseBatchOptions(ctx(values)), message);
    });
  }
});
