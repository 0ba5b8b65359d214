/**
 * The security team's queue of "this wasn't me" reports (`/security/reports`): who reported which
 * sign-in (source, time, address, place, network), when, and its state — open with a form to mark
 * it handled, or handled by whom, when and with what note. Plain forms: works without JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { ReportState, SigninReport } from "../engine/core/signin_reports.ts";
import { fullDate } from "./format.ts";
import { CsrfField } from "./notifications.tsx";

/** Props of {@link ReportQueue}. */
export interface ReportQueueProps {
  state: ReportState;
  reports: readonly SigninReport[];
  csrf: string | undefined;
  /** Source name → label (`UI.sourceLabels`). */
  labels: (source: string) => string;
  /** Set after a report was marked handled (the 303's `?handled=`). */
  handledNow?: boolean;
}

function SignIn(props: { r: SigninReport; labels: (source: string) => string }): Child {
  const e = props.r.signIn;
  const rows: [string, string | undefined][] = [
    ["Sign-in", `${props.labels(e.source)} · ${e.success ? "succeeded" : "failed"}`],
    ["When", fullDate(e.timestamp)],
    ["Address", e.ip_address || undefined],
    ["Place", e.place],
    ["Network", e.location ?? (e.vpn ? "VPN" : undefined)],
    ["App", e.content],
    ["Reason", e.reason || undefined],
  ];
  return (
    <dl class="facts">
      {rows.filter(([, v]) => v !== undefined).map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

function Report(
  props: { r: SigninReport; csrf: string | undefined; labels: ReportQueueProps["labels"] },
): Child {
  const { r } = props;
  const headingId = `report-${r.id}`;
  return (
    <li class="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <a href={`/activity?email=${encodeURIComponent(r.email)}`}>{r.email}</a>
      </h2>
      <p class="muted">Reported {fullDate(r.reportedAt)}</p>
      <SignIn r={r} labels={props.labels} />
      {r.handled
        ? (
          <p>
            Handled by {r.handled.by} on {fullDate(r.handled.at)}
            {r.handled.note ? `: ${r.handled.note}` : "."}
          </p>
        )
        : (
          <form method="post" action={`/security/reports/${r.id}/handle`}>
            <CsrfField token={props.csrf} />
            <label for={`note-${r.id}`}>What was done (optional)</label>
            <textarea id={`note-${r.id}`} name="note" rows={2} maxlength={1000}></textarea>
            <button type="submit">Mark handled</button>
          </form>
        )}
    </li>
  );
}

/** The queue: open reports oldest first, or handled ones most recent first. */
export function ReportQueue(props: ReportQueueProps): Child {
  const open = props.state === "open";
  return (
    <div id="report-queue">
      <nav aria-label="Report states" class="tabs">
        <a href="/security/reports" aria-current={open ? "page" : undefined}>Open</a>{" "}
        <a href="/security/reports?state=handled" aria-current={open ? undefined : "page"}>
          Handled
        </a>
      </nav>
      {props.handledNow && <p role="status">The report is marked handled.</p>}
      {props.reports.length === 0
        ? <p>{open ? "No open reports." : "No report has been handled yet."}</p>
        : (
          <ol class="reports">
            {props.reports.map((r) => <Report r={r} csrf={props.csrf} labels={props.labels} />)}
          </ol>
        )}
    </div>
  );
}
