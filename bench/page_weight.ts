/**
 * `deno task bench:weight`: bytes on the wire of every page as a demo person, as the server sends
 * them to a browser that accepts gzip, against the 30 KB budget (DESIGN.md §6: HTML + CSS + JS of
 * a first view; the CSS and htmx are cached after it, so later views cost their HTML alone). Then,
 * in Chromium, the visible text (`document.body.innerText`) of each page with JavaScript off and
 * on: the first render must show the same information either way.
 *
 * Bodies are read over a raw HTTP/1.1 connection so that nothing decompresses them on the way.
 *
 * Run: `deno task bench:weight`
 *
 * @module
 */
// deno-lint-ignore-file no-console
import type { Browser } from "playwright-core";
import { launch } from "../tests/browser/chromium.ts";
import { BENCH_PERSON, loadAverage, signIn, startBenchServer } from "./http.ts";

const BUDGET = 30 * 1024;
const PAGES = ["/", "/devices", "/accounts", "/activity", "/faq"];
const PRIVILEGED = "admin@example.com";

/** A response as it came over the wire. */
interface WireResponse {
  status: number;
  headers: Headers;
  /** Header block size, bytes. */
  headerBytes: number;
  /** Body size after de-chunking, before any decoding (gzipped when the server gzipped it). */
  bodyBytes: number;
}

function indexOf(haystack: Uint8Array, needle: number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const CRLF = [13, 10];

/** `GET` over a fresh connection with `Connection: close`, counting bytes as sent. */
async function wireGet(base: string, path: string, cookie?: string): Promise<WireResponse> {
  const url = new URL(path, base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const request = [
    `GET ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    "Accept: text/html,*/*",
    "Accept-Encoding: gzip, deflate, br",
    "Connection: close",
    ...(cookie ? [`Cookie: ${cookie}`] : []),
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(request));
  const raw = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  const end = indexOf(raw, [...CRLF, ...CRLF]);
  if (end < 0) throw new Error(`No header block in the answer to ${path}`);
  const lines = new TextDecoder().decode(raw.subarray(0, end)).split("\r\n");
  const status = Number(lines[0]!.split(" ")[1]);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
    let size = 0;
    let at = 0;
    for (;;) {
      const eol = indexOf(body, CRLF, at);
      const n = parseInt(new TextDecoder().decode(body.subarray(at, eol)), 16);
      if (!(n > 0)) break;
      size += n;
      at = eol + 2 + n + 2;
    }
    body = body.subarray(0, size); // only the length matters
  }
  return { status, headers, headerBytes: end + 4, bodyBytes: body.length };
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

/** The visible text of each page, with JavaScript on or off. */
async function visibleTexts(
  browser: Browser,
  base: string,
  cookie: string,
  pages: string[],
  javaScriptEnabled: boolean,
): Promise<Map<string, string>> {
  const context = await browser.newContext({ javaScriptEnabled });
  if (cookie !== "") {
    const i = cookie.indexOf("=");
    await context.addCookies([{ name: cookie.slice(0, i), value: cookie.slice(i + 1), url: base }]);
  }
  const page = await context.newPage();
  const out = new Map<string, string>();
  for (const path of pages) {
    await page.goto(`${base}${path}`, { waitUntil: "load" });
    if (javaScriptEnabled) await page.waitForTimeout(100); // let htmx initialise
    out.set(path, await page.evaluate(() => document.body.innerText));
  }
  await context.close();
  return out;
}

function firstDifference(a: string, b: string): string {
  const al = a.split("\n");
  const bl = b.split("\n");
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) {
      return `line ${i + 1}: off ${JSON.stringify(al[i])} / on ${JSON.stringify(bl[i])}`;
    }
  }
  return "";
}

async function main(): Promise<void> {
  console.log(`load average ${loadAverage()}`);
  const server = await startBenchServer();
  let browser: Browser | undefined;
  try {
    const cookie = await signIn(server.url, BENCH_PERSON);
    const admin = await signIn(server.url, PRIVILEGED).catch(() => undefined);
    const login = await wireGet(server.url, "/login");
    const html = login.status === 200 ? await (await fetch(`${server.url}/login`)).text() : "";
    const css = /href="(\/static\/app\.[0-9a-f]+\.css)"/.exec(html)?.[1];
    const js = /src="(\/static\/htmx\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    if (!css || !js) throw new Error("The sign-in page links no hashed CSS or htmx");
    const cssWire = await wireGet(server.url, css);
    const jsWire = await wireGet(server.url, js);
    const assets = cssWire.bodyBytes + jsWire.bodyBytes;

    const rows: { label: string; path: string; res: WireResponse; cookie?: string }[] = [];
    for (const path of PAGES) {
      rows.push({ label: path, path, res: await wireGet(server.url, path, cookie), cookie });
    }
    rows.push({ label: "/login", path: "/login", res: login });
    const dash = admin ? await wireGet(server.url, "/dashboard", admin) : undefined;
    if (admin && dash?.status === 200) {
      rows.push({ label: "/dashboard (admin)", path: "/dashboard", res: dash, cookie: admin });
    } else {
      console.log(
        admin
          ? `/dashboard answered ${dash?.status} for ${PRIVILEGED}: not measured`
          : `${PRIVILEGED} cannot sign in as a demo person: /dashboard not measured`,
      );
    }

    console.log(
      `\nbytes on the wire, gzip accepted, as ${BENCH_PERSON} (bodies; headers in brackets)`,
    );
    console.log(
      `CSS ${kb(cssWire.bodyBytes)} KB (${cssWire.headers.get("content-encoding")}), ` +
        `htmx ${kb(jsWire.bodyBytes)} KB (${jsWire.headers.get("content-encoding")}): ` +
        `${kb(assets)} KB, cached after the first page`,
    );
    console.log("page                status  HTML KB  (hdr B)  first view KB  ÷ 30 KB budget");
    let over = 0;
    for (const { label, res } of rows) {
      const first = res.bodyBytes + assets;
      if (first > BUDGET || res.status !== 200) over++;
      console.log(
        `${label.padEnd(19)} ${String(res.status).padEnd(7)} ${kb(res.bodyBytes).padStart(7)}  (${
          String(res.headerBytes).padStart(5)
        })  ${kb(first).padStart(13)}  ${(first / BUDGET).toFixed(2)} ${
          res.headers.get("content-encoding") === "gzip" ? "" : "(NOT gzipped)"
        }`,
      );
    }
    console.log(
      over === 0
        ? "every page is under the 30 KB budget on a first view (HTML + CSS + JS)"
        : `${over} page(s) over the budget or not 200`,
    );

    browser = await launch();
    let different = 0;
    for (const group of [rows.filter((r) => r.cookie === cookie), rows.filter((r) => !r.cookie)]) {
      const paths = group.map((r) => r.path);
      const who = group[0]?.cookie ?? "";
      const off = await visibleTexts(browser, server.url, who, paths, false);
      const on = await visibleTexts(browser, server.url, who, paths, true);
      for (const path of paths) {
        const a = off.get(path)!;
        const b = on.get(path)!;
        const same = a === b;
        if (!same) different++;
        console.log(
          `${path.padEnd(10)} visible text JS off vs on: ${
            same ? `same (${a.length} characters)` : `DIFFERENT — ${firstDifference(a, b)}`
          }`,
        );
      }
    }
    if (admin && dash?.status === 200) {
      const off = await visibleTexts(browser, server.url, admin, ["/dashboard"], false);
      const on = await visibleTexts(browser, server.url, admin, ["/dashboard"], true);
      const a = off.get("/dashboard")!;
      const b = on.get("/dashboard")!;
      if (a !== b) different++;
      console.log(
        `/dashboard visible text JS off vs on: ${
          a === b ? `same (${a.length} characters)` : `DIFFERENT — ${firstDifference(a, b)}`
        }`,
      );
    }
    console.log(
      different === 0
        ? "first render with JavaScript off shows the same text as with it on, on every page"
        : `${different} page(s) differ with JavaScript off`,
    );
    if (over > 0 || different > 0) Deno.exitCode = 1;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

if (import.meta.main) await main();
