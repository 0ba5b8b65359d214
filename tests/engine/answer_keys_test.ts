import assert from "node:assert/strict";
import { eventAnswerKey, isEventAnswerKey } from "../../engine/core/answer_keys.ts";
import type { AccessEvent } from "../../engine/core/types.ts";

const SIGN_IN: AccessEvent = {
  source: "google",
  type: "login",
  success: true,
  reason: "",
  ip_address: "203.0.113.7",
  timestamp: new Date("2026-11-30T08:15:00Z"),
};

Deno.test("eventAnswerKey() names a sign-in by source and id, else by its UTC time", async (t) => {
  await t.step("with an id", () => {
    assert.equal(eventAnswerKey({ ...SIGN_IN, id: "fry-3" }), "event:google:fry-3");
  });
  await t.step("without an id", () => {
    assert.equal(
      eventAnswerKey({ ...SIGN_IN, source: "duo" }),
      "event:duo:2026-11-30T08:15:00.000Z",
    );
  });
});

Deno.test("isEventAnswerKey() tells sign-in answers from notification ids", () => {
  assert.equal(isEventAnswerKey("event:google:fry-3"), true);
  assert.equal(isEventAnswerKey("n-42"), false);
  assert.equal(isEventAnswerKey("events"), false);
});
