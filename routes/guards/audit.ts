/**
 * The audit record of every data access: who looked at whose devices, accounts, sign-ins,
 * notifications, "this wasn't me" reports or exemptions — and of every change to the security
 * team's records (a grant, a revocation, a report handled) — sent to the request logger plugins
 * (or the log). Changes when what is audited, or where it goes, does.
 *
 * @module
 */
import type { AccessRecord } from "../../engine/core/ports.ts";
import type { Fields } from "../../engine/core/log.ts";
import type { Ctx } from "../context.ts";

/** The ids of what a record holds: its `id`, or each item's (a report's, an exemption's). */
function idsOf(data: unknown): string[] {
  const items = Array.isArray(data) ? data : [data];
  return items.flatMap((d) =>
    d !== null && typeof d === "object" && typeof (d as { id?: unknown }).id === "string"
      ? [(d as { id: string }).id]
      : []
  );
}

/** Sends one record to every request logger plugin; `false` when none is configured. */
function toPlugins(c: Ctx, record: AccessRecord): boolean {
  const { requestLoggers, log } = c.get("deps");
  for (const logger of requestLoggers) {
    try {
      logger.log(record);
    } catch (error: unknown) {
      log.warn("request logger failed", { plugin: logger.name, error: String(error) });
    }
  }
  return requestLoggers.length > 0;
}

function recordOf(
  c: Ctx,
  target: string,
  recordType: AccessRecord["record_type"],
  data: unknown,
  context: string,
): AccessRecord {
  return {
    accessing_user: c.get("user")?.email ?? "anonymous",
    target,
    record_type: recordType,
    context,
    retrieved: c.get("deps").now(),
    data,
  };
}

/**
 * Records one data access for the audit log: to every request logger plugin, or — when none is
 * configured — as a structured log line naming the target and the ids of the records read (a
 * report's or an exemption's). Never throws and never waits. The line's fields are made directly
 * (no record for plugins that are not there, ids only for the record types that log them): the
 * Overview writes two lines per view (issue 24).
 */
export function audit(
  c: Ctx,
  target: string,
  recordType: AccessRecord["record_type"],
  data: unknown,
  context = "merged",
): void {
  const deps = c.get("deps");
  if (deps.requestLoggers.length > 0) {
    toPlugins(c, recordOf(c, target, recordType, data, context));
    return;
  }
  const fields: Fields = {
    audit: true,
    accessing_user: c.get("user")?.email ?? "anonymous",
    target,
    record_type: recordType,
    context,
    count: Array.isArray(data) ? data.length : 1,
  };
  if (recordType === "signin-report" || recordType === "exemption") {
    const ids = idsOf(data);
    if (ids.length > 0) fields.ids = ids;
  }
  deps.log.info("data access", fields);
}

/**
 * Records the reading of security records (reports, exemptions): one {@link audit} record per
 * record read, its target the person it is about, its data the record (with its id), `context`
 * naming the list and its filters (`report queue state=open page=2`).
 */
export function auditRecords(
  c: Ctx,
  recordType: "signin-report" | "exemption",
  records: readonly { email: string; id: string }[],
  context: string,
): void {
  for (const r of records) audit(c, r.email, recordType, r, context);
}

/**
 * Records one change to the security team's records: the log line `what` (always, with
 * `details`) and the same to every request logger plugin (`context` = `what`, `data` =
 * `details`). Free text in `details` (a reason, a note) is capped by the route that took it;
 * both sinks write JSON — the log one line per record, its line and control characters escaped
 * (`config/log.ts` `jsonLine()`) — so it cannot forge or split a line. Never throws and never
 * waits.
 *
 * @param c the request (its user is who changed it)
 * @param target whose record it is (folded email)
 * @param recordType `exemption` or `signin-report`
 * @param what the change in words, e.g. `exemption granted`
 * @param details what the change was: the record's id first, then its facts
 */
export function auditChange(
  c: Ctx,
  target: string,
  recordType: "exemption" | "signin-report",
  what: string,
  details: Fields & { id: string },
): void {
  const by = c.get("user")?.email ?? "anonymous";
  c.get("deps").log.info(what, { audit: true, by, email: target, ...details });
  toPlugins(c, recordOf(c, target, recordType, details, what));
}
