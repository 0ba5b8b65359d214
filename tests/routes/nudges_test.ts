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

Deno.test("a hand-made snooze link of a critical item is refused, saying why, and nothing is stored", async () => {
  await using r = await rig();
  // Fry's firewall is off: critical on his to-do list (GET /api/v1/todo), never offered a snooze
  const item = "device:dev-DECAFBAD00:firewall";
  const overview = await (await r.app.request("/", { cookie: r.cookie })).text();
  const message = "“Firewall is off” (MacBook Pro (16-inch, 2023) · macOS 15.6) must be fixed " +
    "now, so it cannot be snoozed: critical items are always in your messages. Your Devices " +
    "page says how to fix it.";
  const ask = await r.app.request(`/nudges/snooze?item=${encodeURIComponent(item)}`, {
    cookie: r.cookie,
  });
  assert.equal(ask.status, 409);
  const asked = await ask.text();
  assert.ok(asked.includes(message), asked);
  assert.ok(!asked.includes("Snooze for"), "no confirm button");
  const done = await r.app.request("/nudges/snooze", {
    method: "POST",
    cookie: r.cookie,
    body: new URLSearchParams({ _csrf_token: csrfOf(overview), item }),
  });
  assert.equal(done.status, 409);
  const text = await done.text();
  assert.ok(text.includes(message));
  assert.ok(!text.includes("Snoozed"));
  const history = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.equal(history.snoozed.size, 0);
  // a suggested item of the same device is still snoozed (Automatic updates are off)
  const suggested = "device:dev-DECAFBAD00:autoupdate";
  const ok = await r.app.request("/nudges/snooze", {
    method: "POST",
    cookie: r.cookie,
    body: new URLSearchParams({ _csrf_token: csrfOf(overview), item: suggested }),
  });
  assert.equal(ok.status, 303);
  const after = await r.app.services.store.nudges.nudgeHistory("user@example.com", "slack");
  assert.deepEqual([...after.snoozed.keys()], [suggested]);
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
