import assert from "node:assert/strict";
import { sameToken } from "../../routes/guards/forms.ts";

Deno.test("sameToken() is true only for the same text", async (t) => {
  await t.step("equal", () => assert.equal(sameToken("3f9a0c", "3f9a0c"), true));
  await t.step("one character differs", () => assert.equal(sameToken("3f9a0c", "3f9a0d"), false));
  await t.step("a prefix is not equal", () => assert.equal(sameToken("3f9a", "3f9a0c"), false));
  await t.step("empty against text", () => assert.equal(sameToken("", "3f"), false));
  await t.step("both empty", () => assert.equal(sameToken("", ""), true));
  await t.step("compared as UTF-8", () => assert.equal(sameToken("é", "e\u0301"), false));
});
