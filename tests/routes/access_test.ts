import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import type { AccessRecord } from "../../engine/core/ports.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { csrfOf, demoWith, startApp, type TestApp } from "../support/app.ts";
import { auditRecorder } from "../support/audit_recorder.ts";
import { decodeBase64Url, encodeBase64Url } from "../../lib/base64url.ts";

const A = "one-red@example.com";
const B = "user@example.com";
const ADMIN = "green@example.com";
/** Strings only B's data contains: a device name, a sign-in address, an alert id. */
const B_MARKERS = ["fry-mbp", "DECAFBAD00", "203.0.113.77", "198.51.100.23", "firewall-fry"];

function assertNoDataOfB(body: string, what: string): void {
  for (const m of B_MARKERS) assert.ok(!body.includes(m), `${what} leaked ${m}`);
}

const PAGES = ["/", "/devices", "/accounts", "/activity"];
const API = [
  "devices/merged",
  "devices/staged",
  "accounts/merged",
  "notifications/merged",
  "events/merged",
];

/** Ways of asking for B through a page's query string. */
const QUERY_VARIANTS = [
  `email=${encodeURIComponent(B)}`,
  `email=${encodeURIComponent(B.toUpperCase())}`,
  `email=${encodeURIComponent(B)}&email=${encodeURIComponent(A)}`,
  `email=${encodeURIComponent(` ${B}`)}`,
  `email=${encodeURIComponent(`${B}\u0000`)}`,
];

/** Ways of asking for B through an API path. */
const PATH_VARIANTS = [
  encodeURIComponent(B),
  B,
  B.toUpperCase(),
  `${encodeURIComponent(A)}%2F..%2F${encodeURIComponent(B)}`,
  `${encodeURIComponent(B)}%00`,
  `${encodeURIComponent(B)}%20`,
];

async function setUp(): Promise<{ app: TestApp; records: AccessRecord[] }> {
  const { records, registry } = auditRecorder();
  const app = await startApp({
    registry,
    config: demoWith({ PLUGINS: { demo: {}, recorder: {} }, PRIVILEGED_USERS: [ADMIN] }),
  });
  return { app, records };
}

Deno.test("person A cannot read person B's data through any page or fragment, however the query is written", async (t) => {
  const { app, records } = await setUp();
  try {
    const cookie = await app.login(A);
    for (const path of PAGES) {
      for (const query of QUERY_VARIANTS) {
        for (const fragment of [false, true]) {
          const url = `${path}?${query}`;
          await t.step(`${fragment ? "fragment " : ""}${url}`, async () => {
            const headers: Record<string, string> = fragment ? { "HX-Request": "true" } : {};
            const res = await app.request(url, { cookie, headers });
            const body = await res.text();
            assert.ok(res.status === 403 || res.status === 400, `${url}: ${res.status}`);
            assertNoDataOfB(body, url);
          });
        }
      }
    }
    await t.step("a look-alike parameter name shows A's own data only", async () => {
      const res = await app.request(`/devices?EMAIL=${encodeURIComponent(B)}&e-mail=${B}`, {
        cookie,
      });
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.match(body, /HERMES-T14/);
      assertNoDataOfB(body, "/devices?EMAIL=");
    });
    await t.step("nothing about B was audited as read", () => {
      assert.deepEqual(records.filter((r) => r.target !== A), []);
    });
  } finally {
    await app.close();
  }
});

Deno.test("person A cannot read person B's data through any API route, with a token or a session", async (t) => {
  const { app, records } = await setUp();
  try {
    const token = await mintToken(app.config, { email: A, now: app.clock.now });
    const cookie = await app.login(A);
    const ways: [string, RequestInit & { cookie?: string }][] = [
      ["token", { headers: { Authorization: `Bearer ${token}` } }],
      ["session", { cookie }],
    ];
    for (const [how, init] of ways) {
      for (const route of API) {
        for (const who of PATH_VARIANTS) {
          const url = `/api/v1/${route}/${who}`;
          await t.step(`${how} ${url}`, async () => {
            const res = await app.request(url, init);
            const body = await res.text();
            assert.ok([400, 403, 404].includes(res.status), `${url}: ${res.status} ${body}`);
            assertNoDataOfB(body, url);
          });
        }
      }
    }
    await t.step("debug routes do not exist unless enabled", async () => {
      for (const url of [`/api/v1/devices/email/${B}`, `/api/v1/devices/demo/email/${B}`]) {
        const res = await app.request(url, ways[0]![1]);
        assert.equal(res.status, 404);
        assertNoDataOfB(await res.text(), url);
      }
    });
    await t.step("a token of A with the privileged claim forged in is refused", async () => {
      const [h, p] = token.split(".") as [string, string, string];
      const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(p)));
      const forged = encodeBase64Url(
        new TextEncoder().encode(JSON.stringify({ ...claims, stethoscope_privileged: true })),
      );
      const res = await app.request(`/api/v1/devices/merged/${B}`, {
        headers: { Authorization: `Bearer ${h}.${forged}.${token.split(".")[2]}` },
      });
      assert.equal(res.status, 401);
    });
    await t.step("A can read A's own devices (the matrix can fail)", async () => {
      const res = await app.request(`/api/v1/devices/merged/${A}`, ways[0]![1]);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /HERMES-T14/);
    });
    await t.step("nothing about B was audited as read", () => {
      assert.deepEqual(records.filter((r) => r.target !== A), []);
    });
  } finally {
    await app.close();
  }
});

Deno.test("person A cannot dismiss or answer person B's alerts", async () => {
  const { app } = await setUp();
  try {
    const cookie = await app.login(A);
    const page = await (await app.request("/", { cookie })).text();
    const csrf = /name="_csrf_token" value="([0-9a-f]{64})"/.exec(page)?.[1] ??
      /X-CSRF-Token&quot;:&quot;([0-9a-f]{64})/.exec(page)![1]!;
    const dismiss = await app.request("/notifications/firewall-fry/dismiss", {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: csrf }),
    });
    assert.equal(dismiss.status, 404);
    const answer = await app.request("/notifications/signin-fry-3/feedback", {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: csrf, feedback: "no" }),
    });
    assert.equal(answer.status, 404);
    assert.deepEqual([...await app.services.store.feedback.dismissed(B)], []);
    assert.deepEqual([...await app.services.store.feedback.dismissed(A)], []);
    assert.deepEqual([...await app.services.store.feedback.answers(A)], []);
  } finally {
    await app.close();
  }
});

Deno.test("a privileged user can read B's data through pages, fragments and the API, and every read is audited", async (t) => {
  const { app, records } = await setUp();
  try {
    const cookie = await app.login(ADMIN);
    const token = await mintToken(app.config, { email: ADMIN, now: app.clock.now });
    const expected: [string, RequestInit & { cookie?: string }, string, string][] = [
      [`/devices?email=${B}`, { cookie }, "fry-mbp", "device"],
      [`/devices?email=${B}`, { cookie, headers: { "HX-Request": "true" } }, "fry-mbp", "device"],
      [`/?email=${B}`, { cookie }, "Your MacBook&#39;s firewall is off", "notification"],
      [`/activity?email=${B}`, { cookie }, "203.0.113.77", "event"],
      [`/accounts?email=${B}`, { cookie }, B, "account"],
      [
        `/api/v1/devices/merged/${B}`,
        { headers: { Authorization: `Bearer ${token}` } },
        "fry-mbp",
        "device",
      ],
      [`/api/v1/events/merged/${B}`, { cookie }, "203.0.113.77", "event"],
      [
        `/api/v1/notifications/merged/${B}`,
        { headers: { Authorization: `Bearer ${token}` } },
        "firewall-fry",
        "notification",
      ],
      [`/api/v1/accounts/merged/${B}`, { cookie }, "is_2sv_enrolled", "account"],
    ];
    for (const [url, init, marker, recordType] of expected) {
      await t.step(`${url}${init.headers ? " (fragment or token)" : ""}`, async () => {
        records.length = 0;
        const res = await app.request(url, init);
        assert.equal(res.status, 200);
        assert.ok((await res.text()).includes(marker), `${url} shows ${marker}`);
        const audited = records.filter((r) => r.target === B && r.record_type === recordType);
        assert.equal(audited.length, 1, JSON.stringify(records.map((r) => r.record_type)));
        assert.equal(audited[0]!.accessing_user, ADMIN);
        assert.equal(audited[0]!.context, "merged");
      });
    }
  } finally {
    await app.close();
  }
});

Deno.test("a privileged 'Check again' posted by hand for B asks the inventories and is audited; A's is refused", async (t) => {
  const { app, records } = await setUp();
  try {
    const csrf = async (cookie: string) =>
      csrfOf(await (await app.request("/", { cookie })).text());
    const admin = await app.login(ADMIN);
    const token = await csrf(admin);
    await t.step(
      "the admin refreshes B: one audit record naming the admin, B and why",
      async () => {
        records.length = 0;
        const res = await app.request("/check-again", {
          method: "POST",
          cookie: admin,
          body: new URLSearchParams({ _csrf_token: token, next: `/devices?email=${B}` }),
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), `/devices?email=${encodeURIComponent(B)}`);
        const audited = records.filter((r) => r.target === B);
        assert.deepEqual(
          audited.map((r) => [r.accessing_user, r.record_type, r.context]),
          [[ADMIN, "device", "check again"]],
        );
        assert.ok(JSON.stringify(audited[0]!.data).includes("fry-mbp"), "the devices read");
      },
    );
    await t.step("A, not privileged, is refused and nothing about B is audited", async () => {
      records.length = 0;
      const a = await app.login(A);
      const res = await app.request("/check-again", {
        method: "POST",
        cookie: a,
        body: new URLSearchParams({ _csrf_token: await csrf(a), next: `/devices?email=${B}` }),
      });
      assert.equal(res.status, 403);
      assert.deepEqual(records.filter((r) => r.target === B), []);
    });
  } finally {
    await app.close();
  }
});

Deno.test("without a request logger plugin, a privileged look-up is written to the structured log", async () => {
  const lines: Record<string, unknown>[] = [];
  const app = await startApp({
    config: demoWith({ PRIVILEGED_USERS: [ADMIN] }),
    log: createLogger({ level: "info", sink: (_, line) => lines.push(JSON.parse(line)) }),
  });
  try {
    const cookie = await app.login(ADMIN);
    assert.equal((await app.request(`/devices?email=${B}`, { cookie })).status, 200);
    const audit = lines.filter((l) => l.audit === true && l.target === B);
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.accessing_user, ADMIN);
    assert.equal(audit[0]!.record_type, "device");
    assert.equal(audit[0]!.msg, "data access");
  } finally {
    await app.close();
  }
});
