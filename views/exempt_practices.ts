/**
 * The practices an exemption waives on a device card, as HTML text ({@link Html}): "Exempt until
 * 1 March — <reason>, granted by the security team". They are on no to-do list and in no badge
 * (`actionGroups().exempt`), but never vanish from the card.
 *
 * @module
 */
import type { PracticeData } from "../engine/core/types.ts";
import { calendarDay } from "./format.ts";
import { esc, type Html, markup } from "./html.ts";
import { practiceId, practiceTitle } from "./practice_item.ts";

/**
 * What the person reads about one exemption (the granter is never named): its last day (the whole
 * day included, `PracticeExemption.lastDay`), with its year when it is not this year's.
 */
export function exemptText(p: PracticeData, now: Date): string {
  const e = p.exempt;
  if (e === undefined) return "";
  return `Exempt until ${calendarDay(e.lastDay, now)} — ${e.reason}, granted by the security team`;
}

/**
 * The "Exempt" group of a card; nothing when no practice is exempt.
 *
 * @param items the exempt practices, `[key, practice]`, in order
 * @param options `idPrefix`: the card's anchor; `now`: the view's time (for the year)
 * @returns the group's `<section>`, or `""`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const waived = {
 *   title: "Firewall is on",
 *   exempt: { lastDay: "2026-03-01", reason: "lab <machine>" },
 * } as Parameters<typeof exemptGroup>[0][0][1];
 * assert.equal(
 *   exemptGroup([["firewall", waived]], { idPrefix: "dev-X1", now: new Date("2026-02-01") }),
 *   '<section><h3 class="info">Exempt</h3><ul class="actions"><li id="dev-X1-firewall" class="exempt">' +
 *     '<span class="icon info" aria-hidden="true">i</span> <span class="visually-hidden">Exempt:</span> ' +
 *     'Firewall is on<p class="since">Exempt until 1 March — lab &lt;machine&gt;, granted by the ' +
 *     "security team</p></li></ul></section>",
 * );
 * ```
 */
export function exemptGroup(
  items: readonly [string, PracticeData][],
  options: { idPrefix: string; now: Date },
): Html {
  if (items.length === 0) return "" as Html;
  return markup`<section><h3 class="info">Exempt</h3><ul class="actions">${
    items.map(([k, p]) =>
      markup`<li id="${
        esc(practiceId(options.idPrefix, k))
      }" class="exempt"><span class="icon info" aria-hidden="true">i</span> <span class="visually-hidden">Exempt:</span> ${
        esc(practiceTitle(k, p))
      }<p class="since">${esc(exemptText(p, options.now))}</p></li>`
    )
  }</ul></section>`;
}
