/**
 * Honest empty states: a list that came back empty because a source failed names that source by
 * its label and says when to try again; a list that is really empty names the sources asked.
 * Also the "your"/"their" wording of pages a privileged person reads about someone else.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";

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

/**
 * What a page says when a list came back empty: names the sources that failed (and says the list
 * may be incomplete and when to try again), or the sources that were asked and found nothing.
 */
export function EmptyState(
  props: {
    what: string;
    whose: Whose;
    failed: readonly string[];
    asked: readonly string[];
    ui: UiConfig;
    /** What the person can do to get listed (shown when nothing failed). */
    help?: Child;
  },
): Child {
  const { whose, ui } = props;
  if (props.failed.length > 0) {
    return (
      <div class="panel banner" role="status">
        <p>
          <strong>We could not list {possessive(whose)} {props.what} right now.</strong>{" "}
          {props.failed.join(", ")}{" "}
          did not answer in time or answered with an error, so this list may be incomplete.
        </p>
        <p>Try again in a few minutes. If it keeps happening, email {ui.contactEmail}.</p>
      </div>
    );
  }
  return (
    <div class="panel">
      <p>
        {props.asked.length > 0
          ? (
            <>
              We asked {listing(props.asked)}:{" "}
              {props.asked.length === 1 ? "it lists no" : "none of them lists any"} {props.what} for
              {" "}
              <strong>{whose.email}</strong>.
            </>
          )
          : <>No source of {props.what} is set up, so none can be listed.</>}
      </p>
      {props.help}
    </div>
  );
}
