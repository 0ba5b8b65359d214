/**
 * What the pages over a person's view share: whose data a request shows (`?email=` for the
 * privileged), "your"/"their" wording, the age line with "Check again", and the body of a list page
 * (the list, or which sources were asked when it is empty). Changes when the pages' common frame
 * does; each page's own content lives in its route module (overview.tsx, devices.tsx, ...).
 *
 * @module
 */
import { invalidMessage, isValidEmail } from "../../engine/identity/identifiers.ts";
import type { PersonView } from "../../engine/view/view.ts";
import { emptyState, type Whose } from "../../views/empty_state.tsx";
import { checkedAge } from "../../views/freshness.tsx";
import { type Html, markup } from "../../views/html.ts";
import { sourceErrors } from "../../views/layout.tsx";
import { sourceGaps } from "../../views/source_gaps.tsx";
import type { Ctx } from "../context.ts";
import { labelsOf } from "./person_data.ts";
import { sameEmail } from "../signin/privilege.ts";
import { errorPage } from "./render.tsx";

/**
 * Whose data this request shows: the person's own, or — for privileged users only — the
 * `?email=` they asked for. Returns a Response when the request must be refused.
 */
export function targetEmail(c: Ctx): string | Response | Promise<Response> {
  const user = c.get("user")!;
  const asked = c.req.query("email");
  if (asked === undefined || sameEmail(asked, user.email)) return user.email;
  if (!user.privileged) {
    return errorPage(c, 403, "You can only see your own devices and alerts.");
  }
  if (!isValidEmail(asked)) return errorPage(c, 400, invalidMessage("email address", asked));
  return asked;
}

/** Who the page is about, for "your"/"their" wording. */
export function whoseOf(c: Ctx, email: string): Whose {
  return { email, self: sameEmail(email, c.get("user")!.email) };
}

/** Labels of the sources that failed, and of those asked, for an empty list. */
export function sourcesOf(
  c: Ctx,
  view: PersonView,
  asked: readonly { name: string }[],
): { failed: string[]; asked: string[] } {
  const names = new Set(asked.map((s) => s.name));
  return {
    failed: labelsOf(c, view.errors.map((e) => e.source).filter((n) => names.has(n))),
    asked: labelsOf(c, [...names]),
  };
}

/**
 * A list page's body, as text: when the list is empty, which sources were asked (and which
 * failed) and how to get listed; else the failed sources' banner above the list itself.
 */
export function listOrEmpty(
  c: Ctx,
  view: PersonView,
  options: { count: number; what: string; whose: Whose; asked: readonly { name: string }[] },
  list: Html,
): Html {
  const { UI } = c.get("deps").config;
  const gaps = sourceGaps({ gaps: view.gaps, labels: UI.sourceLabels });
  if (options.count === 0) {
    const empty = emptyState({
      what: options.what,
      whose: options.whose,
      ui: UI,
      ...sourcesOf(c, view, options.asked),
    });
    return markup`${gaps}${empty}`;
  }
  return markup`${sourceErrors({ errors: view.errors, labels: UI.sourceLabels })}${gaps}${list}`;
}

/** Where "Check again" on this page returns to (path and, for a privileged view, `?email=`). */
export function back(c: Ctx, email: string): string {
  return email === c.get("user")!.email
    ? c.req.path
    : `${c.req.path}?email=${encodeURIComponent(email)}`;
}

/**
 * The age line of a view ("Checked 2 hours ago", "Check again"), as text. In look-up mode
 * "Check again" is not offered: it is the person's own action.
 */
export function ageLine(c: Ctx, view: PersonView, email: string, oob = false): Html {
  const { now, config } = c.get("deps");
  return checkedAge({
    view,
    now: now(),
    csrf: whoseOf(c, email).self ? c.get("user")?.csrf : undefined,
    back: back(c, email),
    labels: config.UI.sourceLabels,
    oob,
  });
}
