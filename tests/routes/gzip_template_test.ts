import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { fillGzip, gzipTemplate } from "../../routes/rendering/gzip_template.ts";

const decoder = new TextDecoder();

/** What a browser's decoder makes of a body (the Streams API's gzip, which checks the trailer). */
async function inflate(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

const PAGE = `<!doctype html><html><head><script src="/static/htmx.js" nonce="NONCE-1" defer>` +
  `</script></head><body>${"<p>Your devices · Mac mini</p>".repeat(400)}</body></html>`;

Deno.test("fillGzip() puts each response's value in the hole: zlib and the Streams API decode it with its CRC-32 and length", async () => {
  const template = gzipTemplate(PAGE, 'nonce="NONCE-1"');
  for (const nonce of ["NONCE-1", "k3Yq9+/Zr0bXw1lT4aC2hg==", ""]) {
    const body = fillGzip(template, `nonce="${nonce}"`);
    const expected = PAGE.replace('nonce="NONCE-1"', `nonce="${nonce}"`);
    assert.equal(decoder.decode(gunzipSync(body)), expected);
    assert.equal(await inflate(body), expected);
  }
});

Deno.test("gzipTemplate() fills every occurrence of the hole, at the start, middle and end", async () => {
  const text = "HOLE<a>HOLE</a>é€HOLE";
  const body = fillGzip(gzipTemplate(text, "HOLE"), "ünï");
  assert.equal(await inflate(body), "ünï<a>ünï</a>é€ünï");
});

Deno.test("gzipTemplate() without the hole (or with none asked) is the text, whatever the value", async () => {
  assert.equal(await inflate(fillGzip(gzipTemplate("no hole here", "NONCE"), "x")), "no hole here");
  assert.equal(await inflate(fillGzip(gzipTemplate("no hole here", ""), "x")), "no hole here");
  assert.equal(await inflate(fillGzip(gzipTemplate("", ""), "x")), "");
});

Deno.test("a filled page costs a few dozen bytes more than the page compressed whole", () => {
  const whole = gzipSync(new TextEncoder().encode(PAGE)).length;
  const filled = fillGzip(gzipTemplate(PAGE, 'nonce="NONCE-1"'), 'nonce="NONCE-1"').length;
  // the flush's empty block (5), the stored block's header (5) and its bytes (15) uncompressed,
  // and the head no longer shared with the body's compression
  assert.ok(filled - whole <= 40, `${filled} vs ${whole}`);
});

Deno.test("fillGzip() refuses a value longer than one stored block (65,535 bytes)", () => {
  const template = gzipTemplate("a HOLE b", "HOLE");
  assert.equal(decoder.decode(gunzipSync(fillGzip(template, "x".repeat(65_535)))).length, 65_539);
  assert.throws(
    () => fillGzip(template, "x".repeat(65_536)),
    new RangeError("A gzip hole holds at most 65535 bytes, got 65536"),
  );
});
