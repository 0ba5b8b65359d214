import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { encodeHex } from "../../lib/hex.ts";

const SESSION = "keys-test-session-key-0123456789abcdef";
const TOKENS = "keys-test-api-token-key-fedcba9876543210";

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig({ SECRET_KEY: SESSION, JWT_SECRET_KEY: TOKENS, ...raw });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const HINT = 'use random bytes (e.g. the output of "openssl rand -hex 32")';

Deno.test("SECRET_KEY_PREVIOUS meets the rules of SECRET_KEY", async (t) => {
  await t.step("a 1-byte previous key is refused", () => {
    assert.deepEqual(problems({ SECRET_KEY_PREVIOUS: "x" }), [
      "SECRET_KEY_PREVIOUS: too short; use at least 32 random bytes",
    ]);
  });
  await t.step("a long previous key of one repeated character is refused", () => {
    assert.deepEqual(problems({ SECRET_KEY_PREVIOUS: "x".repeat(64) }), [
      `SECRET_KEY_PREVIOUS: one character repeated; ${HINT}`,
    ]);
  });
  await t.step("a strong previous key is accepted", () => {
    assert.deepEqual(
      problems({ SECRET_KEY_PREVIOUS: "keys-test-previous-key-13579bdf2468ace0" }),
      [],
    );
  });
});

Deno.test("weak signing keys are refused, naming the key and never its value", async (t) => {
  await t.step("one character repeated", () => {
    assert.deepEqual(problems({ SECRET_KEY: "a".repeat(40) }), [
      `SECRET_KEY: one character repeated; ${HINT}`,
    ]);
  });
  await t.step("very few distinct bytes", () => {
    const out = problems({ JWT_SECRET_KEY: "abc".repeat(16), SECRET_KEY: "0123456".repeat(6) });
    assert.deepEqual(out, [
      `SECRET_KEY: only 7 distinct characters; ${HINT}`,
      `JWT_SECRET_KEY: only 3 distinct characters; ${HINT}`,
    ]);
    assert.ok(out.every((line) => !line.includes("abcabc") && !line.includes("0123456")));
  });
  await t.step("eight distinct bytes over 32 bytes are enough", () => {
    assert.deepEqual(problems({ SECRET_KEY: "01234567".repeat(4) }), []);
  });
  await t.step("a key from openssl rand -hex 32 is accepted", () => {
    const hex = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
    assert.deepEqual(problems({ SECRET_KEY: hex }), []);
  });
});

Deno.test("the session and API token keys must differ", async (t) => {
  const message =
    "JWT_SECRET_KEY: must differ from SECRET_KEY; use a separate random key for API tokens, so one leaked key cannot forge both sessions and tokens";
  await t.step("SECRET_KEY equal to JWT_SECRET_KEY", () => {
    assert.deepEqual(problems({ JWT_SECRET_KEY: SESSION }), [message]);
  });
  await t.step("SECRET_KEY_PREVIOUS equal to JWT_SECRET_KEY", () => {
    assert.deepEqual(problems({ SECRET_KEY_PREVIOUS: TOKENS }), [
      message.replace("from SECRET_KEY;", "from SECRET_KEY_PREVIOUS;"),
    ]);
  });
});
