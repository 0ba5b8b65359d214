/**
 * The navigation badge (issue 27, counted without building the list since issue 24): on every
 * person page it is the number of counted items of the person's to-do list — what the Overview's
 * summary line counts ("N to fix now, M suggestions") — for every demo person, on their own pages
 * and looked up by the privileged person, before and after answering an alert.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DEMO_PEOPLE } from "../../plugins/sources/demo_people.ts";
import { csrfOf, startApp } from "../support/app.ts";

const PAGES = ["/", "/devices", "/accounts", "/activity", "/faq"];

/** Each demo person's badge (plugins/sources/demo_people.ts, at the test clock). */
const EXPECTED: Record<string, number> = {
  "green@example.com": 0,
  "one-red@example.com": 2,
  "one-unknown@example.com": 3,
  "admin@example.com": 0,
  "nothing@example.com": 0,
  "user@example.com": 10,
};

/** The badge's number. */
function badge(html: string): number {
  const m = /<span class="badge" id="alert-count"[^>]*>(\d+)<\/span>/.exec(html);
  assert.ok(m, "the page has a badge");
  return Number(m[1]);
}

/** What the Overview's summary line counts: "6 to fix now, 4 suggestions." (0 without a line). */
function summaryCount(html: string): number {
  const line = /<p class="lead" id="todo-summary">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
  const counted = line.split(". Also listed")[0]!;
  const fix = /(\d+) to fix now/.exec(counted)?.[1] ?? "0";
  const suggested = /(\d+) suggestions?\b/.exec(counted)?.[1] ?? "0";
  return Number(fix) + Number(suggested);
}

Deno.test("every page's badge counts the Overview's to-do list, for every demo person", async (t) => {
  const app = await startApp();
  try {
    assert.deepEqual(DEMO_PEOPLE.map((p) => p.email).sort(), Object.keys(EXPECTED).sort());
    const admin = await app.login("admin@example.com");
    for (const person of DEMO_PEOPLE) {
      await t.step(person.email, async () => {
        const cookie = await app.login(person.email);
        const looked = `?email=${encodeURIComponent(person.email)}`;
        for (const path of PAGES) {
          const own = await (await app.request(path, { cookie })).text();
          assert.equal(badge(own), EXPECTED[person.email], path);
          const other = await (await app.request(`${path}${looked}`, { cookie: admin })).text();
          assert.equal(badge(other), EXPECTED[person.email], `${path}${looked}`);
        }
        const overview = await (await app.request("/", { cookie })).text();
        assert.equal(summaryCount(overview), EXPECTED[person.email]);
      });
    }
    await t.step("Fry says a sign-in was not him: one fewer on every page", async () => {
      const cookie = await app.login("user@example.com");
      const csrf = csrfOf(await (await app.request("/", { cookie })).text());
      const answer = await app.request("/notifications/signin-fry-3/feedback", {
        method: "POST",
        cookie,
        body: new URLSearchParams({ _csrf_token: csrf, feedback: "no" }),
      });
      assert.equal(answer.status, 303);
      for (const path of PAGES) {
        assert.equal(badge(await (await app.request(path, { cookie })).text()), 9, path);
      }
      assert.equal(summaryCount(await (await app.request("/", { cookie })).text()), 9);
    });
  } finally {
    await app.close();
  }
});
