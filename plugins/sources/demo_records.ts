/**
 * Builders of the demo people's records: source records shaped like those of JAMF, LANDESK,
 * Google and bitFit, at times relative to "now", so the demo runs through the real engine.
 * Changes when a source's record shape changes; who the people are is `demo_people.ts`.
 *
 * @module
 */
import type {
  AccessEvent,
  DeviceRecord,
  Notification,
  PracticeData,
} from "../../engine/core/types.ts";

/** A demo person, as listed on the demo sign-in page. */
export interface DemoPerson {
  email: string;
  name: string;
  /** What this person shows off. */
  story: string;
  twoStep: boolean | null;
  devices: (now: Date) => DeviceRecord[];
  events: (now: Date) => AccessEvent[];
  notifications: (now: Date) => Notification[];
}

const HOUR = 3_600_000;
/** The time `hours` before `now`. */
export function ago(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * HOUR);
}
/** Midnight UTC of a date (patch levels and expirations are dates). */
export function dayOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** Current OS versions used by the demo (keep in step with engine/practices/default_practices.ts). */
export const DEMO_OS = {
  macCurrent: "26.6",
  macOld: "15.6",
  iosCurrent: "26.7.1",
  iosOld: "18.6",
  androidCurrent: "16.0.0",
  androidOld: "13.0.0",
  chromeCurrent: "150.0.7700.0",
  windows11: "10.0.26200",
  windows10: "10.0.19045",
} as const;

/** Practice evidence of one time: each key's value, with its details when given. */
export function evidence(
  at: Date,
  values: Record<string, boolean | null>,
  details: Record<string, string> = {},
): Record<string, PracticeData> {
  const out: Record<string, PracticeData> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = { value, last_updated: at, ...(details[key] ? { details: details[key] } : {}) };
  }
  return out;
}

/** A JAMF Mac record seen `hours` before `now`, with practice evidence of that time. */
export function mac(
  now: Date,
  hours: number,
  o: { serial: string; macs: string[]; name: string; model: string; version: string },
  values: Record<string, boolean | null>,
  details: Record<string, string> = {},
): DeviceRecord {
  const at = ago(now, hours);
  return {
    source: "jamf",
    name: o.name,
    model: o.model,
    platform: "Mac",
    os: "macOS",
    os_version: o.version,
    serial: o.serial,
    last_sync: at,
    practices: evidence(at, values, details),
    identifiers: { serial: o.serial, mac_addresses: o.macs },
    software: { last_scan_date: at, installed: [], services: [] },
  };
}

/** A bitFit ownership record (no platform, OS or sync time: it seeds serial lookups). */
export function bitfit(serial: string, model: string, name: string): DeviceRecord {
  return {
    source: "bitfit",
    name,
    model,
    serial,
    type: "Laptop",
    status: "Active",
    photo_url: null,
    identifiers: { serial },
  };
}

/** A Google mobile-device record (iOS or Android) seen `hours` before `now`. */
export function phone(
  now: Date,
  hours: number,
  o: {
    os: "iOS" | "Android";
    version: string;
    model: string;
    id: string;
    serial?: string;
    /** Android: the security patch level Google reports. */
    patch?: Date;
  },
  values: Record<string, boolean | null>,
): DeviceRecord {
  const at = ago(now, hours);
  return {
    ...(o.patch ? { security_patch_level: o.patch } : {}),
    source: "google",
    type: "Mobile Device",
    platform: o.os,
    os: o.os,
    os_version: o.version,
    model: o.model,
    manufacturer: o.os === "iOS" ? "Apple" : "Google",
    last_sync: at,
    practices: evidence(at, values),
    identifiers: { google_device_id: o.id, ...(o.serial ? { serial: o.serial } : {}) },
  };
}

/** A LANDESK Windows record (a Lenovo portable) seen `hours` before `now`. */
export function windows(
  now: Date,
  hours: number,
  o: { serial: string; macs: string[]; name: string; model: string; os: string; version: string },
  values: Record<string, boolean | null>,
  details: Record<string, string> = {},
): DeviceRecord {
  const at = ago(now, hours);
  return {
    source: "landesk",
    name: o.name,
    model: o.model,
    manufacturer: "LENOVO",
    platform: "Windows",
    os: o.os,
    os_version: o.version,
    serial: o.serial,
    type: "Portable",
    last_sync: at,
    practices: evidence(at, values, details),
    identifiers: { serial: o.serial, mac_addresses: o.macs },
  };
}

/** A Mac that follows every practice. */
export const ALL_GOOD_MAC = {
  encryption: true,
  firewall: true,
  screenlock: true,
  autoupdate: true,
  uptodate: true,
};

/** A sign-in event `hours` before `now`. */
export function signIn(
  now: Date,
  hours: number,
  o: {
    id: string;
    source: string;
    ip: string;
    success: boolean;
    type: string;
    reason?: string;
    place?: string;
  },
): AccessEvent {
  return {
    ...(o.place ? { place: o.place } : {}),
    source: o.source,
    id: o.id,
    type: o.type,
    success: o.success,
    reason: o.reason ?? "",
    ip_address: o.ip,
    timestamp: ago(now, hours),
  };
}
