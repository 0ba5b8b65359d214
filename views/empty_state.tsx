/**
 * Honest empty states: a list that came back empty because a source failed names that source by
 * its label and says when to try again; a list that is really empty names the sources asked.
 * Also the "your"/"their" wording of pages a privileged person reads about someone else.
 *
 * @module
 */
import type { UiConfig } from "../config/schema.ts";
import { esc, type Html, markup } from "./html.ts";

/** Who a page is about: the signed-in person ("your") or someone a privileged person looks up. */
export interface Whose {
  email: string;
  /** `true` on the signed-in person's own page. */
  self: boolean;
}

/** "A", "A and B", "A, B and C". */
export function listing(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "Your" or "Their", as a page about `whose` says it. */
export function possessive(whose: Whose, capital = false): string {
  const word = whose.self ? "your" : "their";
  return capital ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

/** What {@link emptyState} says it about. */
export interface EmptyStateProps {
  /** The list's name in the sentence ("devices", "accounts", "sign-ins"). */
  what: string;
  whose: Whose;
  /** Labels of the sources that failed. */
  failed: readonly string[];
  /** Labels of the sources asked. */
  asked: readonly string[];
  ui: UiConfig;
}

/**
 * What a page says when a list came back empty: names the sources that failed (and says the list
 * may be incomplete and when to try again), or the sources that were asked and found nothing.
 * As text (`views/html.ts`).
 *
 * @param props the list's name, whose it is, the sources failed and asked, the UI settings
 * @param help what the person can do to get listed (shown when nothing failed)
 * @returns the panel
 */
export function emptyState(props: EmptyStateProps, help?: Html): Html {
  const { whose, ui } = props;
  const what = esc(props.what);
  if (props.failed.length > 0) {
    return markup`<div class="panel banner" role="status"><p><strong>We could not list ${
      esc(possessive(whose))
    } ${what} right now.</strong> ${
      esc(props.failed.join(", "))
    } did not answer in time or answered with an error, so this list may be incomplete.</p><p>Try again in a few minutes. If it keeps happening, email ${
      esc(ui.contactEmail)
    }.</p></div>`;
  }
  const said = props.asked.length > 0
    ? markup`We asked ${esc(listing(props.asked))}: ${
      esc(props.asked.length === 1 ? "it lists no" : "none of them lists any")
    } ${what} for <strong>${esc(whose.email)}</strong>.`
    : markup`No source of ${what} is set up, so none can be listed.`;
  return markup`<div class="panel"><p>${said}</p>${help}</div>`;
}
