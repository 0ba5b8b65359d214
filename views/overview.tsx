/**
 * The Overview page: the critical-devices summary, then the person's alerts, newest first.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { deviceRating } from "../engine/rating.ts";
import type { MergedDevice, Notification } from "../engine/types.ts";
import { CriticalSummary } from "./devices.tsx";
import { NotificationCard, type NotificationState } from "./notifications.tsx";

/** The overview body. */
export function Overview(
  props: {
    devices: readonly MergedDevice[];
    notifications: readonly Notification[];
    states: ReadonlyMap<string, NotificationState>;
    now: Date;
    csrf: string | undefined;
  },
): Child {
  const visible = props.notifications.filter((n) => !props.states.get(n.id)?.dismissed);
  const critical = props.devices.some((d) => deviceRating(d) === "critical");
  return (
    <>
      <h1>Overview</h1>
      {critical && (
        <div class="panel callout">
          <CriticalSummary devices={props.devices} />
          <p>
            <a class="btn primary" href="/devices">View devices</a>
          </p>
        </div>
      )}
      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h" class="visually-hidden">Alerts</h2>
        {visible.length === 0 && !critical && (
          <div class="panel">
            <p>
              You have no alerts. Now is a good time to <a href="/devices">review your devices</a>.
            </p>
          </div>
        )}
        {visible.map((n) => (
          <NotificationCard
            n={n}
            state={props.states.get(n.id) ?? { dismissed: false }}
            now={props.now}
            csrf={props.csrf}
          />
        ))}
      </section>
    </>
  );
}
