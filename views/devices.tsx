/**
 * The Devices page: a critical summary, then one card per device with its practices grouped into
 * critical, suggested and done. Each practice is a `<details>` element, so it opens without
 * JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";
import {
  type ActionGroups,
  actionGroups,
  deviceRating,
  ratingOfGroups,
} from "../engine/view/rating.ts";
import { DEFAULT_STALE_DAYS, isStale } from "../engine/view/todo.ts";
import { formatDay, formatMonth } from "../engine/releases/releases.ts";
import type { Rating } from "../engine/core/severity.ts";
import type { MergedDevice } from "../engine/core/types.ts";
import { deviceAnchor, deviceNames, osLine } from "../engine/view/device_names.ts";
import { friendlyOsName } from "../engine/practices/practice_titles.ts";
import { fullDate, plural } from "./format.ts";
import { LastHeard } from "./freshness.tsx";
import { EmptyState, type Whose } from "./empty_state.tsx";
import { PracticeGroup } from "./practice_item.tsx";
import { ExemptGroup } from "./exempt_practices.tsx";
import { RATING_CLASS } from "./severity_class.ts";
import { sourceLabels } from "./source_label.ts";

export { deviceAnchor, deviceNames, osLine };

/** The headline of a device card, by rating (`groups` are the card's {@link actionGroups}). */
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
 * "2 devices need fixing now: Pixel 6, ThinkPad X1" — devices not seen for `staleDays` left out:
 * they are asked about on their card, as on the Overview.
 */
export function CriticalSummary(
  props: { devices: readonly MergedDevice[]; now: Date; staleDays: number },
): Child {
  const critical = props.devices.filter((d) =>
    deviceRating(d) === "critical" && !isStale(d, props.now, props.staleDays)
  );
  if (critical.length === 0) return null;
  const names = critical.map((d) => deviceNames(d).title).join(", ");
  return (
    <p class="summary" role="alert">
      <strong class="crit">{plural(critical.length, "device")}</strong>{" "}
      {critical.length === 1 ? "needs" : "need"} fixing now: <strong class="crit">{names}</strong>.
    </p>
  );
}

function Facts(props: { d: MergedDevice }): Child {
  const { d } = props;
  const rows: [string, string | undefined][] = [
    ["Type", d.type],
    ["Manufacturer", d.manufacturer],
    ["Model", d.model],
    ["Platform", d.platform ?? d.os],
    ["OS version", d.os_version],
    ["Name", d.name],
    ["Serial", d.identifiers.serial],
    ["MAC addresses", d.identifiers.mac_addresses?.join("\n")],
    ["UDID", d.identifiers.udid],
    ["Status", d.status],
  ];
  return (
    <details>
      <summary>Device details</summary>
      <dl class="facts">
        {rows.filter(([, v]) => v).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
    </details>
  );
}

function UnknownDevice(
  props: { d: MergedDevice; ui: UiConfig; match: MergedDevice | undefined },
): Child {
  const { d, ui } = props;
  const via = sourceLabels(d.sources, ui.sourceLabels).join(", ");
  const macs = (d.identifiers.mac_addresses ?? []).join(" ");
  return (
    <div class="unknown">
      {props.match && (
        <p>
          This may be the same device as {props.match.model} ({props.match.identifiers.serial}).
        </p>
      )}
      <p>We have no information about the security of this device. It was detected via {via}.</p>
      {!d.model && d.last_sync && (
        <p>
          It was seen on {ui.orgName ? `the ${ui.orgName}` : "your organisation's"}{" "}
          network, signed in with your credentials, on{" "}
          {fullDate(d.last_sync)}. If that was not you, email{" "}
          <a
            href={`mailto:${ui.contactEmail}?subject=${
              encodeURIComponent(`Unknown device ${macs}`)
            }`}
          >
            {ui.contactEmail}
          </a>.
        </p>
      )}
    </div>
  );
}

/**
 * Said on the card of a device no inventory has heard from for `staleDays`: what it shows is
 * what the device reported then, and whether it is still the person's is the question.
 */
function StaleNote(props: { lastSync: Date; now: Date; ui: UiConfig; self: boolean }): Child {
  const contact = props.ui.contactEmail;
  const self = props.self;
  return (
    <p class="stale-note">
      No inventory has heard from this device since{" "}
      {formatDay(props.lastSync, props.now)}, so what is shown here is what it reported then. Is it
      still {self ? "yours" : "theirs"}? If not, tell <a href={`mailto:${contact}`}>{contact}</a>
      {" "}
      so it can be taken off the list; if it is, switch it on and connect it to the network so it
      checks in again.
    </p>
  );
}

/** One device card. */
export function DeviceCard(
  props: {
    d: MergedDevice;
    ui: UiConfig;
    now: Date;
    all: readonly MergedDevice[];
    index: number;
    /** Days after which a device not heard from is asked about (`NUDGES.STALE_DAYS`). */
    staleDays?: number;
    /** `false` in look-up mode (the note then says "theirs"). */
    self?: boolean;
  },
): Child {
  const { d, ui } = props;
  const stale = isStale(d, props.now, props.staleDays ?? DEFAULT_STALE_DAYS);
  const anchor = deviceAnchor(d, props.index);
  const headingId = `${anchor}-h`;
  const groups = actionGroups(d);
  const rating = ratingOfGroups(groups);
  const names = deviceNames(d);
  const unknown = rating === "unknown";
  const match = unknown && !d.identifiers.serial
    ? props.all.find((o) => o !== d && o.model === d.model && o.identifiers.serial)
    : undefined;
  const sources = sourceLabels(d.sources, ui.sourceLabels).join(" and ");
  const os = osLine(d);
  const partial = rating === "ok" && groups.cannotCheck.length > 0;
  const shared = { os: friendlyOsName(d.os), sources, idPrefix: anchor };
  return (
    <article
      id={anchor}
      class={`panel device ${stale ? "stale" : partial ? "partial" : RATING_CLASS[rating]}`}
      aria-labelledby={headingId}
    >
      <div class="head">
        <span class="rating">
          {stale ? `Not seen since ${formatMonth(d.last_sync!)}` : ratingText(rating, groups)}
        </span>
        <h2 id={headingId}>{names.title}</h2>
        {(os || names.id) && <p>{[os, names.id].filter(Boolean).join(" · ")}</p>}
      </div>
      <div class="body">
        {stale && (
          <StaleNote lastSync={d.last_sync!} now={props.now} ui={ui} self={props.self ?? true} />
        )}
        <PracticeGroup kind="critical" items={groups.critical} {...shared} />
        <PracticeGroup kind="suggested" items={groups.suggested} {...shared} />
        {!unknown && <PracticeGroup kind="unknown" items={groups.cannotCheck} {...shared} />}
        <ExemptGroup items={groups.exempt} idPrefix={anchor} now={props.now} />
        <PracticeGroup kind="ok" items={groups.done} {...shared} />
        {unknown && <UnknownDevice d={d} ui={ui} match={match} />}
        <Facts d={d} />
      </div>
      {d.last_sync && (
        <LastHeard
          lastSync={d.last_sync}
          sources={d.sources}
          labels={ui.sourceLabels}
          now={props.now}
        />
      )}
    </article>
  );
}

/** The device list fragment (the page includes it; htmx can fetch it alone). */
export function DeviceList(
  props: {
    devices: readonly MergedDevice[];
    ui: UiConfig;
    now: Date;
    whose: Whose;
    /** Labels of the device sources that failed, and of those asked. */
    failed?: readonly string[];
    asked?: readonly string[];
    /** Days after which a device not heard from is asked about (`NUDGES.STALE_DAYS`). */
    staleDays?: number;
  },
): Child {
  const staleDays = props.staleDays ?? DEFAULT_STALE_DAYS;
  if (props.devices.length === 0) {
    return (
      <div id="device-list">
        <EmptyState
          what="devices"
          whose={props.whose}
          failed={props.failed ?? []}
          asked={props.asked ?? []}
          ui={props.ui}
          help={
            <p>
              A device is listed here once the IT team enrols it (for a laptop) or once{" "}
              {props.whose.self ? "you sign" : "they sign"}{" "}
              in to the work account on it (for a phone or tablet). Missing one? Email{" "}
              <a href={`mailto:${props.ui.contactEmail}`}>{props.ui.contactEmail}</a>{" "}
              and say which device.
            </p>
          }
        />
      </div>
    );
  }
  return (
    <div id="device-list">
      {props.devices.some((d) =>
        deviceRating(d) === "critical" && !isStale(d, props.now, staleDays)
      ) && (
        <div class="panel callout">
          <CriticalSummary devices={props.devices} now={props.now} staleDays={staleDays} />
        </div>
      )}
      <div class="grid">
        {props.devices.map((d, i) => (
          <DeviceCard
            d={d}
            ui={props.ui}
            now={props.now}
            all={props.devices}
            index={i}
            staleDays={staleDays}
            self={props.whose.self}
          />
        ))}
      </div>
    </div>
  );
}
