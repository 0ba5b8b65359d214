/**
 * The devices behind the Dashboard's numbers (issue 26), over the demo people's batch run: every
 * linked number has exactly as many rows in its list, its CSV and the JSON API; the look-up box
 * finds a person by email, serial, MAC or host name; all of it for privileged people only.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runDemoBatch } from "../../cli/demo_batch.ts";
import { silentLogger } from "../../config/log.ts";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { demoWith, startApp, type TestApp } from "../support/app.ts";

const ADMIN = "admin@example.com";
const SECRETS = {
  SECRET_KEY: "a-session-secret-shared-by-every-process!",
  JWT_SECRET_KEY: "an-api-token-secret-shared-by-every-process",
  PRIVILEGED_USERS: [ADMIN],
};

/** Runs the demo people's batch on `app`'s engine and store, at its clock. */
async function runBatch(app: TestApp): Promise<void> {
  const { engine, store } = app.services;
  await runDemoBatch(DEMO_PEOPLE.map((p) => p.email), {
    engine,
    store,
    log: silentLogger,
    now: () => app.clock.now,
  });
}

/**
 * Grants an exemption through the form, as a granter would; asserts the 303 and returns the form's
 * CSRF token for later posts.
 */
async function grantThroughForm(
  app: TestApp,
  cookie: string,
  fields: { email: string; device: string; practice: string; reason: string },
): Promise<string> {
  const form = await (await app.request(`/security/exemptions?email=${fields.email}`, {
    cookie,
  })).text();
  const csrf = /name="_csrf_token" value="([0-9a-f]{64})"/.exec(form)![1]!;
  const granted = await app.request("/security/exemptions", {
    method: "POST",
    cookie,
    body: new URLSearchParams({ _csrf_token: csrf, until: "2027-03-01", ...fields }),
  });
  assert.equal(granted.status, 303);
  return csrf;
}

/**
 * Grants one-red's Windows laptop (which fails only encryption, plugins/sources/demo_people.ts) an
 * encryption exemption through the form.
 */
function grantOneRedEncryption(app: TestApp, cookie: string): Promise<string> {
  return grantThroughForm(app, cookie, {
    email: "one-red@example.com",
    device: "serial:PF1RED0042",
    practice: "encryption",
    reason: "Encrypted by the lab's own disk tool",
  });
}

async function started(): Promise<TestApp> {
  const app = await startApp({ config: demoWith(SECRETS) });
  await runBatch(app);
  return app;
}

/** Every linked number of the Dashboard: its list's address and the number shown. */
function linkedNumbers(html: string): { href: string; n: number }[] {
  return [...html.matchAll(/<a href="(\/dashboard\/devices\?[^"]*)">(\d+)[ <]/g)]
    .map((m) => ({ href: m[1]!.replaceAll("&amp;", "&"), n: Number(m[2]) }));
}

Deno.test("every Dashboard number leads to exactly that many devices: page, CSV and API", async (t) => {
  const app = await started();
  try {
    const cookie = await app.login(ADMIN);
    const html = await (await app.request("/dashboard", { cookie })).text();
    const numbers = linkedNumbers(html);
    assert.ok(numbers.length >= 40, `${numbers.length} linked numbers`);
    assert.ok(numbers.some((x) => x.href.includes("rating=critical") && x.n === 5));
    const token = await mintToken(app.config, { email: ADMIN, now: app.clock.now });
    for (const { href, n } of numbers) {
      await t.step(`${href.replace(/run=[^&]*&?/, "")} → ${n}`, async () => {
        const page = await (await app.request(href, { cookie })).text();
        assert.match(page, new RegExp(`<p class="lead">${n === 1 ? "1 device" : `${n} devices`}`));
        const csv = await app.request(href.replace("/devices?", "/devices.csv?"), { cookie });
        assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
        const lines = (await csv.text()).split("\r\n").filter(Boolean);
        assert.equal(lines.length - 1, n, "CSV rows");
        const api = await app.request(href.replace("/dashboard/", "/api/v1/dashboard/"), {
          headers: { Authorization: `Bearer ${token}` },
        });
        const body = await api.json();
        assert.equal(body.total, n, "API total");
        assert.equal(body.devices.length, Math.min(n, 50));
      });
    }
    await t.step("the critical list names each owner with a link to their look-up", async () => {
      const href = numbers.find((x) => /\?run=[^&]*&rating=critical$/.test(x.href))!.href;
      const page = await (await app.request(href, { cookie })).text();
      assert.match(page, /<h1>Devices: critical<\/h1>/);
      assert.match(page, /<a href="\/\?email=user%40example\.com">user@example\.com<\/a>/);
      assert.match(page, /<a href="\/\?email=one-red%40example\.com">one-red@example\.com<\/a>/);
      const csv = await (await app.request(href.replace("/devices?", "/devices.csv?"), { cookie }))
        .text();
      assert.equal(
        csv.split("\r\n")[0],
        "owner,device,identifier,serial,platform,os,rating,practices not ok,failing since," +
          "deadline,sources,last seen",
      );
      assert.match(
        csv,
        /\r\nuser@example\.com,"MacBook Pro \(16-inch, 2023\)",fry-mbp,DECAFBAD00,/,
      );
    });
  } finally {
    await app.close();
  }
});

Deno.test("the Dashboard's look-up box finds a person by email, serial, MAC or host name", async (t) => {
  const app = await started();
  try {
    const cookie = await app.login(ADMIN);
    const dashboard = await (await app.request("/dashboard", { cookie })).text();
    assert.match(
      dashboard,
      /<form class="lookup" role="search" method="get" action="\/dashboard\/find">/,
    );
    const cases: [string, string][] = [
      ["user@example.com", "/?email=user%40example.com"],
      ["DECAFBAD00", "/?email=user%40example.com"],
      ["decafbad00", "/?email=user%40example.com"],
      ["F0-18-98-DE-CA-00", "/?email=user%40example.com"],
      ["FRY-MBP", "/?email=user%40example.com"],
      ["PF1RED0042", "/?email=one-red%40example.com"],
      ["nothing@example.com", "/?email=nothing%40example.com"],
    ];
    for (const [q, location] of cases) {
      await t.step(`${q} → ${location}`, async () => {
        const res = await app.request(`/dashboard/find?q=${encodeURIComponent(q)}`, { cookie });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), location);
      });
    }
    await t.step("nothing matches: said so, on the page", async () => {
      const res = await app.request("/dashboard/find?q=NO-SUCH-SERIAL", { cookie });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /No device of the latest batch run has this owner/);
    });
    await t.step("an empty look-up is a clear 400", async () => {
      const res = await app.request("/dashboard/find?q=", { cookie });
      assert.equal(res.status, 400);
    });
  } finally {
    await app.close();
  }
});

Deno.test("lists, CSV, look-up and the API are for privileged people only; bad filters are 400", async (t) => {
  const app = await started();
  try {
    const fry = await app.login("user@example.com");
    const admin = await app.login(ADMIN);
    for (const path of ["/dashboard/devices", "/dashboard/devices.csv", "/dashboard/find?q=x"]) {
      await t.step(`${path} refused to Fry`, async () => {
        const res = await app.request(path, { cookie: fry });
        assert.equal(res.status, 403);
        assert.doesNotMatch(await res.text(), /DECAFBAD00|one-red/);
      });
    }
    await t.step("the API refuses Fry's token with 403", async () => {
      const token = await mintToken(app.config, { email: "user@example.com", now: app.clock.now });
      const res = await app.request("/api/v1/dashboard/devices", {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 403);
      assert.equal((await app.request("/api/v1/dashboard/devices")).status, 401);
    });
    for (
      const [query, message] of [
        ["rating=great", /&quot;rating&quot; must be one of critical, suggested, ok, partial/],
        ["status=critical", /&quot;status&quot; needs a &quot;practice&quot;/],
        ["page=0", /&quot;page&quot; is a whole number from 1/],
        ["run=nope", /There is no such batch run/],
      ] as const
    ) {
      await t.step(`${query} is refused in words`, async () => {
        const res = await app.request(`/dashboard/devices?${query}`, { cookie: admin });
        assert.equal(res.status, query.startsWith("run") ? 404 : 400);
        assert.match(await res.text(), message);
      });
    }
    await t.step(
      "a practice no one configured is named as typed, even one an object inherits",
      async () => {
        for (const key of ["constructor", "toString", "__proto__"]) {
          const res = await app.request(`/dashboard/devices?practice=${key}&status=ok`, {
            cookie: admin,
          });
          assert.equal(res.status, 200);
          const html = await res.text();
          assert.match(html, new RegExp(`<h1>Devices: ${key}: ok</h1>`));
          assert.match(html, /<p class="lead">0 devices/);
        }
      },
    );
  } finally {
    await app.close();
  }
});

Deno.test("one exemption granted: the Dashboard's Exempt column counts 1 and its list, CSV and API show that device", async () => {
  const app = await startApp({
    config: demoWith({ ...SECRETS, EXEMPTION_GRANTERS: [ADMIN] }),
  });
  try {
    const cookie = await app.login(ADMIN);
    await grantOneRedEncryption(app, cookie);
    await runBatch(app);
    const html = await (await app.request("/dashboard", { cookie })).text();
    const all = (rating: string) =>
      linkedNumbers(html).find((x) => new RegExp(`\\?run=[^&]*&rating=${rating}$`).test(x.href));
    assert.equal(all("exempt")?.n, 1, "Exempt: 1");
    assert.equal(all("critical")?.n, 4, "Critical: 5 before, one-red's laptop now exempt");
    const href = all("exempt")!.href;
    const page = await (await app.request(href, { cookie })).text();
    assert.match(page, /<h1>Devices: exempt<\/h1>/);
    assert.match(page, /<p class="lead">1 device/);
    const text = page.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    assert.match(
      text,
      / one-red@example\.com ThinkPad T14 Gen 4 .* · HERMES-T14 Disk is encrypted: exempt — — LANDESK /,
    );
    const csv = (await (await app.request(href.replace("/devices?", "/devices.csv?"), { cookie }))
      .text()).split("\r\n").filter(Boolean);
    assert.equal(csv.length, 2);
    assert.match(csv[1]!, /^one-red@example\.com,.*,PF1RED0042,Windows,.*,exempt,/);
    const api = await (await app.request(href.replace("/dashboard/", "/api/v1/dashboard/"), {
      cookie,
    })).json();
    assert.equal(api.total, 1);
    assert.equal(api.devices[0].serial, "PF1RED0042");
    assert.equal(api.devices[0].rating, "exempt");
  } finally {
    await app.close();
  }
});

Deno.test("a grant and a revocation change the Dashboard, its list and CSV at once, without a batch run", async () => {
  const app = await startApp({ config: demoWith({ ...SECRETS, EXEMPTION_GRANTERS: [ADMIN] }) });
  try {
    const { store } = app.services;
    await runBatch(app);
    const cookie = await app.login(ADMIN);
    const numbers = async () => {
      const html = await (await app.request("/dashboard", { cookie })).text();
      const all = (rating: string) =>
        linkedNumbers(html).find((x) => new RegExp(`\\?run=[^&]*&rating=${rating}$`).test(x.href));
      const enc = linkedNumbers(html).find((x) =>
        /&practice=encryption&status=exempt$/.test(x.href)
      );
      return {
        critical: all("critical")?.n ?? 0,
        exempt: all("exempt")?.n ?? 0,
        encryptionExempt: enc?.n ?? 0,
        href: all("exempt")?.href,
      };
    };
    assert.deepEqual(await numbers(), {
      critical: 5,
      exempt: 0,
      encryptionExempt: 0,
      href: undefined,
    });
    const csrf = await grantOneRedEncryption(app, cookie);
    const after = await numbers();
    assert.deepEqual({ ...after, href: undefined }, {
      critical: 4,
      exempt: 1,
      encryptionExempt: 1,
      href: undefined,
    });
    const csv = (await (await app.request(after.href!.replace("/devices?", "/devices.csv?"), {
      cookie,
    })).text()).split("\r\n").filter(Boolean);
    assert.equal(csv.length, 2);
    assert.match(csv[1]!, /^one-red@example\.com,.*,PF1RED0042,Windows,.*,exempt,/);

    const [e] = await store.exemptions.exemptionsFor("one-red@example.com");
    const revoked = await app.request(`/security/exemptions/${e!.id}/revoke`, {
      method: "POST",
      cookie,
      body: new URLSearchParams({ _csrf_token: csrf, reason: "The disk tool was not enough" }),
    });
    assert.equal(revoked.status, 303);
    assert.deepEqual(await numbers(), {
      critical: 5,
      exempt: 0,
      encryptionExempt: 0,
      href: undefined,
    });
    const critical = await (await app.request(
      `${after.href!.replace(/rating=exempt$/, "rating=critical")}`,
      { cookie },
    )).text();
    assert.match(critical, /<p class="lead">5 devices/);
    assert.ok(critical.includes("HERMES-T14"), "one-red's laptop is critical again");
  } finally {
    await app.close();
  }
});

Deno.test("a grant for someone with several phones restates each of their devices in its own row", async () => {
  // Fry's four Google phones and tablets (plugins/sources/demo_people.ts) have no serial, host name
  // or MAC, only a Google device id: the restatement paired them all with one row (key "m:|"), so
  // after a grant the Pixel 6 stood in two rows and the Pixel 9 was gone from every list.
  const app = await startApp({ config: demoWith({ ...SECRETS, EXEMPTION_GRANTERS: [ADMIN] }) });
  try {
    await runBatch(app);
    const cookie = await app.login(ADMIN);
    const fry = async () => {
      const api = await (await app.request("/api/v1/dashboard/devices?sort=owner", { cookie }))
        .json() as { devices: { email: string; title: string; rating: string }[] };
      return api.devices.filter((d) => d.email === "user@example.com")
        .map((d) => `${d.title}: ${d.rating}`).sort();
    };
    const before = [
      "Chromebook Plus: partial",
      "MacBook Pro (16-inch, 2023): critical",
      "Pixel 6: critical",
      "Pixel 9: partial",
      "ThinkPad X1 Carbon Gen 12: critical",
      "iPad Air: critical",
      "iPhone 16 Pro: partial",
    ];
    assert.deepEqual(await fry(), before);
    await grantThroughForm(app, cookie, {
      email: "user@example.com",
      device: "google:g-fry-4",
      practice: "screenlock",
      reason: "A shared test phone in the lab",
    });
    assert.deepEqual(
      await fry(),
      before.map((d) => d.replace("Pixel 9: partial", "Pixel 9: exempt")),
    );
  } finally {
    await app.close();
  }
});
