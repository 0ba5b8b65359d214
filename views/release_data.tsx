/**
 * How old the OS release data is (SOFA and endoflife.date feeds, the store's copy or the shipped
 * file), for the dashboard: one line, and a call to act when it is older than the threshold.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { formatDay, type ReleaseOrigin } from "../engine/releases/releases.ts";

const FROM: Record<ReleaseOrigin, string> = {
  feed: "fetched from the feeds",
  store: "the last copy fetched (the feeds did not answer since)",
  shipped: "the file shipped with Stethoscope (no feed fetched yet)",
};

/** What the line shows (see `ReleaseStatus` in `plugins/releases/mod.ts`). */
export interface ReleaseDataAgeProps {
  origin: ReleaseOrigin;
  asOf: Date;
  ageDays: number;
  stale: boolean;
  warnAfterDays: number;
  now: Date;
}

/** The release data's origin and age; a callout when it is stale. */
export function ReleaseDataAge(props: ReleaseDataAgeProps): Child {
  const age = `${props.ageDays} ${props.ageDays === 1 ? "day" : "days"} old`;
  return (
    <p id="release-data" class={props.stale ? "panel callout" : "muted"}>
      OS release data: {FROM[props.origin]}, current to {formatDay(props.asOf, props.now)} ({age}).
      {props.stale &&
        ` It is older than ${props.warnAfterDays} days, so "up to date" verdicts may miss recent releases: run the connectivity check, or refresh the shipped file (deno task releases:refresh).`}
    </p>
  );
}
