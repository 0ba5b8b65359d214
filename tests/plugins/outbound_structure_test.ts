/**
 * Every request Stethoscope makes goes through `plugins/outbound.ts` (issue 22): no module under
 * `plugins/` or `routes/` calls `fetch` itself, opens a socket or an HTTP client of Node, and an
 * SDK that brings its own transport is imported only where its transport is routed through the
 * outbound rules (or held to them by the SDK's own options, named here).
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), "../.."));
const DOOR = "plugins/outbound.ts";

/**
 * SDKs with a transport of their own: the files allowed to import them as values, and the text
 * each such file must contain to show the transport is held to the outbound rules.
 */
const SDKS: Record<string, { files: string[]; proof: RegExp; why: string }> = {
  "@elastic/elasticsearch": {
    files: ["plugins/elasticsearch.ts", "plugins/elasticsearch_compat.ts"],
    proof: /maxResponseSize: ANSWER_CEILINGS\.store|compatibleTransport/,
    why: "its undici transport follows no redirect; maxResponseSize is the store's ceiling",
  },
  googleapis: {
    files: ["plugins/sources/google/mod.ts"],
    proof: /googleRequestOptions/,
    why: "every call takes googleRequestOptions, whose fetchImplementation is outboundFetch",
  },
  "openid-client": {
    files: ["routes/signin/oidc_client.ts"],
    proof: /customFetch/,
    why: "openid-client's customFetch is outboundFetch",
  },
  "google-auth-library": { files: [], proof: /outboundFetch/, why: "takes a fetch via gaxios" },
  "@slack/web-api": {
    files: ["plugins/nudges/slack.ts"],
    proof: /fetch: outboundFetch\(/,
    why: "WebClient's fetch option is outboundFetch",
  },
};
const FORBIDDEN_IMPORTS = /^(npm:)?(undici|axios|node-fetch)$|^node:(http|https|http2|net|tls)$/;

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(e.name)) yield path;
  }
}

/** The code of a module without comments (docstring examples may show `fetch`). */
function codeOf(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

/** Value imports of a module: `[specifier, clause]`; type-only imports are left out. */
function valueImports(code: string): string[] {
  const found: string[] = [];
  for (
    const m of code.matchAll(
      /^\s*(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm,
    )
  ) {
    if (m[1] === undefined) found.push(m[3]!);
  }
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The offences of one module, as `file: what`. */
function offences(file: string, text: string): string[] {
  const code = codeOf(text);
  const found: string[] = [];
  if (file !== DOOR && /(?<![\w.])(globalThis\.)?fetch\s*\(/.test(code)) {
    found.push(`${file}: calls fetch() itself; use outbound() from ${DOOR}`);
  }
  if (
    /\bnew\s+(XMLHttpRequest|WebSocket|EventSource)\b|\bDeno\.(connect|connectTls)\b/.test(code)
  ) {
    found.push(`${file}: opens a connection itself; use outbound() from ${DOOR}`);
  }
  for (const specifier of valueImports(code)) {
    const bare = specifier.replace(/^npm:/, "").replace(/@[\d.]+$/, "");
    if (FORBIDDEN_IMPORTS.test(specifier)) {
      found.push(`${file}: imports ${specifier}, an HTTP client of its own`);
    }
    const sdk = SDKS[bare];
    if (sdk === undefined) continue;
    if (!sdk.files.includes(file)) {
      found.push(
        `${file}: imports ${bare} (${sdk.why}); route it through ${DOOR} and list it here`,
      );
    } else if (!sdk.proof.test(code)) {
      found.push(`${file}: imports ${bare} without ${sdk.proof} (${sdk.why})`);
    }
  }
  return found;
}

Deno.test("no module under plugins/ or routes/ makes a request around plugins/outbound.ts", async () => {
  const found: string[] = [];
  for (const folder of ["plugins", "routes"]) {
    for await (const file of sourceFiles(folder)) {
      found.push(...offences(file, await Deno.readTextFile(join(ROOT, file))));
    }
  }
  assert.deepEqual(found, []);
});

Deno.test("the structure check catches fetch, sockets and unrouted SDKs", async (t) => {
  await t.step("a direct fetch, also as globalThis.fetch", () => {
    assert.deepEqual(offences("plugins/x.ts", "const r = await fetch(url);"), [
      "plugins/x.ts: calls fetch() itself; use outbound() from plugins/outbound.ts",
    ]);
    assert.equal(offences("routes/y.ts", "await globalThis.fetch(u)").length, 1);
  });
  await t.step("fetch in a comment, a method named fetch, or app.fetch is not a call", () => {
    assert.deepEqual(offences("plugins/x.ts", "/** fetch(url) */\n// fetch(x)\napp.fetch(r);"), []);
    assert.deepEqual(offences("plugins/x.ts", "refetch(x); prefetch(y);"), []);
  });
  await t.step("node:https, undici and Deno.connect", () => {
    assert.equal(offences("plugins/x.ts", 'import https from "node:https";').length, 1);
    assert.equal(offences("plugins/x.ts", 'import { request } from "npm:undici";').length, 1);
    assert.equal(offences("plugins/x.ts", "await Deno.connect({ port: 1 });").length, 1);
  });
  await t.step("an SDK outside its listed files, or a listed file without its routing", () => {
    assert.deepEqual(offences("plugins/x.ts", 'import { google } from "googleapis";'), [
      "plugins/x.ts: imports googleapis (every call takes googleRequestOptions, whose " +
      "fetchImplementation is outboundFetch); route it through plugins/outbound.ts and list it here",
    ]);
    assert.equal(
      offences("plugins/sources/google/mod.ts", 'import { google } from "googleapis";').length,
      1,
    );
    assert.deepEqual(
      offences("plugins/x.ts", 'import type { Client } from "@elastic/elasticsearch";'),
      [],
    );
  });
});
