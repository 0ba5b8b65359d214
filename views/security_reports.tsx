/**
 * The security team's queue of "this wasn't me" reports (`/security/reports`): who reported which
 * sign-in (source, time, address, place, network), when, and its state — open with a form to mark
 * it handled, or handled by whom, when and with what note — newest first, a page at a time with the
 * total, the state and page in the URL. Plain forms and links: works without JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { ReportState, SigninReport } from "../engine/core/signin_reports.ts";
import { fullDate } from "./format.ts";
import { CsrfField } from "./notifications.tsx";
import { Pager, pageSpan } from "./pager.tsx";

/** Props of {@link ReportQueue}. */
export interface ReportQueueProps {
  state: ReportState;
  /** The page's reports, newest first. */
  reports: readonly SigninReport[];
  /** How many reports are in this state. */
  total: number;
  /** The page shown (from 1), and reports per page. */
  page: number;
  pageSize: number;
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

/** The queue's URL for a state and page (page 1 and the open state are left out). */
export function queueHref(state: ReportState, page: number): string {
  const q = new URLSearchParams();
  if (state === "handled") q.set("state", "handled");
  if (page > 1) q.set("page", String(page));
  const query = q.toString();
  return query === "" ? "/security/reports" : `/security/reports?${query}`;
}

/** "312 open reports, showing 1–50, newest first" ("3 open reports, newest first" on one page). */
function countLine(props: ReportQueueProps): string {
  const { state, total } = props;
  const { first, last, pages } = pageSpan(props);
  if (total === 0) return state === "open" ? "No open reports." : "No report has been handled yet.";
  const what = `${total} ${state} report${total === 1 ? "" : "s"}`;
  if (first === 0) return `${what}; page ${props.page} is past the last page (${pages}).`;
  const order = state === "open" ? "newest first" : "most recently handled first";
  return pages === 1 ? `${what}, ${order}.` : `${what}, showing ${first}–${last}, ${order}.`;
}

/**
 * The queue: a state's reports newest first (open ones by when they were reported, handled ones
 * by when they were handled), a page at a time, with the state's total.
 */
export function ReportQueue(props: ReportQueueProps): Child {
  const open = props.state === "open";
  return (
    <div id="report-queue">
      <nav aria-label="Report states" class="tabs">
        <a href={queueHref("open", 1)} aria-current={open ? "page" : undefined}>Open</a>{" "}
        <a href={queueHref("handled", 1)} aria-current={open ? undefined : "page"}>
          Handled
        </a>
      </nav>
      {props.handledNow && <p role="status">The report is marked handled.</p>}
      <p class="lead">{countLine(props)}</p>
      {props.reports.length > 0 && (
        <ol class="reports" start={pageSpan(props).first}>
          {props.reports.map((r) => <Report r={r} csrf={props.csrf} labels={props.labels} />)}
        </ol>
      )}
      <Pager
        page={props.page}
        total={props.total}
        pageSize={props.pageSize}
        href={(p) => queueHref(props.state, p)}
      />
    </div>
  );
}
