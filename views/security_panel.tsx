/**
 * The Dashboard's panel for the security team's own work: open "this wasn't me" reports, devices
 * counted as exempt in the latest batch run, and the exemptions ending soon — each linking to its
 * page.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { type Exemption, lastDay } from "../engine/view/exemptions.ts";
import { deviceText } from "./exemptions.tsx";
import { calendarDay, plural } from "./format.ts";

/** Props of {@link SecurityPanel}. */
export interface SecurityPanelProps {
  /** Open reports: all of them, however many. */
  openReports: number;
  /**
   * From the latest batch run (`null` without one): practices waived on devices (the sum of
   * `practices[*].exempt`), and devices counted as exempt rather than OK (`ratings.exempt`: OK
   * only thanks to an exemption).
   */
  latest: { waived: number; exemptDevices: number } | null;
  /** Exemptions ending within the window, soonest first. */
  ending: readonly Exemption[];
  /** The window, in days. */
  days: number;
  practiceName: (key: string) => string;
  /** Whose days the last days are named in (`UI.timeZone`). */
  timeZone: string;
  now: Date;
}

/** The panel. */
export function SecurityPanel(props: SecurityPanelProps): Child {
  return (
    <section class="panel" id="security-work" aria-labelledby="security-work-h">
      <h2 id="security-work-h">Security team</h2>
      <ul>
        <li>
          <a href="/security/reports">
            {plural(props.openReports, "open “this wasn't me” report")}
          </a>
        </li>
        <li>
          <a href="/security/exemptions">Exemptions</a>
          {props.latest !== null &&
            ` · in the latest batch run: ${
              plural(props.latest.waived, "practice")
            } waived on a device, ${
              plural(props.latest.exemptDevices, "device")
            } exempt rather than OK`}
        </li>
      </ul>
      <h3>Ending in the next {props.days} days</h3>
      {props.ending.length === 0
        ? <p>No exemption ends in the next {props.days} days.</p>
        : (
          <ul id="exemptions-ending">
            {props.ending.map((e) => (
              <li>
                {calendarDay(lastDay(e.expiresAt, props.timeZone), props.now)} — {e.email},{" "}
                {deviceText(e)}: “{props.practiceName(e.practice)}” waived
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
