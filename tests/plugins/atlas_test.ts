import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import atlas, { type AtlasFailureLogger } from "../../plugins/atlas.ts";
import { REGISTRY } from "../../plugins/registry.ts";
import { json, startFake } from "../fakes/server.ts";

const NOW = new Date("2026-11-26T12:00:00Z");

async function create(config: Record<string, unknown>): Promise<AtlasFailureLogger> {
  const parsed = atlas.schema.parse(config);
  return await atlas.create(parsed, {
    name: "atlas",
    timeoutMs: 500,
    log: silentLogger,
    store: {} as Store,
    now: () => NOW,
    demo: false,
  }) as unknown as AtlasFailureLogger;
}

Deno.test("atlas posts one exception counter per failure, named after the error class", async () => {
  const fake = startFake(() => json({}));
  try {
    const logger = await create({ URL: `${fake.url}/api/v1/publish` });
    assert.equal(logger.logFailure(new TypeError("boom"), { route: "/devices" }), undefined);
    class MergeConflict extends Error {
      override name = "MergeConflict";
    }
    logger.logFailure(new MergeConflict("x"), {});
    logger.logFailure("a string", {});
    await logger.flush();
    assert.equal(fake.requests.length, 3);
    const first = fake.requests[0]!;
    assert.equal(first.method, "POST");
    assert.equal(first.path, "/api/v1/publish");
    assert.equal(first.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(first.body), [{
      timestamp: NOW.getTime(),
      type: "COUNTER",
      name: "stethoscope.api.numExceptions",
      tags: { exceptionName: "TypeError" },
      value: 1,
    }]);
    assert.equal(JSON.parse(fake.requests[1]!.body)[0].tags.exceptionName, "MergeConflict");
    assert.equal(JSON.parse(fake.requests[2]!.body)[0].tags.exceptionName, "string");
    assert.equal(logger.dropped, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("atlas never throws and counts what it could not send when Atlas is down or slow", async (t) => {
  await t.step("down", async () => {
    const fake = startFake(() => json({}));
    await fake.close();
    const logger = await create({ URL: `${fake.url}/publish` });
    logger.logFailure(new Error("x"), {});
    await logger.flush();
    assert.equal(logger.dropped, 1);
  });
  await t.step("answering 500", async () => {
    const fake = startFake(() => json({}, 500));
    try {
      const logger = await create({ URL: `${fake.url}/publish` });
      logger.logFailure(new Error("x"), {});
      await logger.flush();
      assert.equal(logger.dropped, 1);
    } finally {
      await fake.close();
    }
  });
  await t.step("hanging, with a full queue", async () => {
    const fake = startFake(() => json({}));
    fake.fail({ kind: "hang" });
    try {
      const logger = await create({ URL: `${fake.url}/publish`, QUEUE_SIZE: 2 });
      // logFailure returns at once: nothing to await, and before this test yields once the first
      // is being sent, two wait in the queue and seven did not fit
      const returned = Array.from(
        { length: 10 },
        (_, i) => logger.logFailure(new Error(`x${i}`), {}),
      );
      assert.deepEqual(returned, Array(10).fill(undefined));
      assert.equal(logger.queued, 2);
      assert.equal(logger.dropped, 7);
      await logger.flush();
      assert.equal(logger.dropped, 10, "the sends that timed out are counted too");
    } finally {
      await fake.close();
    }
  });
});

Deno.test("atlas checkConnectivity posts an empty list and reports a bad answer", async () => {
  const fake = startFake((req) => json({}, req.body === "[]" ? 200 : 400));
  try {
    const logger = await create({ URL: `${fake.url}/publish` });
    await logger.checkConnectivity!({ signal: AbortSignal.timeout(1000) });
    assert.equal(fake.requests[0]!.body, "[]");
    fake.fail({ kind: "status", status: 503 });
    await assert.rejects(
      () => logger.checkConnectivity!({ signal: AbortSignal.timeout(1000) }),
      /answered 503/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("atlas is in the registry as a failure logger and validates URL", async () => {
  const entry = REGISTRY.atlas!;
  assert.equal((await entry.load()).default, atlas);
  assert.deepEqual(atlas.kinds, ["failure_logger"]);
  assert.equal(atlas.schema.safeParse({}).success, false);
  assert.equal(atlas.schema.safeParse({ URL: "ftp://x" }).success, false);
});
