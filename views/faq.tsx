/**
 * The FAQ page: questions and answers from the `UI.faq` setting, then "What we check and why" —
 * every practice a device card can show, with its reason (its `DESCRIPTION`). A card's "Done" group
 * links there instead of carrying each passing practice's reason (issue 24), so the explanation
 * stays one click away without JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";
import type { Practice } from "../engine/practices/practices.ts";
import { practiceName } from "../engine/practices/practice_titles.ts";
import { asChild, esc, type Html, markup } from "./html.ts";
import { moreInformation, practiceId, safeLink } from "./practice_item.ts";

/** The FAQ content: the organisation's questions, then {@link whatWeCheck}. */
export function Faq(props: { ui: UiConfig; practices: readonly Practice[] }): Child {
  return (
    <>
      <Questions ui={props.ui} />
      {asChild(whatWeCheck(props.practices))}
    </>
  );
}

/** The organisation's questions and answers (`UI.faq`), or a link to its document. */
function Questions(props: { ui: UiConfig }): Child {
  const faq = props.ui.faq;
  if (!faq) return <p>No questions have been written yet.</p>;
  if ("url" in faq) {
    return (
      <p>
        Our answers to common questions are <a href={faq.url}>in this document</a>.
      </p>
    );
  }
  return (
    <div class="panel">
      {faq.content.map((e) => (
        <section>
          <h2>{e.question}</h2>
          <p>{e.answer}</p>
        </section>
      ))}
    </div>
  );
}

/**
 * "What we check and why" (`/faq#what-we-check`): each enabled practice a card shows (not those
 * configured `DISPLAY: false`), in the configured order, as its name (`practiceName`: "Disk is
 * encrypted", "The operating system is up to date"), its `DESCRIPTION` and its `LINK` ("More
 * information"). Each is headed `id="practice-<KEY>"` (the key's characters other than letters,
 * digits, `_` and `-` as `_`, as a card's ids). Two practices writing the same key show once: the
 * last, the one a card shows. Nothing when no practice is shown.
 *
 * @param practices the engine's practice set (`engine.parts.practices`)
 * @returns `<section class="panel" id="what-we-check">…</section>`, or `""`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildPracticeSet } from "../engine/practices/practices.ts";
 * import { DEFAULT_PRACTICES } from "../engine/practices/default_practices.ts";
 * const html = whatWeCheck(buildPracticeSet(DEFAULT_PRACTICES, ["encryption"]));
 * assert.ok(html.startsWith('<section class="panel" id="what-we-check" aria-labelledby="what-we-check-h">'));
 * assert.ok(html.includes('<h3 id="practice-encryption">Disk is encrypted</h3>'));
 * ```
 */
export function whatWeCheck(practices: readonly Practice[]): Html {
  const shown = new Map<string, Practice>();
  for (const p of practices) {
    if (p.config.DISPLAY === false) continue;
    shown.delete(p.key);
    shown.set(p.key, p);
  }
  if (shown.size === 0) return "" as Html;
  const entries = [...shown.values()].map((p) => {
    const link = safeLink(p.config.LINK);
    return markup`<h3 id="${esc(practiceId("practice", p.key))}">${
      esc(practiceName(p.config.DISPLAY_TITLE) ?? p.key)
    }</h3>${!!p.config.DESCRIPTION && markup`<p>${esc(p.config.DESCRIPTION)}</p>`}${
      link !== undefined && moreInformation(link)
    }`;
  });
  return markup`<section class="panel" id="what-we-check" aria-labelledby="what-we-check-h"><h2 id="what-we-check-h">What we check and why</h2><p>Each device card shows these practices: what needs fixing opens with the steps for that device, and what is done is listed in one line. Here is why each one matters.</p>${entries}</section>`;
}
