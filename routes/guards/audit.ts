/**
 * The audit record of every data access: who looked at whose devices, accounts, sign-ins or
 * notifications, sent to the request logger plugins (or the log). Changes when what is audited,
 * or where it goes, does.
 *
 * @module
 */
import type { AccessRecord } from "../../engine/core/ports.ts";
import type { Ctx } from "../context.ts";

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
