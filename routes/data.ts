/**
 * Data helpers shared by page and API routes: the person's notification states, and the audit
 * record of every data access.
 *
 * @module
 */
import type { AccessRecord } from "../engine/ports.ts";
import type { Collected, Notification } from "../engine/types.ts";
import type { NotificationState } from "../views/notifications.tsx";
import type { Ctx } from "./context.ts";

/**
 * A person's notifications, looked up once per request: checking that an alert is the person's
 * own and rendering the updated card share one call to the sources.
 */
export function notificationsOf(c: Ctx, email: string): Promise<Collected<Notification>> {
  let lookups = c.get("notificationLookups");
  if (lookups === undefined) c.set("notificationLookups", lookups = new Map());
  let found = lookups.get(email);
  if (found === undefined) {
    found = c.var.deps.engine.notifications(email, { signal: c.req.raw.signal });
    lookups.set(email, found);
  }
  return found;
}

/** Dismissals and answers of a person, by notification id. A failing store hides nothing. */
export async function notificationStates(
  c: Ctx,
  email: string,
): Promise<Map<string, NotificationState>> {
  const { store, log } = c.var.deps;
  const states = new Map<string, NotificationState>();
  try {
    const [dismissed, answers] = await Promise.all([store.dismissed(email), store.answers(email)]);
    for (const id of dismissed) states.set(id, { dismissed: true });
    for (const [id, answer] of answers) {
      states.set(id, { dismissed: states.get(id)?.dismissed ?? false, answer });
    }
  } catch (error: unknown) {
    log.warn("store unavailable; showing every notification", { error: String(error) });
  }
  return states;
}

/**
 * Records one data access for the audit log: to every request logger plugin, or — when none is
 * configured — as a structured log line. Never throws and never waits.
 */
export function audit(
  c: Ctx,
  target: string,
  recordType: AccessRecord["record_type"],
  data: unknown,
  context = "merged",
): void {
  const { requestLoggers, log, now } = c.var.deps;
  const user = c.var.user;
  const record: AccessRecord = {
    accessing_user: user?.email ?? "anonymous",
    target,
    record_type: recordType,
    context,
    retrieved: now(),
    data,
  };
  if (requestLoggers.length === 0) {
    log.info("data access", {
      audit: true,
      accessing_user: record.accessing_user,
      target,
      record_type: recordType,
      context,
      count: Array.isArray(data) ? data.length : 1,
    });
    return;
  }
  for (const logger of requestLoggers) {
    try {
      logger.log(record);
    } catch (error: unknown) {
      log.warn("request logger failed", { plugin: logger.name, error: String(error) });
    }
  }
}
