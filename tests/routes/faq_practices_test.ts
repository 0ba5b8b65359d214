/**
 * The FAQ's "What we check and why" (issue 24): a device card's "Done" rows carry no reason any
 * more; the card's one "Why these matter" link leads here, where every practice a card can show
 * has its reason (`DESCRIPTION`) and link (`LINK`), anchored `#practice-<KEY>`. The practices are
 * configured with the original's keys (spec §5.1: `KEY`, `DISPLAY_TITLE`, `DESCRIPTION`, `LINK`,
 * `DISPLAY`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoWith, startApp } from "../support/app.ts";

/** `[id, title]` of each practice the FAQ lists, in order. */
function listed(html: string): [string, string][] {
  return [...html.matchAll(/<h3 id="(practice-[^"]*)">([^<]*)<\/h3>/g)].map((m) => [m[1]!, m[2]!]);
}

Deno.test("the FAQ lists every demo practice with its reason, and each Devices card's Done group links there", async () => {
  const app = await startApp();
  try {
    const cookie = await app.login("green@example.com");
    const faq = await (await app.request("/faq", { cookie })).text();
    assert.match(faq, /<h2 id="what-we-check-h">What we check and why<\/h2>/);
    assert.deepEqual(listed(faq), [
      ["practice-jailed", "The operating system is unmodified"],
      ["practice-encryption", "Disk is encrypted"],
      ["practice-uptodate", "The operating system is up to date"],
      ["practice-autoupdate", "Automatic updates are on"],
      ["practice-firewall", "Firewall is on"],
      ["practice-remotelogin", "Remote Login is off"],
      ["practice-screenlock", "Screen lock is on"],
      ["practice-unknownsources", "Apps come only from the Play Store"],
      ["practice-adbstatus", "USB debugging is off"],
    ]);
    assert.ok(faq.includes(
      '<h3 id="practice-firewall">Firewall is on</h3><p>A firewall blocks connections you did ' +
        "not ask for. It matters most on networks you do not control, such as in cafés, hotels " +
        "and airports.</p>",
    ));
    const devices = await (await app.request("/devices", { cookie })).text();
    const links = devices.match(/<a href="[^"]*">Why these matter<\/a>/g) ?? [];
    const cards = devices.match(/<article /g) ?? [];
    assert.equal(links.length, cards.length, "one link per card with a Done group");
    assert.ok(links.every((l) => l === '<a href="/faq#what-we-check">Why these matter</a>'));
    assert.ok(!devices.includes("A firewall blocks connections"), "no reason on a Done row");
  } finally {
    await app.close();
  }
});

Deno.test("the FAQ names each configured practice once, escaped, with its link; hidden ones and unsafe links left out", async () => {
  const practice = (key: string, more: Record<string, unknown>) => ({
    KEY: key,
    DISPLAY_TITLE: { ok: `${key} <on>`, warn: `${key} off` },
    DESCRIPTION: `Why ${key} & "more".`,
    STATUS_IF_MISSING: "warn",
    ...more,
  });
  const app = await startApp({
    config: demoWith({
      UI: { faq: { url: "https://wiki.example.com/faq" } },
      PRACTICES: {
        firewall: practice("firewall", { LINK: "https://example.com/firewall" }),
        encryption: practice("encryption", { DISPLAY: false }),
        screenlock: practice("screen lock", { LINK: "javascript:alert(1)" }),
      },
      PRACTICES_ENABLED: ["firewall", "encryption", "screenlock"],
    }),
  });
  try {
    const cookie = await app.login("green@example.com");
    const faq = await (await app.request("/faq", { cookie })).text();
    assert.match(faq, /are <a href="https:\/\/wiki.example.com\/faq">in this document<\/a>/);
    const section = faq.slice(faq.indexOf('<section class="panel" id="what-we-check"'));
    assert.ok(
      section.includes(
        '<h3 id="practice-firewall">firewall &lt;on&gt;</h3><p>Why firewall &amp; ' +
          '&quot;more&quot;.</p><p><a href="https://example.com/firewall" rel="noopener ' +
          'noreferrer" target="_blank">More information</a></p>' +
          '<h3 id="practice-screen_lock">screen lock &lt;on&gt;</h3><p>Why screen lock &amp; ' +
          "&quot;more&quot;.</p></section>",
      ),
      section,
    );
    assert.deepEqual(listed(faq).map(([id]) => id), ["practice-firewall", "practice-screen_lock"]);
  } finally {
    await app.close();
  }
});
