/**
 * The parts of the person pages written as text (issue 24: `views/html.ts` instead of hono/jsx):
 * each expected value below is what the JSX component it replaces wrote for the same input
 * (rendered by main before the change; hono/jsx's space for a left-out attribute dropped), with
 * inventory text that must be escaped: a name or place with `<script>`, quotes and `&`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoConfig } from "../../config/demo.ts";
import { accounts } from "../../views/accounts.tsx";
import { activity } from "../../views/activity.tsx";
import { checkedAge } from "../../views/freshness.tsx";
import { markup } from "../../views/html.ts";
import { layout } from "../../views/layout.tsx";
import { notificationCard } from "../../views/notifications.tsx";

const NOW = new Date("2026-11-26T12:00:00Z");
const EVIL = `<script>"x"&'y'</script>`;

Deno.test("accounts(): an account with 2-Step Verification off, its name escaped, on someone else's page", () => {
  const html = accounts({
    accounts: [{
      type: "google",
      name: EVIL,
      source: "google",
      last_updated: NOW,
      user_usage: { "accounts:is_2sv_enrolled": false },
    }],
    whose: { email: "fry@example.com", self: false },
    orgName: undefined,
  });
  assert.equal(
    html,
    '<div class="grid"><article id="acct-0" class="panel device critical" aria-labelledby="ac' +
      'ct-0-h"><div class="head"><span class="rating">Fix now</span><h2 id="acct-0-h">Google ac' +
      "count</h2><p>&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;</p></div><div cl" +
      'ass="body"><ul class="actions"><li id="acct-0-2sv"><details open><summary><span class="i' +
      'con crit" aria-hidden="true">!</span><span class="visually-hidden">Fix now:</span> 2-Ste' +
      'p Verification is off</summary><div class="practice-body"><div class="directions"><h4>Ho' +
      "w to fix it</h4><ol><li>Open Google Account → Security → 2-Step Verification.</li><li>Cl" +
      'ick Get started and follow the steps on your phone.</li></ol><p><a href="https://support' +
      '.google.com/accounts/answer/185839" rel="noopener noreferrer" target="_blank">Google&#39' +
      ';s 2-Step Verification help</a></p></div><div class="why"><h4>Why it matters</h4><p>A se' +
      "cond proof besides the password — a prompt on a phone or a security key — means a stolen" +
      " password alone no longer opens the account.</p></div></div></details></li></ul><p>Check" +
      ' which <a href="https://myaccount.google.com/connections" rel="noopener noreferrer" targ' +
      'et="_blank">apps are connected</a> to their work account and remove any that are not rec' +
      "ognised or no longer used.</p></div></article></div>",
  );
});

Deno.test("activity(): a Duo push reported as fraud, answered 'not me': next steps and the way back", () => {
  const html = activity({
    events: [{
      source: "duo",
      id: "7",
      type: "duo_push",
      success: false,
      reason: "user_marked_fraud",
      ip_address: "203.0.113.9",
      timestamp: new Date("2026-11-26T08:30:00Z"),
      place: "Berlin <DE>",
    }],
    labels: {},
    answers: new Map([["event:duo:7", "no"]]),
    csrf: "TOKEN",
    now: NOW,
    timeZone: "Europe/Berlin",
    resetLink: "https://id.example.com/reset?a=1&b=2",
    contact: "security@example.com",
  });
  assert.equal(
    html,
    '<ol class="signins"><li class="panel signin failed" id="ev-event_duo_7" tabindex="-1"><p' +
      ' class="what"><strong>Duo push denied (reported as fraud)</strong></p><p class="when"><t' +
      'ime datetime="2026-11-26T08:30:00.000Z">today 09:30</time></p><p class="where">Berlin &l' +
      't;DE&gt; · 203.0.113.9</p><div class="answer"><p class="crit">You reported this sign-in ' +
      'as not you.</p><div class="next-steps" role="status"><p><strong>Thank you — the security' +
      ' team has been told and will look into it.</strong></p><ol><li><a href="https://id.examp' +
      'le.com/reset?a=1&amp;b=2">Change your password now</a>, even if you think it is safe.</l' +
      "i><li>Never approve a sign-in prompt you did not start.</li><li>If anything else looks w" +
      'rong, email <a href="mailto:security@example.com">security@example.com</a>.</li></ol></d' +
      'iv><form method="post" action="/notifications/event%3Aduo%3A7/feedback"><input type="hid' +
      'den" name="_csrf_token" value="TOKEN"><input type="hidden" name="notes" value=""><button' +
      ' type="submit" name="feedback" value="yes" class="">It was me after all</button></form><' +
      "/div></li></ol>",
  );
});

Deno.test("layout(): a privileged person looking someone up keeps the navigation in their context", () => {
  const html = layout({
    shell: {
      ui: demoConfig().UI,
      demo: false,
      email: "admin@example.com",
      privileged: true,
      nonce: "NONCE",
      assets: { css: "/static/app.css", js: "/static/htmx.js" },
      csrf: "TOKEN",
    },
    title: "Devices",
    active: "devices",
    alerts: 4,
    lookedUp: `fry"<@example.com`,
  }, markup`<h1>Devices</h1>`);
  assert.equal(
    html,
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content' +
      '="width=device-width, initial-scale=1"><meta name="htmx-config" content="includeIndicato' +
      'rCSS:false"><link rel="icon" href="data:,"><title>Devices · Stethoscope</title><link rel' +
      '="stylesheet" href="/static/app.css"><script src="/static/htmx.js" nonce="NONCE" defer><' +
      '/script></head><body hx-headers="{&quot;X-CSRF-Token&quot;:&quot;TOKEN&quot;}"><a class=' +
      '"skip" href="#main">Skip to content</a><header><div class="bar"><a class="brand" href="/' +
      '?email=fry%22%3C%40example.com">Stethoscope</a><div class="who"><span class="email">admi' +
      'n@example.com</span><form method="post" action="/logout"><button type="submit" class="li' +
      'nkish tap">Sign out</button></form></div><nav aria-label="Main"><ul><li><a href="/?email' +
      '=fry%22%3C%40example.com">Overview <span class="badge" id="alert-count">4</span></a></li' +
      '><li><a href="/devices?email=fry%22%3C%40example.com" aria-current="page">Devices</a></l' +
      'i><li><a href="/accounts?email=fry%22%3C%40example.com">Accounts</a></li><li><a href="/a' +
      'ctivity?email=fry%22%3C%40example.com">Activity</a></li><li><a href="/faq?email=fry%22%3' +
      'C%40example.com">FAQ</a></li><li><a href="/dashboard">Dashboard</a></li></ul></nav></div' +
      '></header><form class="lookup" role="search" method="get" action="/devices"><label for="' +
      'lookup-email">Look someone up</label><input id="lookup-email" type="email" name="email" ' +
      'required placeholder="name@example.com" autocomplete="off" value="fry&quot;&lt;@example.' +
      'com"><button type="submit">Show</button><a class="tap" href="/devices">Back to mine</a><' +
      '/form><main id="main"><h1>Devices</h1></main><footer class="bar muted"><span>Questions? ' +
      '<a href="mailto:security@example.com">Email security@example.com</a></span></footer></bo' +
      "dy></html>",
  );
});

Deno.test("checkedAge(): queued to check again, after a failed refresh naming each source once", () => {
  const html = checkedAge({
    view: {
      collectedAt: new Date("2026-11-26T09:00:00Z"),
      freshness: "stale",
      refreshing: false,
      refreshQueued: true,
      failedRefresh: {
        at: new Date("2026-11-26T11:00:00Z"),
        errors: ["jamf", "jamf", "x<y"].map((source) => ({
          source,
          operation: "devicesByEmail",
          kind: "timeout" as const,
          message: "",
        })),
      },
    },
    now: NOW,
    csrf: "TOKEN",
    back: "/devices?email=fry%40example.com",
    labels: { jamf: "Jamf & Co" },
  });
  assert.equal(
    html,
    '<div id="checked-age" class="checked muted"><span>Checked <time datetime="2026-11-26T09:' +
      '00:00.000Z">3 hours ago</time>. Queued to check again: the inventories are busy, so this' +
      ' page shows the newest answer we have.</span><span role="status">We tried again 1 hour a' +
      "go but Jamf &amp; Co, x&lt;y did not answer, so you see what they said before.</span><fo" +
      'rm method="post" action="/check-again" class="inline"><input type="hidden" name="_csrf_t' +
      'oken" value="TOKEN"><input type="hidden" name="next" value="/devices?email=fry%40example' +
      '.com"><button type="submit" class="linkish">Check again</button></form></div>',
  );
});

Deno.test("notificationCard(): an unanswered question with its answer form, its id made safe", () => {
  const html = notificationCard({
    n: {
      id: "signin fry/3",
      type: "question",
      message: "From 198.51.100.23 <yesterday>",
      event_timestamp: new Date("2026-11-25T10:00:00Z"),
      severity: "warning",
      answers: [{ value: "yes", label: "This was me" }, { value: "no", label: "This was not me" }],
    },
    state: { dismissed: false },
    now: NOW,
    csrf: "TOKEN",
  });
  assert.equal(
    html,
    '<article id="n-signin_fry_3" tabindex="-1" class="panel notification warning" aria-label' +
      'ledby="n-signin_fry_3-t"><h3 id="n-signin_fry_3-t">A question for you</h3><p class="mute' +
      'd"><time datetime="2026-11-25T10:00:00.000Z">yesterday</time></p><p>From 198.51.100.23 &' +
      'lt;yesterday&gt;</p><form method="post" action="/notifications/signin%20fry%2F3/feedback' +
      '" hx-post="/notifications/signin%20fry%2F3/feedback" hx-target="#n-signin_fry_3" hx-swap' +
      '="outerHTML"><input type="hidden" name="_csrf_token" value="TOKEN"><label for="n-signin_' +
      'fry_3-notes">Anything to add? (optional, write it before you answer)</label><textarea id' +
      '="n-signin_fry_3-notes" name="notes" rows="2" maxlength="2000"></textarea><fieldset clas' +
      's="answers"><legend>Your answer</legend><button type="submit" name="feedback" value="yes' +
      '" class="primary">This was me</button><button type="submit" name="feedback" value="no" c' +
      'lass="secondary">This was not me</button></fieldset></form></article>',
  );
});
