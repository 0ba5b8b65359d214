/**
 * The device list as text (views/devices.tsx, issue 24): the exact HTML of a card with a failing
 * practice and an exempt one, inventory text escaped wherever it is written, and the stale note
 * of a look-up. The device is what a Jamf Pro inventory reports of a Mac (`general.name`,
 * `hardware.model`, `hardware.serialNumber`, `operatingSystem.version`; FileVault's
 * `filevault2_status`/`filevault2_percent` as the evidence "Macintosh HD: Not Encrypted (0%)",
 * see views/evidence.ts), merged and evaluated.
 *
 * @module
 */
import assert from "node:assert/strict";
import { demoConfig } from "../../config/demo.ts";
import type { MergedDevice } from "../../engine/core/types.ts";
import { deviceCards, deviceList } from "../../views/devices.tsx";

const UI = demoConfig().UI;
const NOW = new Date("2026-11-26T12:00:00Z");

/** Fry's Mac: encryption failing since 2 November, the firewall waived until 1 March 2027. */
function frysMac(patch: Partial<MergedDevice> = {}): MergedDevice {
  return {
    sources: ["jamf"],
    model: "MacBook Pro (14-inch, 2024)",
    name: "fry-mbp",
    os: "Mac OS X",
    os_version: "15.6",
    last_sync: new Date("2026-11-26T09:00:00Z"),
    identifiers: { serial: "C02FRY001" },
    practices: {
      encryption: {
        status: "warn",
        title: "Disk is not encrypted",
        details: "Macintosh HD: Not Encrypted (0%)",
        description: "A lost laptop then costs hardware, not data.",
        directions: "1. Open **System Settings**\n2. Turn on FileVault",
        link: "https://support.apple.com/guide/mac-help/mh11785/mac",
        since: new Date("2026-11-02T08:00:00Z"),
      },
      firewall: {
        status: "warn",
        title: "Firewall is off",
        description: "Blocks what you did not ask for.",
        exempt: {
          id: "x1",
          until: new Date("2027-03-02T00:00:00Z"),
          lastDay: "2027-03-01",
          reason: "lab machine",
          scope: "device",
        },
      },
    },
    ...patch,
  };
}

const self = { email: "fry@example.com", self: true };

Deno.test("a card with a failing practice and an exempt one is written as hono/jsx wrote it", () => {
  const html = deviceCards({ devices: [frysMac()], ui: UI, now: NOW, whose: self });
  assert.equal(
    html,
    '<div id="device-list"><div class="panel callout"><p class="summary" role="alert">' +
      '<strong class="crit">1 device</strong> needs fixing now: <strong class="crit">' +
      "MacBook Pro (14-inch, 2024)</strong>.</p></div>" +
      '<div class="grid"><article id="dev-C02FRY001" class="panel device critical" ' +
      'aria-labelledby="dev-C02FRY001-h"><div class="head"><span class="rating">Needs fixing</span>' +
      '<h2 id="dev-C02FRY001-h">MacBook Pro (14-inch, 2024)</h2><p>macOS 15.6 · fry-mbp</p></div>' +
      '<div class="body"><section><h3 class="crit">Fix now</h3><ul class="actions">' +
      '<li id="dev-C02FRY001-encryption"><details open><summary>' +
      '<span class="icon crit" aria-hidden="true">!</span>' +
      '<span class="visually-hidden">Fix now:</span> Disk is not encrypted' +
      '<span class="since">· since 2 November</span></summary><div class="practice-body">' +
      '<div class="evidence"><p>Macintosh HD is not encrypted (0 %).</p></div>' +
      '<div class="directions"><h4>How to fix it on macOS</h4><ol><li>Open ' +
      "<strong>System Settings</strong></li><li>Turn on FileVault</li></ol></div>" +
      '<div class="why"><h4>Why it matters</h4><p>A lost laptop then costs hardware, not data.</p>' +
      '</div><p><a href="https://support.apple.com/guide/mac-help/mh11785/mac" ' +
      'rel="noopener noreferrer" target="_blank">More information</a></p></div></details></li>' +
      '</ul></section><section><h3 class="info">Exempt</h3><ul class="actions">' +
      '<li id="dev-C02FRY001-firewall" class="exempt"><span class="icon info" aria-hidden="true">' +
      'i</span> <span class="visually-hidden">Exempt:</span> Firewall is off<p class="since">' +
      "Exempt until 1 March 2027 — lab machine, granted by the security team</p></li></ul>" +
      '</section><details><summary>Device details</summary><dl class="facts"><dt>Model</dt>' +
      "<dd>MacBook Pro (14-inch, 2024)</dd><dt>Platform</dt><dd>Mac OS X</dd><dt>OS version</dt>" +
      "<dd>15.6</dd><dt>Name</dt><dd>fry-mbp</dd><dt>Serial</dt><dd>C02FRY001</dd></dl>" +
      '</details></div><p class="foot">jamf last heard from it ' +
      '<time datetime="2026-11-26T09:00:00.000Z">3 hours ago</time></p></article></div></div>',
  );
});

Deno.test("inventory text with <script> and quotes is escaped wherever a card writes it", () => {
  const mac = frysMac({
    model: `MacBook "Pro"`,
    name: "<script>alert(1)</script>",
    identifiers: { serial: `C02"><script>` },
  });
  mac.practices.firewall!.exempt!.reason = `"lab" <b>machine</b>`;
  const html = deviceCards({ devices: [mac], ui: UI, now: NOW, whose: self });
  assert.equal(html.match(/<script>|<b>/g), null);
  for (
    const written of [
      '<strong class="crit">MacBook &quot;Pro&quot;</strong>',
      '<h2 id="dev-C02___script_-h">MacBook &quot;Pro&quot;</h2>',
      "<p>macOS 15.6 · &lt;script&gt;alert(1)&lt;/script&gt;</p>",
      "<dt>Name</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>",
      "<dt>Serial</dt><dd>C02&quot;&gt;&lt;script&gt;</dd>",
      "Exempt until 1 March 2027 — &quot;lab&quot; &lt;b&gt;machine&lt;/b&gt;, granted by",
    ]
  ) assert.ok(html.includes(written), written);
});

Deno.test("a device not heard from for the stale days asks a looked-up person whether it is theirs", () => {
  const mac = frysMac({ last_sync: new Date("2026-09-01T09:00:00Z") });
  const html = deviceList({
    devices: [mac],
    ui: UI,
    now: NOW,
    whose: { email: "fry@example.com", self: false },
    staleDays: 30,
  });
  assert.ok(!html.includes("callout"), "a stale device is not in the critical summary");
  assert.ok(html.includes('<span class="rating">Not seen since September 2026</span>'));
  assert.ok(html.includes(
    '<p class="stale-note">No inventory has heard from this device since 1 September, so what ' +
      "is shown here is what it reported then. Is it still theirs? If not, tell " +
      '<a href="mailto:security@example.com">security@example.com</a> so it can be taken off ' +
      "the list; if it is, switch it on and connect it to the network so it checks in again.</p>",
  ));
});

Deno.test("a done practice is one line — tick, 'Done:' and title under its id — and the group links to the FAQ once", () => {
  const done = (title: string, details?: string) => ({
    status: "ok" as const,
    title,
    description: "A reason every passing practice used to repeat.",
    link: "https://support.apple.com/guide/mac-help/mh11785/mac",
    ...(details === undefined ? {} : { details }),
  });
  const mac = frysMac({
    practices: {
      encryption: done("Disk is encrypted", "Macintosh HD: Encrypted (100%)"),
      "screen lock": done("Screen lock is on"),
    },
  });
  const group = (href: string) =>
    '<section><h3 class="done">Done</h3><ul class="actions passed">' +
    '<li id="dev-C02FRY001-encryption"><span class="icon done" aria-hidden="true">✓</span>' +
    '<span class="visually-hidden">Done:</span> Disk is encrypted</li>' +
    '<li id="dev-C02FRY001-screen_lock"><span class="icon done" aria-hidden="true">✓</span>' +
    '<span class="visually-hidden">Done:</span> Screen lock is on</li></ul>' +
    `<p class="why-link"><a href="${href}">Why these matter</a></p></section>`;
  const own = deviceCards({ devices: [mac], ui: UI, now: NOW, whose: self });
  assert.ok(own.includes(`<div class="body">${group("/faq#what-we-check")}<details>`), own);
  for (const gone of ["<details open>", "Why it matters", "A reason", "More information", "100"]) {
    assert.ok(!own.includes(gone), gone);
  }
  // in look-up mode the link keeps the looked-up person's context, as every link there does
  const looked = deviceCards({
    devices: [mac],
    ui: UI,
    now: NOW,
    whose: { email: "fry@example.com", self: false },
  });
  assert.ok(looked.includes(group("/faq?email=fry%40example.com#what-we-check")));
});
