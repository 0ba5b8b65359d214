/**
 * Look-up mode (`?email=`, issue 26): a privileged person sees exactly what the looked-up person
 * sees, read-only. Every link stays in that person's context, the person's own actions (answering,
 * dismissing, check again) are not offered, the badge counts the person's to-do list, and a
 * fragment answer is never a whole page.
 *
 * @module
 */
import assert from "node:assert/strict";
import { csrfOf, startApp } from "../support/app.ts";

/** The demo's privileged person (config/demo.ts) and Fry, the person with seven devices. */
const ADMIN = "admin@example.com";
const FRY = "user@example.com";
const IN_FRY = `email=${encodeURIComponent(FRY)}`;
const PAGES = ["/", "/devices", "/accounts", "/activity"];

/** Every `href` of a page, in order (entities decoded as the browser does). */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
}

/** The links of a page that lead to a person's page (Overview, Devices, Accounts, Activity). */
function personLinks(html: string): string[] {
  return hrefs(html).filter((h) => /^\/(devices|accounts|activity)?([?#]|$)/.test(h));
}

/** The badge's number. */
function badge(html: string): number {
  const m = /<span class="badge" id="alert-count"[^>]*>(\d+)<\/span>/.exec(html);
  assert.ok(m, "the page has a badge");
  return Number(m[1]);
}

/** The Overview's to-do item titles (practice items and alert headings), in order. */
function todoTitles(html: string): string[] {
  const practices = [...html.matchAll(/<li class="todo \w+">.*?<a href="[^"]*">([^<]*)<\/a>/gs)]
    .map((m) => m[1]!);
  const alerts = [...html.matchAll(/<h3 id="n-[^"]*-t">([^<]*)<\/h3>/g)].map((m) => m[1]!);
  return [...practices, ...alerts];
}

Deno.test("look-up mode: every link on the person's pages stays in the looked-up person's context", async (t) => {
  const app = await startApp();
  try {
    const cookie = await app.login(ADMIN);
    for (const path of PAGES) {
      await t.step(path, async () => {
        const html = await (await app.request(`${path}?${IN_FRY}`, { cookie })).text();
        const links = personLinks(html);
        assert.ok(links.length >= 3, `${path}: ${links.join(" ")}`);
        const outside = links.filter((h) => !h.includes(IN_FRY));
        // "Back to mine" is the one way out, and says so
        assert.deepEqual(outside, [path], `${path} links out of Fry's context: ${outside}`);
        assert.match(html, new RegExp(`<a class="tap" href="${path}">Back to mine</a>`));
      });
    }
    await t.step("the Overview's to-do items open Fry's Devices page at the item", async () => {
      const html = await (await app.request(`/?${IN_FRY}`, { cookie })).text();
      assert.ok(hrefs(html).includes(`/devices?${IN_FRY}#dev-DECAFBAD00-firewall`));
    });
    await t.step("the admin's own pages keep plain links", async () => {
      const html = await (await app.request("/", { cookie })).text();
      assert.deepEqual(personLinks(html).filter((h) => h.includes("email=")), []);
    });
  } finally {
    await app.close();
  }
});

Deno.test("look-up mode: the FAQ link keeps Fry's context, and the FAQ shows Fry's badge, not the admin's", async () => {
  const app = await startApp();
  try {
    const fry = await app.login(FRY);
    const admin = await app.login(ADMIN);
    const own = badge(await (await app.request("/", { cookie: fry })).text());
    const overview = await (await app.request(`/?${IN_FRY}`, { cookie: admin })).text();
    assert.ok(hrefs(overview).includes(`/faq?${IN_FRY}`), "the navigation's FAQ link");
    const html = await (await app.request(`/faq?${IN_FRY}`, { cookie: admin })).text();
    assert.equal(badge(html), own);
    assert.notEqual(own, badge(await (await app.request("/faq", { cookie: admin })).text()));
    const outside = hrefs(html).filter((h) =>
      /^\/(devices|accounts|activity|faq)?([?#]|$)/.test(h) && !h.includes(IN_FRY)
    );
    assert.deepEqual(outside, ["/faq"], "only 'Back to mine' leaves Fry's context");
    assert.match(html, /<a class="tap" href="\/faq">Back to mine<\/a>/);
    const refused = await app.request(`/faq?email=${encodeURIComponent(ADMIN)}`, { cookie: fry });
    assert.equal(refused.status, 403, "Fry cannot look anyone up through the FAQ");
  } finally {
    await app.close();
  }
});

Deno.test("look-up mode: what Fry sees, read-only — same to-do list and badge, no one's actions", async (t) => {
  const app = await startApp();
  try {
    const fry = await app.login(FRY);
    const admin = await app.login(ADMIN);
    const own = await (await app.request("/", { cookie: fry })).text();
    const looked = await (await app.request(`/?${IN_FRY}`, { cookie: admin })).text();
    await t.step("the same to-do items, in the same order", () => {
      const items = todoTitles(own);
      assert.ok(items.length >= 10, `${items.length} items`);
      assert.deepEqual(todoTitles(looked), items);
    });
    await t.step("the badge counts Fry's to-do list, not the admin's", async () => {
      const mine = badge(await (await app.request("/", { cookie: admin })).text());
      assert.equal(badge(looked), badge(own));
      assert.notEqual(badge(looked), mine);
    });
    for (const path of PAGES) {
      await t.step(`${path} offers no answer, dismissal or check again`, async () => {
        const html = await (await app.request(`${path}?${IN_FRY}`, { cookie: admin })).text();
        const actions = [...html.matchAll(/<form[^>]*action="([^"]*)"/g)].map((m) => m[1]);
        // the look-up box itself (a GET form) and signing out are the only forms
        assert.deepEqual(actions, ["/logout", path]);
        assert.doesNotMatch(html, /hx-post/);
      });
    }
    await t.step("Fry's own Overview still offers the answers and dismissals", () => {
      assert.match(own, /action="\/notifications\/firewall-fry\/dismiss"/);
      assert.match(own, /action="\/check-again"/);
    });
    await t.step("an answered alert says what Fry answered, in the third person", async () => {
      await app.request("/notifications/signin-fry-3/feedback", {
        method: "POST",
        cookie: fry,
        body: new URLSearchParams({ _csrf_token: csrfOf(own), feedback: "no", notes: "" }),
      });
      const html = await (await app.request(`/?${IN_FRY}`, { cookie: admin })).text();
      assert.match(html, /They answered “This was not me”\./);
      assert.doesNotMatch(html, /You answered/);
    });
    await t.step("Activity shows Fry's answers without the buttons", async () => {
      const html = await (await app.request(`/activity?${IN_FRY}`, { cookie: admin })).text();
      assert.doesNotMatch(html, /This wasn(’|&#39;|')t me<\/button>/);
      assert.doesNotMatch(html, /You (reported|confirmed)/);
    });
  } finally {
    await app.close();
  }
});

Deno.test("a refused htmx request gets a fragment, never a whole page inside the list", async (t) => {
  const app = await startApp();
  try {
    const fry = await app.login(FRY);
    const admin = await app.login(ADMIN);
    const csrf = csrfOf(await (await app.request("/", { cookie: admin })).text());
    for (const action of ["dismiss", "feedback"]) {
      await t.step(`${action} of someone else's alert`, async () => {
        const res = await app.request(`/notifications/firewall-fry/${action}`, {
          method: "POST",
          cookie: admin,
          headers: { "HX-Request": "true" },
          body: new URLSearchParams({ _csrf_token: csrf, feedback: "yes", notes: "" }),
        });
        const html = await res.text();
        assert.equal(res.status, 404);
        assert.doesNotMatch(html, /<!DOCTYPE|<html|<header|<nav/i);
        assert.match(html, /^<div class="panel banner" role="alert">/);
        assert.match(html, /There is no such alert for you\./);
      });
    }
    await t.step("Fry's alert was left alone", async () => {
      assert.match(await (await app.request("/", { cookie: fry })).text(), /firewall is off/);
    });
    await t.step("a plain form post still gets the error page", async () => {
      const res = await app.request("/notifications/firewall-fry/dismiss", {
        method: "POST",
        cookie: admin,
        body: new URLSearchParams({ _csrf_token: csrf }),
      });
      assert.equal(res.status, 404);
      assert.match(await res.text(), /^<!DOCTYPE html>/);
    });
  } finally {
    await app.close();
  }
});
