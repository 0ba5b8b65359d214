/**
 * The Activity page: recent sign-ins from Google and Duo, newest first, each with a
 * "this wasn't me" answer that goes through the feedback path.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { AccessEvent } from "../engine/types.ts";
import { fullDate } from "./format.ts";
import { CsrfField } from "./notifications.tsx";

/** The id a sign-in is answered under. */
export function eventKey(e: AccessEvent): string {
  return `event:${e.source}:${e.id ?? e.timestamp.toISOString()}`;
}

/** The table of sign-ins. */
export function Activity(
  props: {
    events: readonly AccessEvent[];
    labels: Record<string, string>;
    answers: ReadonlyMap<string, string>;
    csrf: string | undefined;
  },
): Child {
  if (props.events.length === 0) {
    return (
      <div class="panel">
        <p>No recent sign-ins were found.</p>
      </div>
    );
  }
  return (
    <div class="panel">
      <table>
        <caption class="visually-hidden">Recent sign-ins, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Where from</th>
            <th scope="col">What</th>
            <th scope="col">Was it you?</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => {
            const key = eventKey(e);
            const answer = props.answers.get(key);
            const action = `/notifications/${encodeURIComponent(key)}/feedback`;
            return (
              <tr>
                <td>
                  <time datetime={e.timestamp.toISOString()}>{fullDate(e.timestamp)}</time>
                </td>
                <td>
                  {e.ip_address}
                  {e.location ? ` (${e.location})` : e.vpn ? " (VPN)" : ""}
                </td>
                <td>
                  {props.labels[e.source] ?? e.source}: {e.success ? "signed in" : "failed sign-in"}
                  {e.reason ? ` (${e.reason})` : ""}
                </td>
                <td id={`ev-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`}>
                  {answer === undefined
                    ? (
                      <form method="post" action={action}>
                        <CsrfField token={props.csrf} />
                        <input type="hidden" name="notes" value="" />
                        <button type="submit" name="feedback" value="no">This wasn't me</button>
                      </form>
                    )
                    : answer === "no"
                    ? <span class="crit">Reported: not you</span>
                    : <span class="done">Confirmed</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
