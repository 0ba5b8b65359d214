import assert from "node:assert/strict";
import { DEMO_RATE_LIMITS_ENV } from "../../config/demo.ts";
import { loadConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";

const envOf = (value: string | undefined) => (name: string) =>
  name === DEMO_RATE_LIMITS_ENV ? value : undefined;

async function problems(value: string): Promise<string[]> {
  try {
    await loadConfig(undefined, { env: envOf(value) });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("loadConfig() in demo mode keeps the default rate limits without the variable", async () => {
  const config = await loadConfig(undefined, { env: envOf(undefined) });
  assert.equal(config.demo, true);
  assert.deepEqual(config.RATE_LIMITS, {});
});

Deno.test("loadConfig() in demo mode takes RATE_LIMITS from STETHOSCOPE_DEMO_RATE_LIMITS", async () => {
  const config = await loadConfig(undefined, {
    env: envOf('{"API": {"REQUESTS": 1000000, "PER_SECONDS": 1}}'),
  });
  assert.equal(config.demo, true);
  assert.deepEqual(config.RATE_LIMITS, { API: { REQUESTS: 1_000_000, PER_SECONDS: 1 } });
  assert.ok(Object.isFrozen(config.RATE_LIMITS));
});

Deno.test("loadConfig() names STETHOSCOPE_DEMO_RATE_LIMITS when its value is wrong", async (t) => {
  await t.step("not JSON", async () => {
    assert.deepEqual(await problems("API=10"), [
      'STETHOSCOPE_DEMO_RATE_LIMITS: expected JSON such as {"API": {"REQUESTS": 1000, "PER_SECONDS": 1}}',
    ]);
  });
  await t.step("a bad key and a bad value", async () => {
    assert.deepEqual(await problems('{"API": {"REQUESTS": -1, "PER_SECONDS": 1}, "PAGES": {}}'), [
      "STETHOSCOPE_DEMO_RATE_LIMITS.API.REQUESTS: expected a value greater than 0",
      "STETHOSCOPE_DEMO_RATE_LIMITS.PAGES: unknown key",
    ]);
  });
  await t.step("zero, which is not a limit", async () => {
    assert.deepEqual(await problems('{"API": {"REQUESTS": 0, "PER_SECONDS": 0}}'), [
      "STETHOSCOPE_DEMO_RATE_LIMITS.API.REQUESTS: expected a value greater than 0",
      "STETHOSCOPE_DEMO_RATE_LIMITS.API.PER_SECONDS: expected a value greater than 0",
    ]);
  });
});

Deno.test("loadConfig() with a file ignores STETHOSCOPE_DEMO_RATE_LIMITS", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        SECRET_KEY: "demo-limits-session-key-0123456789",
        JWT_SECRET_KEY: "demo-limits-api-token-key-9876543210",
      }),
    );
    const config = await loadConfig(path, { env: envOf("not even JSON") });
    assert.equal(config.demo, false);
    assert.deepEqual(config.RATE_LIMITS, {});
  } finally {
    await Deno.remove(path);
  }
});
