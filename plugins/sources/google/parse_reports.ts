/**
 * Google Reports API answers → typed values (spec §3.2): usage-report parameters (2-Step
 * Verification and the like) and login activities as access events. Pure functions; a malformed
 * activity throws `MalformedDeviceError` so the caller can skip it only. Changes when the Reports
 * API's shapes change; devices are `parse.ts`.
 *
 * @module
 */
import { plainAddress } from "../../../engine/identity/addresses.ts";
import type { AccessEvent } from "../../../engine/core/types.ts";
import { asObject, isObject, MalformedDeviceError, type Raw, type RecordOptions } from "./parse.ts";

/** A usage-report parameter value, typed as the report says (spec §2.6). */
export type UsageValue = boolean | number | string | Date | null;

/**
 * Typed usage-report parameters: `boolValue` → boolean, `intValue` → number, `stringValue` →
 * string, `datetimeValue` → Date. Parameters of any other shape are listed in `skipped`.
 */
export function parseUsageParameters(
  parameters: unknown,
): { values: Record<string, UsageValue>; skipped: string[] } {
  const values: Record<string, UsageValue> = {};
  const skipped: string[] = [];
  for (const p of Array.isArray(parameters) ? parameters : []) {
    if (!isObject(p) || typeof p.name !== "string") continue;
    if (typeof p.boolValue === "boolean") values[p.name] = p.boolValue;
    else if (p.intValue !== undefined && Number.isFinite(Number(p.intValue))) {
      values[p.name] = Number(p.intValue);
    } else if (typeof p.stringValue === "string") values[p.name] = p.stringValue;
    else if (typeof p.datetimeValue === "string" && !isNaN(Date.parse(p.datetimeValue))) {
      values[p.name] = new Date(p.datetimeValue);
    } else skipped.push(p.name);
  }
  return { values, skipped };
}

/**
 * A login activity of the Reports API → an access event. Uses the last event of the activity
 * (as the original); `content` is plain text, one `label: value` per line.
 *
 * @throws {MalformedDeviceError} when the activity has no time or no events
 */
export function processLoginActivity(raw: unknown, options: RecordOptions): AccessEvent {
  const r = asObject(raw);
  const id = isObject(r.id) ? r.id : {};
  const time = typeof id.time === "string" ? id.time : "";
  const timestamp = new Date(time);
  if (isNaN(timestamp.getTime())) {
    throw new MalformedDeviceError("activity without a valid id.time");
  }
  const events = Array.isArray(r.events) ? r.events : [];
  const last: unknown = events[events.length - 1];
  if (!isObject(last)) throw new MalformedDeviceError("activity without events");
  const result = typeof last.name === "string" ? last.name : "";
  const params: Record<string, string | number | boolean> = {};
  for (const p of Array.isArray(last.parameters) ? last.parameters : []) {
    if (!isObject(p) || typeof p.name !== "string") continue;
    const value = parameterValue(p);
    if (value !== undefined) params[p.name] = value;
  }
  // The content's "IP:" line says what the Activity page shows (see engine/identity/addresses.ts).
  const ip = typeof r.ipAddress === "string" ? plainAddress(r.ipAddress) : "";
  const lines = [`Google Login: ${time}`, `IP: ${ip}`, `Event: ${result}`];
  for (const [k, v] of Object.entries(params)) lines.push(`${k}: ${v}`);
  const event: AccessEvent = {
    source: options.source,
    id: typeof id.uniqueQualifier === "string" ? id.uniqueQualifier : time,
    type: result === "logout" ? "logout" : String(params.login_type ?? result),
    success: result === "login_success" || result === "logout",
    reason: params.login_failure_type === undefined ? "" : String(params.login_failure_type),
    ip_address: ip,
    timestamp,
    content: lines.join("\n"),
  };
  return options.debug ? Object.assign(event, { _raw: raw }) : event;
}

function parameterValue(p: Raw): string | number | boolean | undefined {
  if (typeof p.value === "string") return p.value;
  if (typeof p.boolValue === "boolean") return p.boolValue;
  if (p.intValue !== undefined && Number.isFinite(Number(p.intValue))) return Number(p.intValue);
  if (Array.isArray(p.multiValue)) return p.multiValue.map(String).join(", ");
  if (Array.isArray(p.multiIntValue)) return p.multiIntValue.map(String).join(", ");
  return undefined;
}
