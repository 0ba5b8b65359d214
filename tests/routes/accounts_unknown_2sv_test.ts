/**
 * A Google account whose 2-Step Verification state could not be read (the usage report sent
 * `accounts:is_2sv_enrolled` in a form we do not know, or not at all): the Accounts page says we
 * could not read it, beside the gap sentence, never "off"; the Overview lists it as "can't be
 * checked" and does not count it (so no nudge is sent for it either).
 *
 * @module
 */
import assert from "node:assert/strict";
import { z } from "zod";
import type { Account } from "../../engine/core/types.ts";
import type { CallOptions } from "../../engine/core/ports.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import { demoWith, startApp } from "../support/app.ts";
import { registryWith } from "../support/sources.ts";

const PERSON = "user@example.com";

/** An account source like Google's when the 2-Step Verification parameter was unreadable. */
const accounts = {
  load: () =>
    Promise.resolve({
      default: definePlugin(z.object({}).strict(), (_, ctx) => ({
        name: ctx.name,
        timeoutMs: ctx.timeoutMs,
        accountByEmail(email: string, options: CallOptions): Promise<Account> {
          options.reportGap?.({
            kind: "partial",
            reason: "unknown_parameter_type",
            words: "its 2-Step Verification state is in a form we don't know",
          });
          return Promise.resolve({
            name: email,
            type: "google",
            source: ctx.name,
            user_usage: { date: "2026-11-23" },
            last_updated: new Date("2026-11-26T12:00:00Z"),
          });
        },
      }), { kinds: ["accounts"], summary: "test accounts" }),
    }),
};

Deno.test("an unreadable 2-Step Verification state reads 'We could not read…', never 'off'", async () => {
  const app = await startApp({
    registry: registryWith({ accounts }),
    config: demoWith({ PLUGINS: { accounts: {} }, UI: { sourceLabels: { accounts: "Google" } } }),
  });
  try {
    const cookie = await app.login(PERSON);
    const html = await (await app.request("/accounts", { cookie })).text();
    const card = html.slice(html.indexOf('<article id="acct-0"'), html.indexOf("</article>"));
    assert.ok(
      html.includes(
        "<li>1 record from Google could not be read in full: its 2-Step Verification state " +
          "is in a form we don&#39;t know.</li>",
      ),
      html,
    );
    assert.ok(card.includes('class="panel device unknown"'), card);
    assert.ok(card.includes('<span class="rating">Can&#39;t check</span>'), card);
    assert.ok(
      card.includes(
        '<span class="icon unknown" aria-hidden="true">?</span>' +
          '<span class="visually-hidden">Can&#39;t check:</span> ' +
          "We could not read whether 2-Step Verification is on</summary>",
      ),
      card,
    );
    assert.ok(card.includes("<h4>How to check it</h4>"), card);
    assert.ok(!card.includes("is off"), card);
    assert.ok(!card.includes("Fix now"), card);
    // No UI.orgName configured: the sentence names no organisation rather than "your your organisation".
    const cardText = card.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
    assert.ok(cardText.includes("apps are connected to your work account and remove"), cardText);

    const overview = await (await app.request("/", { cookie })).text();
    assert.ok(overview.includes("2-Step Verification can&#39;t be checked"), overview);
    assert.ok(!overview.includes("2-Step Verification is off"), overview);
    const text = overview.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    assert.ok(text.includes("Your to-do list: 1 that can&#39;t be checked."), text);
    assert.ok(text.includes("Overview 0 Devices"), "the badge counts nothing to fix");
  } finally {
    await app.close();
  }
});
