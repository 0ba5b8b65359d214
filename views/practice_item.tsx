/**
 * One practice on a device card, and a group of them. A failing practice opens by default and
 * reads in the order a person acts: what is wrong on this device, the numbered steps for this
 * device's OS, then (short, last) why it matters. A practice no source could judge says so and
 * gives the steps to check it yourself. Each is a `<details>` element, so it opens without
 * JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { type Severity, SEVERITY_WORDS } from "../engine/core/severity.ts";
import type { PracticeData } from "../engine/core/types.ts";
import { evidenceSentences } from "./evidence.ts";
import { isSameSitePath, NO_LINK } from "../config/links.ts";
import { dayAndMonth } from "./format.ts";
import { Markdown } from "./markdown.tsx";
import { SEVERITY_CLASS, SEVERITY_ICON } from "./severity_class.ts";

/** How a practice is grouped on a card: fix now, suggested, can't check, done. */
export type PracticeKind = Extract<Severity, "critical" | "suggested" | "unknown" | "ok">;

/** A practice's title, never its configuration key when a title exists (key as a last resort). */
export function practiceTitle(key: string, p: PracticeData): string {
  return p.title ?? key;
}

/** The practice's link to show: a web link or a path on this site; `#` (the original's) is none. */
function safeLink(link: string | undefined): string | undefined {
  if (link === undefined || link === NO_LINK) return undefined;
  return /^https?:\/\//.test(link) || isSameSitePath(link) ? link : undefined;
}

/** One practice row. `sources` are the labels of the inventories that reported the device. */
export function PracticeItem(
  props: {
    practiceKey: string;
    p: PracticeData;
    kind: PracticeKind;
    /** The device's OS as a person knows it (`friendlyOsName`), for "How to fix it on …". */
    os: string | undefined;
    sources: string;
    id: string;
  },
): Child {
  const { p, kind, os } = props;
  const failing = kind === "critical" || kind === "suggested";
  const evidence = evidenceSentences(p.details);
  const link = safeLink(p.link);
  return (
    <li id={props.id}>
      <details open={failing ? true : undefined}>
        <summary>
          <span class={`icon ${SEVERITY_CLASS[kind]}`} aria-hidden="true">
            {SEVERITY_ICON[kind]}
          </span>
          <span class="visually-hidden">{SEVERITY_WORDS[kind].employee}:</span>{" "}
          {practiceTitle(props.practiceKey, p)}
          {p.since && failing && <span class="since">· since {dayAndMonth(p.since)}</span>}
          {p.deadline && <span class="since">· required by {dayAndMonth(p.deadline)}</span>}
        </summary>
        <div class="practice-body">
          {failing && evidence.length > 0 && (
            <div class="evidence">
              {evidence.map((s) => <p>{s}</p>)}
            </div>
          )}
          {kind === "unknown" && (
            <p>
              {evidence.length > 0
                ? evidence.join(" ")
                : props.sources
                ? `${props.sources} did not report this for this device.`
                : "No inventory reported this for this device."}{" "}
              {p.directions ? "You can check it yourself:" : ""}
            </p>
          )}
          {kind !== "ok" && p.directions && (
            <div class="directions">
              {failing && <h4>How to fix it{os ? ` on ${os}` : ""}</h4>}
              <Markdown text={p.directions} />
            </div>
          )}
          {kind === "ok" && evidence.map((s) => <p>{s}</p>)}
          {p.description && (
            <div class="why">
              {failing && <h4>Why it matters</h4>}
              <p>{p.description}</p>
            </div>
          )}
          {link && link !== "#" && (
            <p>
              <a href={link} rel="noopener noreferrer" target="_blank">More information</a>
            </p>
          )}
        </div>
      </details>
    </li>
  );
}

/** A titled group of practices on a card; nothing when empty. */
export function PracticeGroup(
  props: {
    kind: PracticeKind;
    items: readonly [string, PracticeData][];
    /** The device's OS as a person knows it (`friendlyOsName`). */
    os: string | undefined;
    sources: string;
    idPrefix: string;
  },
): Child {
  if (props.items.length === 0) return null;
  return (
    <section>
      <h3 class={SEVERITY_CLASS[props.kind]}>{SEVERITY_WORDS[props.kind].employee}</h3>
      <ul class="actions">
        {props.items.map(([k, p]) => (
          <PracticeItem
            practiceKey={k}
            p={p}
            kind={props.kind}
            os={props.os}
            sources={props.sources}
            id={`${props.idPrefix}-${k.replace(/[^A-Za-z0-9_-]/g, "_")}`}
          />
        ))}
      </ul>
    </section>
  );
}
