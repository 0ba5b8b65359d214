/**
 * The Devices page: a critical summary, then one card per device with its practices grouped into
 * critical, suggested and done. Each practice is a `<details>` element, so it opens without
 * JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { UiConfig } from "../config/schema.ts";
import { actionGroups, deviceRating, type Rating } from "../engine/rating.ts";
import type { MergedDevice, PracticeData } from "../engine/types.ts";
import { dayAndMonth, fullDate, plural } from "./format.ts";
import { LastHeard } from "./freshness.tsx";
import { Markdown } from "./markdown.tsx";

const RATING_TEXT: Record<Rating, string> = {
  critical: "Needs attention now",
  warning: "Suggested changes",
  ok: "All good",
  unknown: "Nothing known",
};

/** A device's friendly name and identifying line. */
export function deviceNames(d: MergedDevice): { title: string; id: string } {
  return {
    title: d.friendly_name ?? d.model ?? d.manufacturer ?? "Unknown device",
    id: d.name ?? d.identifiers.serial ?? (d.identifiers.mac_addresses ?? []).join(" "),
  };
}

/** "You have 2 devices that require attention: Pixel 6, ThinkPad X1". */
export function CriticalSummary(props: { devices: readonly MergedDevice[] }): Child {
  const critical = props.devices.filter((d) => deviceRating(d) === "critical");
  if (critical.length === 0) return null;
  const names = critical.map((d) => deviceNames(d).title).join(", ");
  return (
    <p class="summary" role="alert">
      You have <strong class="crit">{plural(critical.length, "device")}</strong> that{" "}
      {critical.length === 1 ? "requires" : "require"} attention:{" "}
      <strong class="crit">{names}</strong>.
    </p>
  );
}

function Practice(
  props: { practiceKey: string; p: PracticeData; kind: "crit" | "sugg" | "done" },
): Child {
  const { p, kind } = props;
  const icon = kind === "done" ? "✓" : "!";
  const label = kind === "crit" ? "Critical" : kind === "sugg" ? "Suggested" : "Done";
  return (
    <li>
      <details>
        <summary>
          <span class={`icon ${kind}`} aria-hidden="true">{icon}</span>
          <span class="visually-hidden">{label}:</span> {p.title ?? props.practiceKey}
          {p.since && kind !== "done" && <span class="since">· since {dayAndMonth(p.since)}</span>}
          {p.deadline && <span class="since">· required by {dayAndMonth(p.deadline)}</span>}
        </summary>
        <div class="practice-body">
          {p.description && <p>{p.description}</p>}
          {p.details && <pre>{p.details}</pre>}
          {kind !== "done" && p.directions && (
            <div class="directions">
              <strong>How to fix it</strong>
              <Markdown text={p.directions} />
            </div>
          )}
          {p.link && p.link !== "#" && /^https?:\/\//.test(p.link) && (
            <p>
              <a href={p.link} rel="noopener noreferrer" target="_blank">More information</a>
            </p>
          )}
        </div>
      </details>
    </li>
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
  const via = d.sources.map((s) => ui.sourceLabels[s] ?? s).join(", ");
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
          It was seen on the {ui.orgName} network, signed in with your credentials, on{" "}
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

/** One device card. */
export function DeviceCard(
  props: { d: MergedDevice; ui: UiConfig; now: Date; all: readonly MergedDevice[]; index: number },
): Child {
  const { d, ui } = props;
  const headingId = `device-${props.index}`;
  const rating = deviceRating(d);
  const names = deviceNames(d);
  const groups = actionGroups(d);
  const unknown = rating === "unknown";
  const match = unknown && !d.identifiers.serial
    ? props.all.find((o) => o !== d && o.model === d.model && o.identifiers.serial)
    : undefined;
  return (
    <article class={`panel device ${rating}`} aria-labelledby={headingId}>
      <div class="head">
        <span class="rating">{RATING_TEXT[rating]}</span>
        <h2 id={headingId}>{names.title}</h2>
        {names.id && <p>{names.id}</p>}
      </div>
      <div class="body">
        {groups.critical.length > 0 && (
          <section>
            <h3 class="crit">Critical</h3>
            <ul class="actions">
              {groups.critical.map(([k, p]) => <Practice practiceKey={k} p={p} kind="crit" />)}
            </ul>
          </section>
        )}
        {groups.suggested.length > 0 && (
          <section>
            <h3 class="sugg">Suggested</h3>
            <ul class="actions">
              {groups.suggested.map(([k, p]) => <Practice practiceKey={k} p={p} kind="sugg" />)}
            </ul>
          </section>
        )}
        {groups.done.length > 0 && (
          <section>
            <h3 class="done">Done</h3>
            <ul class="actions">
              {groups.done.map(([k, p]) => <Practice practiceKey={k} p={p} kind="done" />)}
            </ul>
          </section>
        )}
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
  props: { devices: readonly MergedDevice[]; ui: UiConfig; now: Date; email: string },
): Child {
  if (props.devices.length === 0) {
    return (
      <div id="device-list" class="panel">
        <p>
          No devices found for <strong>{props.email}</strong>.
        </p>
      </div>
    );
  }
  return (
    <div id="device-list">
      {props.devices.some((d) => deviceRating(d) === "critical") && (
        <div class="panel callout">
          <CriticalSummary devices={props.devices} />
        </div>
      )}
      <div class="grid">
        {props.devices.map((d, i) => (
          <DeviceCard d={d} ui={props.ui} now={props.now} all={props.devices} index={i} />
        ))}
      </div>
    </div>
  );
}
