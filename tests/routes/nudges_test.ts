/**
 * The person's controls over their nudges: a snooze link from a message asks for confirmation and
 * changes nothing by itself; the confirmed snooze is stored for `NUDGES.SNOOZE_DAYS`; the
 * critical-only choice is saved per channel; forms without the session's token are refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import { csrfOf, demoWith, startApp } from "../support/app.ts";
import { SLACK_TOKEN, startFakeSlack } from "../fakes/slack.ts";

const NOW = new Date("2026-12-07T14:00:00Z");
const ITEM = "device:dev-C02XK1:uptodate";

async function rig() {
  const slack = startFakeSlack();
  const app = await startApp({
    now: NOW,
    config: demoWith({
      PLUGINS: {
        demo: {},
        slack: { SLACK_BOT_TOKEN: SLACK_TOKEN, SLACK_API_URL: slack.apiUrl },
      },
    }),
  });
  const cookie = await app.login("user@example.com");
  return {
    app,
    cookie,
    async [Symbol.asyncDispose]() {
      await app.close();
      await slack.close();
    },
  };
}

Deno.test("a snooze link asks first; the confirmed snooze is stored for SNOOZE_DAYS", async () => {
  await using r = await rig();
  const ask = await r.app.request(`/nudges/snooze?item=${encodeURIComponent(ITEM)}`, {
    cookie: r.cookie,
  });
  assert.equal(ask.status, 200);
  const html = await ask.text();
  assert.ok(html.includes("until 10 December"));
  assert.ok(html.includes(`<input type="hidden" name="item" value="${ITEM}">`));
  const before = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.equal(before.snoozed.size, 0, "the GET changed nothing");

  const done = await r.app.request("/nudges/snooze", {
    method: "POST",
    cookie: r.cookie,
    body: new URLSearchParams({ _csrf_token: csrfOf(html), item: ITEM }),
  });
  assert.equal(done.status, 303);
  assert.equal(done.headers.get("location"), "/nudges/settings?snoozed=1");
  const after = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.deepEqual([...after.snoozed], [[ITEM, new Date("2026-12-10T14:00:00Z")]]);
});

Deno.test("a snooze without the session's token, or of something that is no item, is refused", async () => {
  await using r = await rig();
  const forged = await r.app.request("/nudges/snooze", {
    method: "POST",
    cookie: r.cookie,
    body: new URLSearchParams({ item: ITEM }),
  });
  assert.equal(forged.status, 403);
  const odd = await r.app.request("/nudges/snooze?item=%3Cscript%3E", { cookie: r.cookie });
  assert.equal(odd.status, 400);
  assert.ok((await odd.text()).includes("This snooze link is not one of ours."));
  const history = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.equal(history.snoozed.size, 0);
});

Deno.test("the critical-only choice is saved per channel and shown checked", async () => {
  await using r = await rig();
  const page = await r.app.request("/nudges/settings", { cookie: r.cookie });
  const html = await page.text();
  assert.match(html, /name="critical_only_slack" value="1" ?>/, "unchecked at first");
  const saved = await r.app.request("/nudges/settings", {
    method: "POST",
    cookie: r.cookie,
    body: new URLSearchParams({ _csrf_token: csrfOf(html), critical_only_slack: "1" }),
  });
  assert.equal(saved.status, 303);
  const h = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.equal(h.criticalOnly, true);
  const again = await (await r.app.request("/nudges/settings", { cookie: r.cookie })).text();
  assert.match(again, /name="critical_only_slack" value="1" checked(="")?>/);
});
