/**
 * The Devices page: a critical summary, then one card per device with its practices grouped into
 * critical, suggested and done. Each practice is a `<details>` element, so it opens without
 * JavaScript. The list is written as HTML text (`views/html.ts`, issue 24): a Devices view by a
 * different person costs string concatenation, not a tree of JSX nodes per practice.
 *
 * @module
 */
import type { UiConfig } from "../config/schema.ts";
import { type ActionGroups, actionGroups, ratingOfGroups } from "../engine/view/rating.ts";
import { DEFAULT_STALE_DAYS, isStale } from "../engine/view/todo.ts";
import { formatDay, formatMonth } from "../engine/releases/releases.ts";
import type { Rating } from "../engine/core/severity.ts";
import type { MergedDevice } from "../engine/core/types.ts";
import { deviceAnchor, deviceNames, osLine } from "../engine/view/device_names.ts";
import { friendlyOsName } from "../engine/practices/practice_titles.ts";
import { fullDate, plural } from "./format.ts";
import { lastHeard } from "./freshness.tsx";
import { emptyState, type Whose } from "./empty_state.tsx";
import { esc, type Html, markup } from "./html.ts";
import { type CardFacts, practiceGroup, WHAT_WE_CHECK } from "./practice_item.ts";
import { personHref } from "./person_link.ts";
import { exemptGroup } from "./exempt_practices.ts";
import { RATING_CLASS } from "./severity_class.ts";
import { sourceLabels } from "./source_label.ts";

export { deviceAnchor, deviceNames, osLine };

/**
 * A device as its card and the list's summary see it, each worked out once per view: its
 * practices split into groups, its rating (`ratingOfGroups`, the same as `deviceRating`), its
 * names, and whether no inventory has heard from it for the stale days.
 */
export interface ShownDevice {
  d: MergedDevice;
  groups: ActionGroups;
  rating: Rating;
  names: { title: string; id: string };
  stale: boolean;
}

/**
 * Works out what the cards of a list show of each device.
 *
 * @param devices the person's merged devices, in the order shown
 * @param now the view's time
 * @param staleDays days after which a device not heard from is asked about
 * @returns one {@link ShownDevice} per device, in order
 */
export function shownDevices(
  devices: readonly MergedDevice[],
  now: Date,
  staleDays: number,
): ShownDevice[] {
  return devices.map((d) => {
    const groups = actionGroups(d);
    const rating = ratingOfGroups(groups);
    return { d, groups, rating, names: deviceNames(d), stale: isStale(d, now, staleDays) };
  });
}

/** The headline of a device card, by rating (`groups` are the card's `actionGroups`). */
function ratingText(rating: Rating, groups: ActionGroups): string {
  const unknown = groups.cannotCheck.length;
  if (rating === "ok" && unknown > 0) return `Nothing to fix · ${unknown} can't be checked`;
  return RATING_TEXT[rating];
}

const RATING_TEXT: Record<Rating, string> = {
  critical: "Needs fixing",
  suggested: "Suggested changes",
  ok: "All good",
  unknown: "Nothing known",
};

/**
 * "2 devices need fixing now: Pixel 6, ThinkPad X1" — devices not seen for the stale days left
 * out: they are asked about on their card, as on the Overview.
 *
 * @param shown the list's devices ({@link shownDevices})
 * @returns the summary paragraph, or `""` when no device that is not stale needs fixing
 */
export function criticalSummary(shown: readonly ShownDevice[]): Html {
  const critical = shown.filter((s) => s.rating === "critical" && !s.stale);
  if (critical.length === 0) return "" as Html;
  const names = critical.map((s) => s.names.title).join(", ");
  return markup`<p class="summary" role="alert"><strong class="crit">${
    esc(plural(critical.length, "device"))
  }</strong> ${
    critical.length === 1 ? markup`needs` : markup`need`
  } fixing now: <strong class="crit">${esc(names)}</strong>.</p>`;
}

/** One row of "Device details", when the inventories know it (`label` literal, not escaped). */
function fact(label: string, value: string | undefined): Html {
  return (value ? `<dt>${label}</dt><dd>${esc(value)}</dd>` : "") as Html;
}

/** The "Device details" disclosure: what the inventories say the device is, known facts only. */
function facts(d: MergedDevice): Html {
  const ids = d.identifiers;
  return markup`<details><summary>Device details</summary><dl class="facts">${
    fact("Type", d.type)
  }${fact("Manufacturer", d.manufacturer)}${fact("Model", d.model)}${
    fact("Platform", d.platform ?? d.os)
  }${fact("OS version", d.os_version)}${fact("Name", d.name)}${fact("Serial", ids.serial)}${
    fact("MAC addresses", ids.mac_addresses?.join("\n"))
  }${fact("UDID", ids.udid)}${fact("Status", d.status)}</dl></details>`;
}

/** What the card of a device no practice could judge says: how it was seen, and by whom. */
function unknownDevice(
  d: MergedDevice,
  options: { ui: UiConfig; via: readonly string[]; match: MergedDevice | undefined },
): Html {
  const { ui, match } = options;
  const macs = (d.identifiers.mac_addresses ?? []).join(" ");
  const mailto = `mailto:${ui.contactEmail}?subject=${
    encodeURIComponent(`Unknown device ${macs}`)
  }`;
  return markup`<div class="unknown">${
    match !== undefined &&
    markup`<p>This may be the same device as ${esc(match.model ?? "")} (${
      esc(match.identifiers.serial ?? "")
    }).</p>`
  }<p>We have no information about the security of this device. It was detected via ${
    esc(options.via.join(", "))
  }.</p>${
    !d.model && !!d.last_sync &&
    markup`<p>It was seen on ${
      esc(ui.orgName ? `the ${ui.orgName}` : "your organisation's")
    } network, signed in with your credentials, on ${
      esc(fullDate(d.last_sync))
    }. If that was not you, email <a href="${esc(mailto)}">${esc(ui.contactEmail)}</a>.</p>`
  }</div>`;
}

/**
 * Said on the card of a device no inventory has heard from for the stale days: what it shows is
 * what the device reported then, and whether it is still the person's is the question.
 */
function staleNote(lastSync: Date, options: { now: Date; ui: UiConfig; self: boolean }): Html {
  const contact = esc(options.ui.contactEmail);
  return markup`<p class="stale-note">No inventory has heard from this device since ${
    esc(formatDay(lastSync, options.now))
  }, so what is shown here is what it reported then. Is it still ${
    options.self ? markup`yours` : markup`theirs`
  }? If not, tell <a href="mailto:${contact}">${contact}</a> so it can be taken off the list; if it is, switch it on and connect it to the network so it checks in again.</p>`;
}

/** The card's head: its rating, title and identifying line. */
function cardHead(shown: ShownDevice, headingId: Html): Html {
  const { d, names } = shown;
  const os = osLine(d);
  const rating = shown.stale
    ? `Not seen since ${formatMonth(d.last_sync!)}`
    : ratingText(shown.rating, shown.groups);
  return markup`<div class="head"><span class="rating">${esc(rating)}</span><h2 id="${headingId}">${
    esc(names.title)
  }</h2>${
    !!(os || names.id) && markup`<p>${esc([os, names.id].filter(Boolean).join(" · "))}</p>`
  }</div>`;
}

/**
 * One device card: head, the practices by group (fix now, suggested, can't check, exempt, done),
 * the device's details and when its inventory last heard from it.
 *
 * @param shown the device ({@link shownDevices})
 * @param options `all`: every device of the list (an unknown device without serial may be one of
 *   them); `index`: its place in the list (its anchor when it has no identifier); `self`: `false`
 *   in look-up mode (the stale note then says "theirs"); `whyHref`: where the "Done" group's "Why
 *   these matter" leads, escaped (`CardFacts.whyHref`)
 * @returns the card's `<article>`
 */
export function deviceCard(
  shown: ShownDevice,
  options: {
    ui: UiConfig;
    now: Date;
    all: readonly MergedDevice[];
    index: number;
    self: boolean;
    whyHref: Html;
  },
): Html {
  const { d, groups, rating, stale } = shown;
  const { ui, now } = options;
  const anchor = deviceAnchor(d, options.index);
  const unknown = rating === "unknown";
  const labels = sourceLabels(d.sources, ui.sourceLabels);
  const partial = rating === "ok" && groups.cannotCheck.length > 0;
  const id = esc(anchor);
  const card: CardFacts = {
    os: friendlyOsName(d.os),
    sources: labels.join(" and "),
    idPrefix: id,
    whyHref: options.whyHref,
  };
  const cls = stale ? "stale" : partial ? "partial" : RATING_CLASS[rating];
  return markup`<article id="${id}" class="panel device ${esc(cls)}" aria-labelledby="${id}-h">${
    cardHead(shown, markup`${id}-h`)
  }<div class="body">${stale && staleNote(d.last_sync!, { now, ui, self: options.self })}${
    practiceGroup("critical", groups.critical, card)
  }${practiceGroup("suggested", groups.suggested, card)}${
    !unknown && practiceGroup("unknown", groups.cannotCheck, card)
  }${exemptGroup(groups.exempt, { idPrefix: id, now })}${practiceGroup("ok", groups.done, card)}${
    unknown && unknownDevice(d, { ui, via: labels, match: sameModel(d, options.all) })
  }${facts(d)}</div>${
    !!d.last_sync &&
    lastHeard({ lastSync: d.last_sync, sources: d.sources, labels: ui.sourceLabels, now })
  }</article>`;
}

/** For an unknown device without a serial: another device of the list of the same model, with one. */
function sameModel(d: MergedDevice, all: readonly MergedDevice[]): MergedDevice | undefined {
  if (d.identifiers.serial) return undefined;
  return all.find((o) => o !== d && o.model === d.model && o.identifiers.serial);
}

/** What a device list shows. */
export interface DeviceListProps {
  devices: readonly MergedDevice[];
  ui: UiConfig;
  now: Date;
  whose: Whose;
  /** Labels of the device sources that failed, and of those asked. */
  failed?: readonly string[];
  asked?: readonly string[];
  /** Days after which a device not heard from is asked about (`NUDGES.STALE_DAYS`). */
  staleDays?: number;
}

/**
 * The device list of a person with devices: the critical summary, then the cards.
 *
 * @param props the list ({@link DeviceListProps}); `devices` not empty
 * @returns `<div id="device-list">…</div>`
 */
export function deviceCards(props: DeviceListProps): Html {
  const shown = shownDevices(props.devices, props.now, props.staleDays ?? DEFAULT_STALE_DAYS);
  const summary = criticalSummary(shown);
  const { whose } = props;
  const options = {
    ui: props.ui,
    now: props.now,
    all: props.devices,
    self: whose.self,
    whyHref: esc(personHref(WHAT_WE_CHECK, whose.self ? undefined : whose.email)),
  };
  return markup`<div id="device-list">${
    summary !== "" && markup`<div class="panel callout">${summary}</div>`
  }<div class="grid">${shown.map((s, index) => deviceCard(s, { ...options, index }))}</div></div>`;
}

/** How a person without devices gets one listed (the empty list's help). */
function listingHelp(whose: Whose, ui: UiConfig): Html {
  const contact = esc(ui.contactEmail);
  return markup`<p>A device is listed here once the IT team enrols it (for a laptop) or once ${
    whose.self ? markup`you sign` : markup`they sign`
  } in to the work account on it (for a phone or tablet). Missing one? Email <a href="mailto:${contact}">${contact}</a> and say which device.</p>`;
}

/**
 * The device list fragment (the page includes it; htmx can fetch it alone): the cards, or for a
 * person without devices which sources were asked (and which failed) and how to get a device
 * listed.
 *
 * @param props the list ({@link DeviceListProps})
 * @returns `<div id="device-list">…</div>`
 */
export function deviceList(props: DeviceListProps): Html {
  if (props.devices.length > 0) return deviceCards(props);
  const empty = emptyState({
    what: "devices",
    whose: props.whose,
    failed: props.failed ?? [],
    asked: props.asked ?? [],
    ui: props.ui,
  }, listingHelp(props.whose, props.ui));
  return markup`<div id="device-list">${empty}</div>`;
}
