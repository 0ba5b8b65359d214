/**
 * One practice on a device card, and a group of them, as HTML text ({@link Html}, issue 24). A
 * failing practice opens by default and reads in the order a person acts: what is wrong on this
 * device, the numbered steps for this device's OS, then (short, last) why it matters. A practice
 * no source could judge says so and gives the steps to check it yourself. Each is a `<details>`
 * element, so it opens without JavaScript. A practice that is done is a compact row — its icon,
 * the screen reader's "Done:" and its title — and the "Done" group ends with one link to the FAQ's
 * "What we check and why", where every practice's reason is (the lead's decision, issue 24: the
 * reasons of passing practices were a quarter of an average Devices page's bytes).
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import { type Severity, SEVERITY_WORDS } from "../engine/core/severity.ts";
import type { PracticeData } from "../engine/core/types.ts";
import { evidenceSentences } from "./evidence.ts";
import { isSameSitePath, NO_LINK } from "../config/links.ts";
import { dayAndMonth } from "./format.ts";
import { esc, type Html, markup } from "./html.ts";
import { markdown } from "./markdown.ts";
import { SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";

/** How a practice is grouped on a card: fix now, suggested, can't check, done. */
export type PracticeKind = Extract<Severity, "critical" | "suggested" | "unknown" | "ok">;

/** A practice's title, never its configuration key when a title exists (key as a last resort). */
export function practiceTitle(key: string, p: PracticeData): string {
  return p.title ?? key;
}

/**
 * The practice's link to show (`LINK`): a web link or a path on this site; `undefined` for none,
 * for `#` (the original's "no link") and for anything else (a `javascript:` URL).
 */
export function safeLink(link: string | undefined): string | undefined {
  if (link === undefined || link === NO_LINK) return undefined;
  return /^https?:\/\//.test(link) || isSameSitePath(link) ? link : undefined;
}

const ID_UNSAFE_RE = /[^A-Za-z0-9_-]/g;

/** Practice keys as written in ids ({@link keyInId}): configured keys, a few dozen; bounded. */
const keysInIds = new Map<string, Html>();
const KEYS_IN_IDS_MAX = 1000;

/**
 * A practice key as an id writes it: its characters other than letters, digits, `_` and `-` as
 * `_`, so it is HTML already. Remembered per key: the keys are the configuration's, the same for
 * everybody, and every practice row of every card writes one.
 */
function keyInId(key: string): Html {
  let part = keysInIds.get(key);
  if (part === undefined) {
    part = key.replace(ID_UNSAFE_RE, "_") as Html;
    if (keysInIds.size < KEYS_IN_IDS_MAX) keysInIds.set(key, part);
  }
  return part;
}

/**
 * The element id of a practice on a card: `<card anchor>-<key>`, the key's characters other than
 * letters, digits, `_` and `-` written as `_` (`dev-C02X-firewall`).
 */
export function practiceId(idPrefix: string, key: string): string {
  return `${idPrefix}-${keyInId(key)}`;
}

/**
 * {@link practiceId} as HTML, for a card's rows: the anchor is escaped once per card
 * (`CardFacts.idPrefix`) and the key needs none ({@link keyInId}), so a row escapes nothing for
 * its id.
 */
function rowId(idPrefix: Html, key: string): Html {
  return markup`${idPrefix}-${keyInId(key)}`;
}

/** What a card writes of each kind, escaped once: its class, icon and words. */
const KIND_PARTS: Readonly<Record<PracticeKind, { cls: Html; icon: Html; words: Html }>> = {
  critical: kindParts("critical"),
  suggested: kindParts("suggested"),
  unknown: kindParts("unknown"),
  ok: kindParts("ok"),
};

function kindParts(kind: PracticeKind): { cls: Html; icon: Html; words: Html } {
  return {
    cls: esc(SEVERITY_CLASS[kind]),
    icon: esc(SEVERITY_ICON[kind]),
    words: esc(SEVERITY_WORDS[kind].employee),
  };
}

/** What the practices of one card share. */
export interface CardFacts {
  /** The device's OS as a person knows it (`friendlyOsName`), for "How to fix it on …". */
  os: string | undefined;
  /** The labels of the inventories that reported the device, "JAMF and Google". */
  sources: string;
  /** The card's anchor, escaped; each practice's id starts with it. */
  idPrefix: Html;
  /**
   * Where the "Done" group's "Why these matter" leads, escaped ({@link whyTheseMatter}): the FAQ's
   * "What we check and why", in the looked-up person's context in look-up mode.
   */
  whyHref: Html;
}

/** The summary line: icon, the kind's words for screen readers, title, since and deadline. */
function summary(key: string, p: PracticeData, kind: PracticeKind, failing: boolean): Html {
  const parts = KIND_PARTS[kind];
  return markup`<summary><span class="icon ${parts.cls}" aria-hidden="true">${parts.icon}</span><span class="visually-hidden">${parts.words}:</span> ${
    esc(practiceTitle(key, p))
  }${
    !!p.since && failing &&
    markup`<span class="since">· since ${esc(dayAndMonth(p.since))}</span>`
  }${
    !!p.deadline &&
    markup`<span class="since">· required by ${esc(dayAndMonth(p.deadline))}</span>`
  }</summary>`;
}

/** What a practice no source could judge says before its directions. */
function cannotCheck(p: PracticeData, evidence: readonly string[], sources: string): Html {
  const said = evidence.length > 0
    ? evidence.join(" ")
    : sources
    ? `${sources} did not report this for this device.`
    : "No inventory reported this for this device.";
  return markup`<p>${esc(said)} ${p.directions ? markup`You can check it yourself:` : false}</p>`;
}

/** Distinct "Why it matters" texts kept written, per way of showing them: a few hundred configured. */
export const MAX_WHY_TEXTS = 512;
const whyFailing = new LRUCache<string, Html>({ max: MAX_WHY_TEXTS });
const whyUnknown = new LRUCache<string, Html>({ max: MAX_WHY_TEXTS });

/**
 * "Why it matters" (the practice's configured description), headed on a failing practice. Each
 * distinct text is written once: the key is the configuration's text, the same for everybody,
 * so it hits as well for 100,000 different people as for one (issue 24: it is on every practice
 * of every card).
 */
function why(description: string, failing: boolean): Html {
  const kept = failing ? whyFailing : whyUnknown;
  let html = kept.get(description);
  if (html === undefined) {
    html = markup`<div class="why">${failing && markup`<h4>Why it matters</h4>`}<p>${
      esc(description)
    }</p></div>`;
    kept.set(description, html);
  }
  return html;
}

/** Each evidence sentence as a paragraph. */
function paragraphs(sentences: readonly string[]): Html[] {
  return sentences.map((s) => markup`<p>${esc(s)}</p>`);
}

/** The opened part of a practice: evidence, directions, why it matters, more information. */
function body(p: PracticeData, kind: OpenKind, card: CardFacts): Html {
  const failing = kind === "critical" || kind === "suggested";
  const evidence = evidenceSentences(p.details);
  const link = safeLink(p.link);
  return markup`<div class="practice-body">${
    failing && evidence.length > 0 && markup`<div class="evidence">${paragraphs(evidence)}</div>`
  }${kind === "unknown" && cannotCheck(p, evidence, card.sources)}${
    !!p.directions &&
    markup`<div class="directions">${
      failing && markup`<h4>How to fix it${card.os ? markup` on ${esc(card.os)}` : false}</h4>`
    }${markdown(p.directions)}</div>`
  }${!!p.description && why(p.description, failing)}${
    link !== undefined && moreInformation(link)
  }</div>`;
}

/**
 * "More information": the practice's link ({@link safeLink}), opened in a new tab.
 *
 * @param link a link {@link safeLink} let through
 * @returns `<p><a …>More information</a></p>`
 */
export function moreInformation(link: string): Html {
  return markup`<p><a href="${
    esc(link)
  }" rel="noopener noreferrer" target="_blank">More information</a></p>`;
}

/** The groups whose practices open: everything but "Done". */
type OpenKind = Exclude<PracticeKind, "ok">;

/**
 * One practice row: a `<li>` holding a `<details>` (open when failing) with its summary and body.
 *
 * @param key the practice's configuration key (its id on the card, and its title without one)
 * @param p the practice as evaluated on this device
 * @param kind the group it is shown in ("Done" rows are {@link doneRow}s)
 * @param card what the card's practices share
 * @returns the row's HTML
 */
export function practiceItem(
  key: string,
  p: PracticeData,
  options: { kind: OpenKind; card: CardFacts },
): Html {
  const { kind, card } = options;
  const failing = kind === "critical" || kind === "suggested";
  return markup`<li id="${rowId(card.idPrefix, key)}"><details${failing && markup` open`}>${
    summary(key, p, kind, failing)
  }${body(p, kind, card)}</details></li>`;
}

/** Where a "Done" group's one link leads: the FAQ's section of every practice's reason. */
export const WHAT_WE_CHECK = "/faq#what-we-check";

/** What every "Done" row writes before its title: the tick and the screen reader's "Done:". */
const DONE_MARK =
  markup`<span class="icon ${KIND_PARTS.ok.cls}" aria-hidden="true">${KIND_PARTS.ok.icon}</span><span class="visually-hidden">${KIND_PARTS.ok.words}:</span> `;

/**
 * A practice that is done, as a compact row: its tick, "Done:" for screen readers and its title
 * ("Done: Disk is encrypted"), under the id the Overview and the nudges link to. No evidence and
 * no "Why it matters": the group's one link leads to the FAQ, which has every practice's reason.
 *
 * @param key the practice's configuration key (its id on the card, and its title without one)
 * @param p the practice as evaluated on this device
 * @param idPrefix the card's anchor, escaped
 * @returns `<li id="…">…</li>`
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { esc } from "./html.ts";
 * assert.equal(
 *   doneRow("encryption", { status: "ok", title: "Disk is encrypted" }, esc("dev-C02X")),
 *   '<li id="dev-C02X-encryption"><span class="icon done" aria-hidden="true">✓</span>' +
 *     '<span class="visually-hidden">Done:</span> Disk is encrypted</li>',
 * );
 * ```
 */
export function doneRow(key: string, p: PracticeData, idPrefix: Html): Html {
  return markup`<li id="${rowId(idPrefix, key)}">${DONE_MARK}${esc(practiceTitle(key, p))}</li>`;
}

/**
 * The end of a card's "Done" group: one link to the FAQ's "What we check and why".
 *
 * @param href where it leads, escaped: {@link WHAT_WE_CHECK}, with `?email=` in look-up mode
 * @returns `<p class="why-link">…</p>`
 */
export function whyTheseMatter(href: Html): Html {
  return markup`<p class="why-link"><a href="${href}">Why these matter</a></p>`;
}

/**
 * A titled group of practices on a card ("Fix now", "Suggested", "Can't check", "Done"); nothing
 * when empty. "Done" is compact rows ({@link doneRow}) ending with one "Why these matter" link.
 *
 * @param kind the group
 * @param items the group's practices, `[key, practice]`, in order
 * @param card what the card's practices share
 * @returns the group's `<section>`, or `""`
 */
export function practiceGroup(
  kind: PracticeKind,
  items: readonly [string, PracticeData][],
  card: CardFacts,
): Html {
  if (items.length === 0) return "" as Html;
  const parts = KIND_PARTS[kind];
  if (kind === "ok") {
    return markup`<section><h3 class="${parts.cls}">${parts.words}</h3><ul class="actions passed">${
      items.map(([k, p]) => doneRow(k, p, card.idPrefix))
    }</ul>${whyTheseMatter(card.whyHref)}</section>`;
  }
  return markup`<section><h3 class="${parts.cls}">${parts.words}</h3><ul class="actions">${
    items.map(([k, p]) => practiceItem(k, p, { kind, card }))
  }</ul></section>`;
}
