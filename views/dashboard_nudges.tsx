/**
 * The Dashboard's nudges page (issue 27), for the security team: after the latest batch run, who
 * got a message (or, while `NUDGES.ENABLED` is false, who would: the dry run to read before
 * turning nudges on), how many items sent in the week before are fixed since, and the messages of
 * the last 30 days with their state. Plain lists: it works without JavaScript and at 320 px.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { BatchRunNudges } from "../engine/core/store_ports.ts";
import type { NudgeState, QueuedNudge } from "../engine/nudges/nudge_ports.ts";
import { fullDate, plural } from "./format.ts";

/** A message of the ledger as the page lists it. */
export type LedgerRow = QueuedNudge & { state: NudgeState; sentAt?: Date };

/** The page's data: the newest run that planned nudges (and when it finished), and the ledger. */
export interface DashboardNudgesProps {
  run?: { finishedAt: Date; nudges: BatchRunNudges };
  sent: readonly LedgerRow[];
  /** How many days `sent` covers. */
  days: number;
}

const HOLDS: Record<string, string> = {
  "nothing-new": "with nothing new",
  "outside-window": "outside their hours",
  "already-today": "already nudged today",
  "weekly-cap": "at the weekly limit",
};

function lookUp(email: string): Child {
  return <a href={`/?email=${encodeURIComponent(email)}`}>{email}</a>;
}

function LastRun(props: { run: NonNullable<DashboardNudgesProps["run"]> }): Child {
  const { nudges, finishedAt } = props.run;
  const held = Object.entries(nudges.held).filter(([, n]) => n > 0);
  const { nudged, fixed } = nudges.followUp;
  return (
    <section aria-labelledby="nudges-run">
      <h2 id="nudges-run">
        {nudges.dryRun ? "Dry run: who would get a message" : "Messages after the last run"}
      </h2>
      <p>
        {nudges.dryRun
          ? "Nudges are off (NUDGES.ENABLED is false), so nothing was sent. "
          : ""}After the batch run that finished {fullDate(finishedAt)}:{" "}
        <strong>
          {plural(nudges.queued, "message")} {nudges.dryRun ? "would be sent" : "queued"}
        </strong>
        {nudges.alreadyQueued > 0 && `, ${nudges.alreadyQueued} already queued`}
        {held.length > 0 &&
          `; none for ${held.map(([k, n]) => `${n} ${HOLDS[k] ?? k}`).join(", ")}`}
        {nudges.failed > 0 && `; ${plural(nudges.failed, "person")} could not be planned`}.
      </p>
      <p id="nudges-fixed">
        Fixed within a week of a nudge:{" "}
        {nudged === 0 ? "no items were sent in the 7 days before this run." : (
          <>
            <strong>{fixed} of {plural(nudged, "item")}</strong> sent in the 7 days before this run
            {" "}
            {fixed === 1 ? "is" : "are"} no longer to do.
          </>
        )}
      </p>
      {nudges.listed.length > 0 && (
        <>
          <p class="muted">
            {nudges.listed.length < nudges.queued
              ? `The first ${nudges.listed.length} of ${nudges.queued}; ` +
                "main.ts nudges FILE --dry-run lists everyone."
              : `All ${plural(nudges.listed.length, "message")}:`}
          </p>
          <ul class="nudge-list" id="nudges-planned">
            {nudges.listed.map((l) => (
              <li>
                <p>
                  {lookUp(l.email)} <span class="muted">by {l.channel}</span>
                </p>
                <p>
                  <strong>{l.subject}</strong>
                </p>
                <ul>{l.items.map((i) => <li>{i}</li>)}</ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const STATES: Record<NudgeState, string> = {
  sent: "sent",
  queued: "waiting to be sent",
  refused: "refused by the channel",
};

function Sent(props: { rows: readonly LedgerRow[]; days: number }): Child {
  return (
    <section aria-labelledby="nudges-sent">
      <h2 id="nudges-sent">Messages in the last {props.days} days</h2>
      {props.rows.length === 0 ? <p>None.</p> : (
        <ul class="nudge-list" id="nudges-ledger">
          {props.rows.map((r) => (
            <li>
              <p>
                {lookUp(r.email)}{" "}
                <span class="muted">by {r.channel}, queued {fullDate(r.queuedAt)}</span>
              </p>
              <p>
                <strong>{r.message.subject}</strong>{" "}
                <span class="muted">
                  ({plural(r.itemKeys.length, "item")}
                  {r.critical > 0 && `, ${r.critical} critical`})
                </span>
              </p>
              <p>
                {STATES[r.state]}
                {r.state === "sent" && r.sentAt && ` ${fullDate(r.sentAt)}`}
                {r.state !== "sent" && r.lastError && `: ${r.lastError}`}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The nudges page's body. */
export function DashboardNudges(props: DashboardNudgesProps): Child {
  return (
    <div id="dashboard-nudges">
      {props.run ? <LastRun run={props.run} /> : (
        <p class="panel">
          No batch run has planned nudges yet. Configure a channel (<code>slack</code> or{" "}
          <code>email</code> in <code>PLUGINS</code>) and run the batch: with{" "}
          <code>NUDGES.ENABLED</code>{" "}
          false it plans them as a dry run and this page shows who would get what.
        </p>
      )}
      <Sent rows={props.sent} days={props.days} />
    </div>
  );
}
