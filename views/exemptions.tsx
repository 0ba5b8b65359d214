/**
 * The security team's exemptions page (`/security/exemptions`): the exemptions in force, soonest
 * to end first, 50 a page with the total (the page in the URL), each with who granted it, when and why and a form to revoke it (with a reason);
 * and, for granters, the form that grants one for a person — one of their devices or all of
 * them, one practice, a reason and an expiry. Plain forms: works without JavaScript.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { type Exemption, lastDay } from "../engine/view/exemptions.ts";
import { calendarDay, dayOf } from "./format.ts";
import { CsrfField } from "./notifications.tsx";
import { Pager, pageSpan } from "./pager.tsx";

/** A device the grant form offers: its key and how the granter recognises it. */
export interface DeviceChoice {
  key: string;
  label: string;
}

/** The grant form's state: the person looked up, what to offer, and what was typed. */
export interface GrantForm {
  email: string;
  devices: readonly DeviceChoice[];
  /**
   * How many devices are known for the person (with a key or not): with none, a grant for every
   * device is refused unless the granter ticks "no device yet" (`ahead`).
   */
  known: number;
  practices: readonly { key: string; name: string }[];
  /** `YYYY-MM-DD`: the default last day, today, and the latest allowed. */
  defaultUntil: string;
  minUntil: string;
  maxUntil: string;
  /** Whose days these are (`UI.timeZone`, `UTC` unless configured). */
  timeZone: string;
  /** What was typed (re-shown after a refusal). */
  values?: Record<string, string>;
  /** Why the last attempt was refused. */
  problem?: string;
}

/** Props of {@link ExemptionsPage}. */
export interface ExemptionsProps {
  /** One page of the exemptions in force, soonest to end first. */
  active: readonly Exemption[];
  /** How many are in force, the page shown (from 1) and how many a page holds. */
  total: number;
  page: number;
  pageSize: number;
  practiceName: (key: string) => string;
  csrf: string | undefined;
  /** Whether the viewer may grant and revoke (`EXEMPTION_GRANTERS`). */
  canGrant: boolean;
  grant?: GrantForm;
  /** What just happened (the 303's `?done=`). */
  done?: "granted" | "revoked";
  /** Whose days the last days are named in (`UI.timeZone`). */
  timeZone: string;
  now: Date;
}

/** "serial:C02X" → "serial C02X"; a person's exemption → "every device". */
export function deviceText(e: Pick<Exemption, "device">): string {
  return e.device === undefined ? "every device" : e.device.replace(":", " ");
}

function Row(props: { e: Exemption; p: ExemptionsProps }): Child {
  const { e, p } = props;
  return (
    <tr>
      <td data-label="Person">
        <a href={`/devices?email=${encodeURIComponent(e.email)}`}>{e.email}</a>
      </td>
      <td data-label="Device">{deviceText(e)}</td>
      <td data-label="Practice">{p.practiceName(e.practice)}</td>
      <td data-label="Reason" class="reason">{e.reason}</td>
      <td data-label="Granted">
        {e.grantedBy}, {dayOf(e.grantedAt, p.now)}
      </td>
      <td data-label="Last day">
        <time datetime={e.expiresAt.toISOString()}>
          {calendarDay(lastDay(e.expiresAt, p.timeZone), p.now)}
        </time>
      </td>
      {p.canGrant && (
        <td data-label="Revoke">
          <form method="post" action={`/security/exemptions/${e.id}/revoke`} class="inline">
            <CsrfField token={p.csrf} />
            <label for={`why-${e.id}`} class="visually-hidden">Why revoke</label>
            <input id={`why-${e.id}`} name="reason" required maxlength={500} placeholder="Why" />
            <button type="submit">Revoke</button>
          </form>
        </td>
      )}
    </tr>
  );
}

function Grant(props: { g: GrantForm; csrf: string | undefined }): Child {
  const { g } = props;
  const v = g.values ?? {};
  return (
    <form method="post" action="/security/exemptions" class="panel" id="grant">
      <h2>Grant an exemption for {g.email}</h2>
      {g.problem && <p role="alert" class="problem">{g.problem}</p>}
      <CsrfField token={props.csrf} />
      <input type="hidden" name="email" value={g.email} />
      {g.known === 0 && (
        <p class="problem">
          No devices are known for{" "}
          {g.email}: check the address. An exemption for every device would cover only devices that
          appear later.
        </p>
      )}
      <label for="ex-device">Device</label>
      <select id="ex-device" name="device">
        <option value="">Every device of {g.email}</option>
        {g.devices.map((d) => <option value={d.key} selected={v.device === d.key}>{d.label}
        </option>)}
      </select>
      <label for="ex-practice">Practice</label>
      <select id="ex-practice" name="practice">
        {g.practices.map((p) => (
          <option value={p.key} selected={v.practice === p.key}>{p.name}</option>
        ))}
      </select>
      <label for="ex-reason">Reason (the person reads it)</label>
      <textarea id="ex-reason" name="reason" required maxlength={500} rows={2}>
        {v.reason ?? ""}
      </textarea>
      <label for="ex-until">Until (the last day, included)</label>
      <input
        id="ex-until"
        type="date"
        name="until"
        required
        value={v.until ?? g.defaultUntil}
        min={g.minUntil}
        max={g.maxUntil}
        aria-describedby="ex-until-hint"
      />
      <p id="ex-until-hint" class="muted">
        It ends at midnight at the end of that day, {g.timeZone} time.
      </p>
      {g.known === 0 && (
        <label class="check">
          <input type="checkbox" name="ahead" value="yes" checked={v.ahead === "yes"} />{" "}
          Grant it anyway, for devices of {g.email} that appear before it ends
        </label>
      )}
      <button type="submit">Grant</button>
    </form>
  );
}

/** "312 exemptions in force, showing 1–50" ("37 exemptions in force" on one page), or why empty. */
function countLine(props: ExemptionsProps): string {
  const { first, last, pages } = pageSpan(props);
  if (props.total === 0) return "No exemption is in force.";
  const what = `${props.total} exemption${props.total === 1 ? "" : "s"} in force`;
  if (first === 0) return `${what}; page ${props.page} is past the last page (${pages}).`;
  return pages === 1 ? `${what}.` : `${what}, showing ${first}–${last}.`;
}

/** The page body. */
export function ExemptionsPage(props: ExemptionsProps): Child {
  return (
    <div id="exemptions">
      {props.done && (
        <p role="status">
          {props.done === "granted" ? "The exemption is granted." : "The exemption is revoked."}
        </p>
      )}
      {props.canGrant && (
        <form method="get" action="/security/exemptions" class="inline">
          <label for="ex-email">Person's email</label>
          <input id="ex-email" type="email" name="email" required value={props.grant?.email} />
          <button type="submit">Choose their device</button>
        </form>
      )}
      {props.grant && <Grant g={props.grant} csrf={props.csrf} />}
      <h2>In force, soonest to end first</h2>
      <p class="lead">{countLine(props)}</p>
      {props.active.length > 0 && (
        <div class="table-scroll">
          <table class="cards-on-phone">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Device</th>
                <th scope="col">Practice</th>
                <th scope="col">Reason</th>
                <th scope="col">Granted</th>
                <th scope="col">Last day</th>
                {props.canGrant && <th scope="col">Revoke</th>}
              </tr>
            </thead>
            <tbody>
              {props.active.map((e) => <Row e={e} p={props} />)}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={props.page}
        total={props.total}
        pageSize={props.pageSize}
        href={(p) => p === 1 ? "/security/exemptions" : `/security/exemptions?page=${p}`}
      />
    </div>
  );
}
