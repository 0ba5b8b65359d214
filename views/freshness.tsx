/**
 * How fresh what a person sees is (issue 13): the age line with "Check again", the status line
 * shown while the inventories are being asked on a first view, and per device when its inventory
 * last heard from it. Small components, so wording can change without touching the routes.
 *
 * @module
 */
import type { SourceError } from "../engine/core/types.ts";
import { isoTime, timeAgo } from "./format.ts";
import { attr, esc, type Html, markup } from "./html.ts";

/** What the age line needs to know about the view. */
export interface Freshness {
  collectedAt: Date;
  freshness: "live" | "fresh" | "stale";
  refreshing: boolean;
  /** The refresh waits for the inventories' budget: nothing is being asked yet. */
  refreshQueued: boolean;
  failedRefresh?: { at: Date; errors: SourceError[] } | undefined;
}

/** What {@link checkedAge} shows. */
export interface CheckedAgeProps {
  view: Freshness;
  now: Date;
  csrf: string | undefined;
  /** Where "Check again" returns to (the current page). */
  back: string;
  labels: Record<string, string>;
  oob?: boolean;
}

/**
 * "Checked 2 hours ago. Checking again now…" (a refresh runs), or "… Queued to check again…"
 * (it waits for the inventories' budget, issue 24), and the "Check again" form (a plain POST that
 * works without JavaScript; the server limits how often per person). As text (`views/html.ts`):
 * every person page shows it on every view.
 *
 * @param props the view's freshness, the clock, the person's token (none in look-up mode: no
 *   "Check again"), the page to return to, `UI.sourceLabels`, and whether it is swapped out of band
 * @returns `<div id="checked-age" …>`
 */
export function checkedAge(props: CheckedAgeProps): Html {
  const { view } = props;
  const failed = view.failedRefresh;
  const failedNames = failed
    ? [...new Set(failed.errors.map((e) => props.labels[e.source] ?? e.source))].join(", ")
    : "";
  return markup`<div id="checked-age" class="checked muted"${
    attr("hx-swap-oob", props.oob ? "true" : undefined)
  }><span>Checked <time datetime="${isoTime(view.collectedAt)}">${
    esc(timeAgo(view.collectedAt, props.now))
  }</time>${
    view.refreshing ? markup`. Checking again now; the page shows the answer when it comes.` : null
  }${
    view.refreshQueued
      ? markup`. Queued to check again: the inventories are busy, so this page shows the newest answer we have.`
      : null
  }</span>${
    failed
      ? markup`<span role="status">We tried again ${esc(timeAgo(failed.at, props.now))} but ${
        esc(failedNames)
      } did not answer, so you see what they said before.</span>`
      : null
  }${
    props.csrf
      ? markup`<form method="post" action="/check-again" class="inline"><input type="hidden" name="_csrf_token" value="${
        esc(props.csrf)
      }"><input type="hidden" name="next" value="${
        esc(props.back)
      }"><button type="submit" class="linkish">Check again</button></form>`
      : null
  }</div>`;
}

/**
 * The status line a first view streams at once, naming the inventories being asked. The CSS
 * hides it once the content after it has arrived (`.asking:has(~ .arrived)`).
 *
 * @param names the display names of the sources asked
 * @returns `<p class="asking panel" role="status">…</p>`
 */
export function askingSources(names: readonly string[]): Html {
  return markup`<p class="asking panel" role="status">Asking ${
    esc(names.length > 0 ? names.join(", ") : "the inventories")
  } about your devices. This can take a few seconds the first time.</p>`;
}

/**
 * "JAMF last heard from it 3 hours ago" for one device card, as HTML text (`views/html.ts`: the
 * card is text, issue 24). Sources are named by `labels` (`UI.sourceLabels`), else as configured.
 *
 * @returns the card's foot paragraph
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const now = new Date("2026-11-26T12:00:00Z");
 * assert.equal(
 *   lastHeard({ lastSync: new Date("2026-11-26T10:00:00Z"), sources: ["jamf"], labels: {}, now }),
 *   '<p class="foot">jamf last heard from it <time datetime="2026-11-26T10:00:00.000Z">2 hours ago</time></p>',
 * );
 * ```
 */
export function lastHeard(
  props: { lastSync: Date; sources: readonly string[]; labels: Record<string, string>; now: Date },
): Html {
  const { sources, labels } = props;
  // one source (most devices): its label without an array made and joined
  const names = sources.length === 1
    ? labels[sources[0]!] ?? sources[0]!
    : sources.map((s) => labels[s] ?? s).join(" and ");
  return markup`<p class="foot">${
    esc(names || "Its inventory")
  } last heard from it <time datetime="${isoTime(props.lastSync)}">${
    esc(timeAgo(props.lastSync, props.now))
  }</time></p>`;
}
