import assert from "node:assert/strict";
import { encodeHex } from "../../lib/hex.ts";
import { decodeBase64Url, encodeBase64Url } from "../../lib/base64url.ts";
import { sha256, sha256Hex } from "../../lib/sha256.ts";
import { basicAuth } from "../../lib/basic_auth.ts";
import { errorMessage } from "../../lib/error_message.ts";

Deno.test("encodeHex() writes two lowercase digits a byte, zero-padded", () => {
  assert.equal(encodeHex(new Uint8Array([0, 1, 15, 16, 171, 255])), "00010f10abff");
  assert.equal(encodeHex(new Uint8Array([222, 173]).buffer), "dead");
  assert.equal(encodeHex(new Uint8Array(0)), "");
});

Deno.test("encodeBase64Url() uses - and _ and drops the padding", () => {
  assert.equal(encodeBase64Url(new Uint8Array([251, 255])), "-_8");
  assert.equal(encodeBase64Url(new TextEncoder().encode("ab")), "YWI");
  assert.equal(encodeBase64Url(new TextEncoder().encode("abc")), "YWJj");
  assert.equal(encodeBase64Url(new Uint8Array(0)), "");
});

Deno.test("decodeBase64Url() reads unpadded and padded text and rejects non-base64", () => {
  assert.deepEqual(decodeBase64Url("-_8"), new Uint8Array([251, 255]));
  assert.deepEqual(decodeBase64Url("YWI="), new TextEncoder().encode("ab"));
  assert.deepEqual(decodeBase64Url("YWI"), new TextEncoder().encode("ab"));
  assert.throws(() => decodeBase64Url("a!b"), { name: "InvalidCharacterError" });
  const bytes = crypto.getRandomValues(new Uint8Array(97));
  assert.deepEqual(decodeBase64Url(encodeBase64Url(bytes)), bytes);
});

Deno.test("sha256Hex() gives the FIPS 180-2 digests of text and of bytes", async () => {
  const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(await sha256Hex("abc"), abc);
  assert.equal(await sha256Hex(new TextEncoder().encode("abc")), abc);
  assert.equal(
    await sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal((await sha256("é")).length, 32);
  assert.equal(await sha256Hex("é"), await sha256Hex(new Uint8Array([0xc3, 0xa9])));
});

Deno.test("basicAuth() base64-encodes user:password in UTF-8", () => {
  assert.equal(basicAuth("user", "pass"), "Basic dXNlcjpwYXNz");
  assert.equal(basicAuth("ü", "p"), "Basic w7w6cA==");
  assert.equal(basicAuth("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
});

Deno.test("errorMessage() gives an Error's message, else the value as text", () => {
  assert.equal(errorMessage(new TypeError("bad port")), "bad port");
  assert.equal(errorMessage(new Error("")), "");
  assert.equal(errorMessage("timeout"), "timeout");
  assert.equal(errorMessage(42), "42");
  assert.equal(errorMessage(undefined), "undefined");
  assert.equal(errorMessage(null), "null");
});
