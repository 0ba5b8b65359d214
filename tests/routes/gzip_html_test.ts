/**
 * Whole pages are gzip-compressed in one step when the browser accepts gzip outright
 * (`routes/rendering/gzip_html.ts`), with the headers the compress middleware sets; other encodings go to
 * the middleware as before.
 *
 * @module
 */
import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { gzipText, prefersGzip, REUSES_GZIP } from "../../routes/rendering/gzip_html.ts";
import { startApp } from "../support/app.ts";

/** The page with its per-response CSP nonce blanked, to compare two responses. */
const withoutNonce = (html: string) => html.replaceAll(/nonce="[^"]*"/g, 'nonce=""');

Deno.test("a page asked with gzip is the same page as without, gzip-encoded, varying by Accept-Encoding", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("one-red@example.com");
    await (await app.request("/devices", { cookie })).arrayBuffer(); // makes the snapshot
    const plain = await app.request("/devices", {
      cookie,
      headers: { "Accept-Encoding": "identity" },
    });
    assert.equal(plain.headers.get("Content-Encoding"), null);
    const text = await plain.text();
    const zipped = await app.request("/devices", {
      cookie,
      headers: { "Accept-Encoding": "gzip, deflate, br" },
    });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers.get("Content-Encoding"), "gzip");
    assert.equal(zipped.headers.get("Content-Type"), "text/html; charset=UTF-8");
    assert.equal(zipped.headers.get("Cache-Control"), "no-store");
    assert.equal(
      zipped.headers.get("Vary"),
      "HX-Request, HX-Request-Type, Accept-Encoding, Cookie, Authorization",
    );
    const unzipped = new TextDecoder().decode(gunzipSync(await zipped.arrayBuffer()));
    assert.equal(withoutNonce(unzipped), withoutNonce(text));
    // gzip at q<1: the middleware decides (deflate is as welcome), through its stream
    const deflate = await app.request("/devices", {
      cookie,
      headers: { "Accept-Encoding": "deflate, gzip;q=0.5" },
    });
    assert.equal(deflate.headers.get("Content-Encoding"), "deflate");
    await deflate.body?.cancel();
  } finally {
    await app.close();
  }
});

Deno.test("prefersGzip() is true exactly when the compress middleware would choose gzip outright", () => {
  for (const yes of ["gzip", "gzip, deflate, br", "br;q=1, GZIP", "deflate;q=0.5, gzip;q=1"]) {
    assert.equal(prefersGzip(yes), true, yes);
  }
  for (const no of [undefined, "", "identity", "*", "gzip;q=0.9", "deflate", "x-gzip"]) {
    assert.equal(prefersGzip(no), false, String(no));
  }
  // asked in turn, each answer its own header's (the last answer is kept for a repeat)
  for (
    const [header, yes] of [["gzip", true], ["gzip;q=0.9", false], ["gzip;q=0.9", false]] as const
  ) {
    assert.equal(prefersGzip(header), yes, header);
  }
  assert.equal(prefersGzip("gzip"), true);
});

Deno.test("gzipText() gives gzipSync's level-1 bytes for page after page, each its own text", () => {
  // the reused zlib handle and the scratch buffers: a large page, then smaller ones, then large
  assert.equal(REUSES_GZIP, true); // node:zlib's handle as this Deno has it (else gzipSync per page)
  const pages = [
    "<li>Install macOS 15.7.7 · due by 1 June — ✓</li>".repeat(700), // 33 KB, two-byte string
    "<p>Checked just now</p>".repeat(60),
    "<p>Dismissed “Stethoscope”.</p>".repeat(300),
    "x".repeat(70_000),
  ];
  for (const page of pages) {
    const zipped = gzipText(page);
    assert.deepEqual(
      zipped,
      new Uint8Array(gzipSync(new TextEncoder().encode(page), { level: 1 })),
    );
    assert.equal(new TextDecoder().decode(gunzipSync(zipped)), page);
  }
});

/** `length` characters from U+0020 on, `range` of them, drawn by mulberry32 from `seed`. */
function randomText(seed: number, length: number, range: number): string {
  let a = seed;
  let text = "";
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    text += String.fromCharCode(32 + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * range));
  }
  return text;
}

Deno.test("a page gzip makes larger than itself is sent whole, and so is the page after it", () => {
  // 179,698 UTF-8 bytes that level 1 writes as 197,290: more than the reused handle's output
  // room, so the page goes through gzipSync. The handle kept part of it that reset() did not drop,
  // and the next page (29,148 characters) came out corrupt: gunzip failed on it.
  const pages = [
    randomText(307, 60_683, 0xd700),
    randomText(308, 29_148, 90),
    "<p>Checked just now · ✓</p>".repeat(200),
  ];
  for (const page of pages) {
    const zipped = gzipText(page);
    const expected = gzipSync(new TextEncoder().encode(page), { level: 1 });
    // compared as text: describing a failing deepEqual of 200 KB arrays takes minutes
    assert.ok(zipped.join(",") === expected.join(","), `page of ${page.length} characters`);
    assert.equal(new TextDecoder().decode(gunzipSync(zipped)), page);
  }
});
