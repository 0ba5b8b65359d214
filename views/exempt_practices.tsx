/**
 * The practices an exemption waives on a device card: "Exempt until 1 March — <reason>, granted by
 * the security team". They are on no to-do list and in no badge (`actionGroups().exempt`), but
 * never vanish from the card.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { PracticeData } from "../engine/core/types.ts";
import { calendarDay } from "./format.ts";
import { practiceTitle } from "./practice_item.tsx";

/**
 * What the person reads about one exemption (the granter is never named): its last day (the whole
 * day included, `PracticeExemption.lastDay`), with its year when it is not this year's.
 */
export function exemptText(p: PracticeData, now: Date): string {
  const e = p.exempt;
  if (e === undefined) return "";
  return `Exempt until ${calendarDay(e.lastDay, now)} — ${e.reason}, granted by the security team`;
}

/** The "Exempt" group of a card; nothing when no practice is exempt. */
export function ExemptGroup(
  props: { items: readonly [string, PracticeData][]; idPrefix: string; now: Date },
): Child {
  if (props.items.length === 0) return null;
  return (
    <section>
      <h3 class="info">Exempt</h3>
      <ul class="actions">
        {props.items.map(([k, p]) => (
          <li id={`${props.idPrefix}-${k.replace(/[^A-Za-z0-9_-]/g, "_")}`} class="exempt">
            <span class="icon info" aria-hidden="true">i</span>{" "}
            <span class="visually-hidden">Exempt:</span> {practiceTitle(k, p)}
            <p class="since">{exemptText(p, props.now)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
