/**
 * A nudge as people see it: the Slack message rendered from its blocks (a small HTML preview of
 * Block Kit) and the email's HTML part, in Chromium on a 360 px phone and at 1280 px. Every item's
 * fix link points at its card on the person's Devices page, nothing scrolls sideways, and the
 * README's screenshots (`docs/screenshot-nudge-slack.png`, `docs/screenshot-nudge-email.png`)
 * are saved from the 360 px views.
 *
 * @module
 */
import assert from "node:assert/strict";
import { nudgeMessage } from "../../engine/nudges/nudge_message.ts";
import { DEFAULT_NUDGE_SETTINGS, NO_NUDGE_HISTORY, planNudge } from "../../engine/nudges/nudges.ts";
import { slackPreview } from "../support/slack_preview.ts";
import { launch, SHOTS } from "./chromium.ts";

const NOW = new Date("2026-12-07T14:00:00Z");

function digest() {
  const plan = planNudge({
    items: [{
      key: "device:dev-C02XK1:firewall",
      level: "critical",
      title: "Firewall is off",
      where: "MacBook Pro · macOS 15.6",
      href: "/devices#dev-C02XK1-firewall",
    }, {
      key: "device:dev-C02XK1:uptodate",
      level: "suggested",
      title: "Install macOS 15.7.3",
      where: "MacBook Pro · macOS 15.6",
      href: "/devices#dev-C02XK1-uptodate",
      deadline: new Date("2026-12-15T00:00:00Z"),
    }, {
      key: "device:dev-R58N:screenlock",
      level: "critical",
      title: "Screen lock is off",
      where: "Galaxy S21 · Android 14",
      href: "/devices#dev-R58N-screenlock",
    }],
    history: NO_NUDGE_HISTORY,
    settings: DEFAULT_NUDGE_SETTINGS,
    now: NOW,
  });
  assert.ok(plan.send);
  if (!plan.send) throw new Error("unreachable");
  return nudgeMessage(plan, {
    appName: "Stethoscope",
    origin: "https://stethoscope.example.com",
    contactEmail: "security@example.com",
  }, NOW);
}

Deno.test("a nudge in Slack and by email shows each item with its fix link, at 360 and 1280 px", async () => {
  const message = digest();
  const browser = await launch();
  try {
    for (const width of [360, 1280]) {
      const page = await browser.newPage({ viewport: { width, height: 640 } });
      for (
        const [name, html] of [
          ["slack", slackPreview(message.slack.blocks, "Stethoscope")],
          ["email", message.html],
        ] as const
      ) {
        await page.setContent(html);
        const links = await page.locator("a").evaluateAll((as) =>
          as.filter((a) => a.textContent === "How to fix it").map((a) => a.getAttribute("href"))
        );
        assert.deepEqual(links, [
          "https://stethoscope.example.com/devices#dev-C02XK1-firewall",
          "https://stethoscope.example.com/devices#dev-R58N-screenlock",
          "https://stethoscope.example.com/devices#dev-C02XK1-uptodate",
        ], `${name} at ${width}`);
        const text = await page.locator("body").innerText();
        assert.ok(text.includes("Required by 15 December"), `${name} at ${width}`);
        const wide = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.equal(wide, 0, `${name} scrolls sideways at ${width} px`);
        if (width === 360) {
          await page.screenshot({
            path: new URL(`screenshot-nudge-${name}.png`, SHOTS).pathname,
            fullPage: true,
          });
        }
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
