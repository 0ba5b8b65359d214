/**
 * Over 300 lines: one seeded fuzzer: the request generator, the checks and personas above are
 * shared by the in-process run and the loopback-socket runs below.
 *
 * HTTP fuzzing of the whole app in-process: thousands of random paths, query strings, headers,
 * cookies and bodies, as an anonymous visitor, as a demo person and as a privileged person.
 * Never a 5xx, never a reflected unescaped input (every input carries a `<x-fuzz-N>` marker that
 * must never appear raw in an HTML body), never another person's data.
 *
 * On a real loopback socket too: bodies with a `Content-Length` far over the limit, chunked bodies
 * of any size, bodies that end early, and 200 slow connections that never finish — always a 413
 * over the limit, never a 5xx or an unhandled error, and the server keeps answering.
 *
 * Seeded: the seed is printed on failure; rerun with `FUZZ_SEED=<seed>`.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { csrfOf, demoWith, startApp, type TestApp } from "../support/app.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { params, SEED } from "./arbitraries.ts";
import { completes, sendWire, sentBytes, wirePlan } from "../support/wire.ts";
import { createLogger } from "../../config/log.ts";
import { MAX_BODY_BYTES } from "../../routes/guards/body_limit.ts";

const RUNS = Number(Deno.env.get("HTTP_FUZZ_RUNS") ?? "1000");
const MARK = "\u0001M\u0001"; // replaced by `<x-fuzz-N>` when the request is built
const FRY_ONLY = ["fry-mbp", "DECAFBAD00", "FRY-X1", "PF2FRY0001", "5CD3FRY01", "g-fry-5"];
const GREEN_ONLY = ["amy-mbp", "C02GREEN001"];

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const withMark = fc.tuple(printable, printable).map(([a, b]) => `${a}${MARK}${b}`);
const text = fc.oneof(
  printable,
  withMark,
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    "",
    "user@example.com",
    "green@example.com",
    "admin@example.com",
    `"'><script>${MARK}`,
    `javascript:${MARK}`,
    "//evil.example/x",
    "%ZZ",
    "%00",
    "..",
  ),
);
const huge = fc.constantFrom(1_000, 8_000, 32_000).map((n) => "A".repeat(n) + MARK);

const KNOWN = [
  "/",
  "/devices",
  "/accounts",
  "/activity",
  "/faq",
  "/login",
  "/healthz",
  "/readyz",
  "/metrics",
  "/static/app.css",
  "/auth/oidc/callback",
  "/auth/oidc/login",
  "/notifications/n1/dismiss",
  "/notifications/n1/feedback",
  // Real notification ids of the demo people, so forms reach the store.
  ...DEMO_PEOPLE.flatMap((p) => p.notifications(new Date())).flatMap((n) => [
    `/notifications/${encodeURIComponent(n.id)}/dismiss`,
    `/notifications/${encodeURIComponent(n.id)}/feedback`,
  ]),
  "/api/v1/devices/merged/user@example.com",
  "/api/v1/devices/merged/green@example.com",
  "/api/v1/accounts/merged/user@example.com",
  "/api/v1/notifications/merged/user@example.com",
  "/api/v1/events/merged/user@example.com",
  "/api/v1/devices/serial/DECAFBAD00",
  "/api/v1/devices/macaddr/00:DE:CA:FB:AD:00",
  "/api/v1/feedback/restful_feedback",
];

function encodeLoosely(s: string): string {
  // Keep some characters raw (the URL parser percent-encodes what it must).
  return s.replace(/[#?%\s]/g, (c) => encodeURIComponent(c));
}

const segment = fc.oneof(
  fc.constantFrom("devices", "api", "v1", "merged", "notifications", "static", "x", "dismiss"),
  text.map(encodeURIComponent),
  text.map(encodeLoosely),
);
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...KNOWN), segment).map(([p, s]) => `${p}/${s}`),
  },
  { weight: 2, arbitrary: fc.array(segment, { maxLength: 5 }).map((s) => "/" + s.join("/")) },
);
const query = fc.option(
  fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom("email", "next", "id", "q", "page"), printable),
      fc.oneof(text, huge),
    ),
    { maxLength: 4 },
  ).map((pairs) =>
    "?" + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")
  ),
  { nil: "" },
);

interface Plan {
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  cookie: "own" | "garbage" | "tampered" | "none" | "own+garbage";
  body: {
    kind: "form" | "json" | "text";
    fields: [string, string][];
    csrf: "valid" | "garbage" | "none";
  } | null;
}

const headerValue = fc.oneof(printable, withMark, huge);
const plan: fc.Arbitrary<Plan> = fc.record({
  method: fc.constantFrom(
    ..."GET GET GET GET GET POST POST POST HEAD PUT DELETE OPTIONS PATCH".split(" "),
  ),
  path,
  query,
  headers: fc.array(
    fc.oneof(
      fc.tuple(fc.constant("HX-Request"), fc.oneof(fc.constantFrom("true", "false"), headerValue)),
      fc.tuple(
        fc.constant("HX-Request-Type"),
        fc.oneof(fc.constantFrom("partial", "full"), headerValue),
      ),
      fc.tuple(
        fc.constant("Authorization"),
        fc.oneof(
          headerValue,
          headerValue.map((v) => `Bearer ${v}`),
          headerValue.map((v) => `Basic ${v}`),
          fc.constant("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyQGV4YW1wbGUuY29tIn0."),
        ),
      ),
      fc.tuple(
        fc.constantFrom(
          "X-CSRF-Token",
          "Accept",
          "Content-Type",
          "X-Forwarded-For",
          "X-Real-IP",
          "Referer",
          "User-Agent",
        ),
        headerValue,
      ),
      fc.tuple(
        fc.constant("Origin"),
        fc.oneof(fc.constantFrom("http://localhost", "https://evil.example", "null"), headerValue),
      ),
    ),
    { maxLength: 4 },
  ),
  cookie: fc.constantFrom(
    ..."own own own own own own garbage tampered none own+garbage".split(" ") as Plan["cookie"][],
  ),
  body: fc.option(
    fc.record({
      kind: fc.constantFrom("form", "form", "json", "text"),
      fields: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom("feedback", "notes", "id", "email", "next", "_csrf_token"),
            printable,
          ),
          fc.oneof(text, huge),
        ),
        { maxLength: 5 },
      ),
      csrf: fc.constantFrom("valid", "valid", "garbage", "none"),
    }),
    { nil: null },
  ),
});

interface Persona {
  name: string;
  cookie: string;
  csrf: string;
  /** Strings that must never appear in this persona's responses. */
  forbidden: string[];
}

let counter = 0;
/** Requests sent, by persona and status (written to bench/results/http_fuzz.json). */
const stats = new Map<string, number>();

function build(p: Plan, who: Persona): { url: string; init: RequestInit; marker: string } | null {
  const marker = `<x-fuzz-${++counter}>`;
  const fill = (s: string) => s.split(MARK).join(marker);
  const headers = new Headers();
  try {
    for (const [k, v] of p.headers) headers.set(k, fill(v));
  } catch {
    return null; // not a header a client could send
  }
  const cookie = {
    own: who.cookie,
    garbage: `stethoscope=${marker}; other=${"x".repeat(100)}`,
    tampered: who.cookie.slice(0, -2) + (who.cookie.endsWith("A") ? "BB" : "AA"),
    none: "",
    "own+garbage": `${who.cookie}; junk=${marker}; ${who.cookie.split("=")[0]}=x`,
  }[p.cookie];
  if (cookie) headers.set("Cookie", cookie);
  let body: string | undefined;
  if (p.body && p.method !== "GET" && p.method !== "HEAD") {
    const fields = p.body.fields.map(([k, v]) => [fill(k), fill(v)] as [string, string]);
    if (p.body.csrf !== "none") {
      fields.push(["_csrf_token", p.body.csrf === "valid" ? who.csrf : marker]);
    }
    if (p.body.kind === "form") {
      body = new URLSearchParams(fields).toString();
      if (!headers.has("Content-Type")) {
        headers.set("Content-Type", "application/x-www-form-urlencoded");
      }
    } else if (p.body.kind === "json") {
      body = JSON.stringify(Object.fromEntries(fields));
      if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    } else body = fields.map(([k, v]) => `${k}${v}`).join("\n");
  }
  if (p.method !== "GET" && !headers.has("Origin")) headers.set("Origin", "http://localhost");
  return {
    url: `http://localhost${fill(p.path)}${fill(p.query)}`,
    init: { method: p.method, headers, ...(body === undefined ? {} : { body }) },
    marker,
  };
}

async function check(app: TestApp, who: Persona, p: Plan): Promise<void> {
  const built = build(p, who);
  if (built === null) return;
  let req: Request;
  try {
    req = new Request(built.url, built.init);
  } catch {
    return; // not a request a client could send
  }
  const res = await app.app.request(req);
  stats.set(`${who.name} ${res.status}`, (stats.get(`${who.name} ${res.status}`) ?? 0) + 1);
  const body = await res.text();
  const where = `${who.name} ${p.method} ${built.url.slice(0, 300)} → ${res.status}`;
  assert.ok(res.status < 500, `${where}: server error\n${body.slice(0, 500)}`);
  const type = res.headers.get("content-type") ?? "";
  if (/html/i.test(type) || body.trimStart().startsWith("<")) {
    assert.ok(!body.includes("<x-fuzz-"), `${where}: reflected unescaped input\n${excerpt(body)}`);
  } else if (body.includes("<x-fuzz-")) {
    // Reflected in a non-HTML body: safe only if browsers will not sniff it as HTML.
    assert.match(type, /^(application\/json|text\/plain)/, `${where}: marker in a ${type} body`);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", `${where}: sniffable`);
  }
  for (const s of who.forbidden) {
    assert.ok(!body.includes(s), `${where}: leaks "${s}"\n${excerpt(body, s)}`);
  }
}

function excerpt(body: string, s = "<x-fuzz-"): string {
  const i = body.indexOf(s);
  return body.slice(Math.max(0, i - 200), i + 200);
}

async function persona(
  app: TestApp,
  name: string,
  email: string | null,
  forbidden: string[],
): Promise<Persona> {
  if (email === null) return { name, cookie: "", csrf: "0".repeat(64), forbidden };
  const cookie = await app.login(email);
  const html = await (await app.request("/devices", { cookie })).text();
  return { name, cookie, csrf: csrfOf(html), forbidden };
}

async function fuzz(app: TestApp, who: Persona, numRuns: number): Promise<void> {
  await fc.assert(fc.asyncProperty(plan, (p) => check(app, who, p)), params(numRuns));
  // The signed-in persona must still be signed in (no fuzz input may end the session silently).
  if (who.cookie) {
    const res = await app.request("/devices", { cookie: who.cookie });
    assert.equal(res.status, 200, `${who.name} was signed out by a fuzz input`);
  }
}

Deno.test(`HTTP fuzz: ${RUNS} random requests as an anonymous visitor`, async () => {
  const app = await startApp();
  try {
    const who = await persona(app, "anonymous", null, [...FRY_ONLY, ...GREEN_ONLY]);
    await fuzz(app, who, RUNS);
  } finally {
    await app.close();
  }
});

Deno.test(`HTTP fuzz: ${RUNS} random requests as green@example.com never show user@example.com's devices`, async () => {
  const app = await startApp();
  try {
    const who = await persona(app, "green", "green@example.com", FRY_ONLY);
    await fuzz(app, who, RUNS);
  } finally {
    await app.close();
  }
});

Deno.test(`HTTP fuzz: ${RUNS} random requests as a privileged person`, async () => {
  const app = await startApp({ config: demoWith({ PRIVILEGED_USERS: ["nothing@example.com"] }) });
  try {
    const who = await persona(app, "privileged", "nothing@example.com", []);
    await fuzz(app, who, RUNS);
  } finally {
    await app.close();
  }
});

Deno.test("HTTP fuzz: sent enough requests that reached the routes", async () => {
  const total = [...stats.values()].reduce((a, b) => a + b, 0);
  const ok = [...stats].filter(([k]) => k.endsWith(" 200")).reduce((a, [, n]) => a + n, 0);
  await Deno.mkdir(new URL("../../bench/results/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(
    new URL("../../bench/results/http_fuzz.json", import.meta.url),
    JSON.stringify(
      { seed: SEED, total, byPersonaAndStatus: Object.fromEntries([...stats].sort()) },
      null,
      2,
    ) + "\n",
  );
  assert.ok(total >= RUNS * 3 * 0.9, `only ${total} requests were sent`);
  assert.ok(ok >= total * 0.04, `only ${ok} of ${total} requests answered 200`);
});

// ---- On the wire: body framing and slow clients, against a real loopback server ----------------

const WIRE_RUNS = Math.max(20, Math.round(RUNS / 5));

/** The app on a real loopback socket, with its log kept. */
async function served(): Promise<
  { app: TestApp; port: number; errors: string[]; close: () => Promise<void> }
> {
  const errors: string[] = [];
  const log = createLogger({
    sink: (level, line) => (level === "error" ? errors.push(line) : undefined),
  });
  const app = await startApp({ log });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.app.fetch);
  return {
    app,
    port: server.addr.port,
    errors,
    close: async () => {
      await server.shutdown();
      await app.close();
    },
  };
}

async function healthy(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  await res.body?.cancel();
  return res.status;
}

Deno.test(`HTTP fuzz: ${WIRE_RUNS} huge, chunked and early-ending bodies on a real socket`, async () => {
  const s = await served();
  try {
    const who = await persona(s.app, "user", "user@example.com", []);
    const headers = [
      "Origin: http://localhost",
      "Content-Type: application/x-www-form-urlencoded",
      `Cookie: ${who.cookie}`,
      `X-CSRF-Token: ${who.csrf}`,
    ];
    await fc.assert(
      fc.asyncProperty(wirePlan, async (planned) => {
        // A client that neither finishes nor stops would be waited for: it stops.
        const plan = completes(planned, MAX_BODY_BYTES)
          ? planned
          : { ...planned, closeEarly: true };
        const status = await sendWire(s.port, plan, headers);
        const where = JSON.stringify(plan);
        const over = (plan.framing === "length" && plan.declared > MAX_BODY_BYTES) ||
          (plan.framing === "chunked" && sentBytes(plan) > MAX_BODY_BYTES);
        // A client that stops sending (half-closes) before the server has read the body is taken
        // as having left: the runtime ends the body stream, which is answered 400, not 413.
        const broken = plan.framing === "chunked" && plan.closeEarly;
        if (over) assert.ok(status === 413 || (broken && status === 400), `${where} → ${status}`);
        else assert.ok(status === null || status < 500, `${where} → ${status}`);
        assert.equal(await healthy(s.port), 200, `${where}: server stopped answering`);
      }),
      params(WIRE_RUNS),
    );
    assert.deepEqual(s.errors, [], "no request body made an unhandled error");
  } finally {
    await s.close();
  }
});

Deno.test("HTTP fuzz: 200 slow connections that never finish do not stop others being served", async () => {
  const s = await served();
  const slow: Deno.TcpConn[] = [];
  try {
    const cookie = await s.app.login("user@example.com");
    const partial = [
      "POST /login/demo HTTP/1.1\r\nHost: local", // headers cut short
      "POST /login/demo HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n" +
      "Content-Length: 5000\r\n\r\nemail=", // body cut short
      "POST /login/demo HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n10\r\nemail=", // chunk cut short
    ];
    for (let i = 0; i < 200; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
      slow.push(conn);
      await conn.write(new TextEncoder().encode(partial[i % partial.length]!));
    }
    for (let i = 0; i < 20; i++) {
      assert.equal(await healthy(s.port), 200);
      const res = await fetch(`http://127.0.0.1:${s.port}/devices`, {
        headers: { Cookie: cookie },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    for (const conn of slow.splice(0)) conn.close();
    assert.equal(await healthy(s.port), 200);
    assert.deepEqual(s.errors, []);
  } finally {
    for (const conn of slow) conn.close();
    await s.close();
  }
});
