/**
 * Records and configs shared by the engine tests: the spec's JAMF / bitFit `lgml-pfry` example
 * (spec §5.6, §14) as normalised records, and the ORIGINAL default practices (spec §5.4) so the
 * evaluators can be checked against the original's documented results.
 *
 * @module
 */
import type { PracticesConfig } from "../../engine/practices/practice_config.ts";
import type { DeviceRecord } from "../../engine/core/types.ts";

/** JAMF's `report_date_utc` of the example, `2016-02-26T10:58:57.853-0800`. */
export const JAMF_SYNC = new Date("2016-02-26T10:58:57.853-08:00");

/** The JAMF computer `lgml-pfry` as the jamf plugin normalises it (spec §3.1, §14). */
export function jamfLgmlPfry(): DeviceRecord {
  const at = JAMF_SYNC;
  return {
    source: "jamf",
    name: "lgml-pfry",
    model: "15-inch Retina MacBook Pro (Late 2013)",
    serial: "DECAFBAD00",
    platform: "Mac",
    os: "Mac OS X",
    os_version: "10.10.5",
    email: "fry@planetexpress.com",
    last_sync: at,
    software: {
      last_scan_date: at,
      installed: [{
        name: "BIG-IP Edge Client.app",
        version: "7120.2015.1102.1",
        path: "/Applications/BIG-IP Edge Client.app",
      }],
      services: [
        { name: "com.carbonblack.daemon" },
        { name: "com.openssh.sshd" },
        { name: "com.sentinelone.sentineld" },
      ],
    },
    practices: {
      encryption: {
        value: true,
        details: "Macintosh HD (Boot Partition): Encrypted (100%)",
        last_updated: at,
      },
      uptodate: {
        value: false,
        details: "Missing Updates:\n    Security Update 2016-001\n",
        last_updated: at,
      },
      autoupdate: {
        value: false,
        details: "Disabled settings:\n    Install app updates\n    Install OS X updates",
        last_updated: at,
      },
      firewall: { value: false, last_updated: at },
      screenlock: { last_updated: at },
      remotelogin: { last_updated: at },
    },
    identifiers: {
      serial: "DECAFBAD00",
      udid: "DECAFBAD-DECA-FBAD-DECA-FBAD00000000",
      mac_addresses: ["00:DE:CA:FB:AD:00", "00:DE:CA:FB:AD:01"],
    },
  };
}

/** The bitFit asset `lgml-pfry` (an ownership record: no platform, os or last_sync). */
export function bitfitLgmlPfry(): DeviceRecord {
  return {
    source: "bitfit",
    name: "lgml-pfry",
    model: "15-inch Retina MacBook Pro (Late 2013)",
    serial: "DECAFBAD00",
    type: "Laptop",
    status: "Active",
    photo_url: null,
    hw_release_date: new Date("2013-10-22T00:00:00+00:00"),
    identifiers: { serial: "DECAFBAD00", mac_addresses: ["00:DE:CA:FB:AD:00"] },
  };
}

const MOBILE = ["Android", "iOS"];

/** The original's default PRACTICES (spec §5.4), descriptions shortened. */
export const ORIGINAL_PRACTICES: PracticesConfig = {
  jailed: {
    KEY: "jailed",
    DISPLAY_TITLE: "Verified Operating System",
    DESCRIPTION: "jailed",
    LINK: "#",
    STATUS_IF_MISSING: "warn",
    NA_PLATFORMS: ["Mac", "Windows"],
  },
  encryption: {
    KEY: "encryption",
    DISPLAY_TITLE: "Disk Encryption",
    DESCRIPTION: "encryption",
    LINK: "#",
    STATUS_IF_MISSING: "warn",
    PLATFORM_REQUIRED: true,
  },
  uptodate: {
    KEY: "uptodate",
    DISPLAY_TITLE: "Up-to-date",
    DESCRIPTION: "uptodate",
    LINK: "#",
    REQUIRED_VERSIONS: { "Mac OS X": "10.11.0", iOS: "9.3.5", Android: "6.0.0" },
    RECOMMENDED_VERSIONS: { "Mac OS X": "10.11.6", iOS: "9.3.5", Android: "6.0.1" },
    UNSUPPORTED_MSG: "{} is no longer supported.",
    RECOMMENDED_MSG: "The recommended version of {} is {}.",
  },
  autoupdate: {
    KEY: "autoupdate",
    DISPLAY_TITLE: "Automatic Updates",
    DESCRIPTION: "autoupdate",
    LINK: "#",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: MOBILE,
  },
  firewall: {
    KEY: "firewall",
    DISPLAY_TITLE: "Firewall",
    DESCRIPTION: "firewall",
    LINK: "#",
    STATUS_IF_MISSING: "warn",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: MOBILE,
  },
  remotelogin: {
    KEY: "remotelogin",
    DISPLAY_TITLE: "Remote Login Disabled",
    DESCRIPTION: "remotelogin",
    LINK: "#",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: [...MOBILE, "Windows"],
  },
  screenlock: {
    KEY: "screenlock",
    DISPLAY_TITLE: "Screen Lock",
    DESCRIPTION: "screenlock",
    LINK: "#",
    STATUS_IF_MISSING: "warn",
  },
  sentinel: {
    KEY: "sentinel",
    DISPLAY_TITLE: "SentinelOne",
    DESCRIPTION: "sentinel",
    LINK: "#",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: MOBILE,
    SOFTWARE_NAMES: ["Sentinel Agent"],
    SERVICE_NAMES: ["com.sentinelone.sentineld"],
  },
  carbonblack: {
    KEY: "carbonblack",
    DISPLAY_TITLE: "Carbon Black",
    DESCRIPTION: "carbonblack",
    LINK: "#",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: MOBILE,
    SOFTWARE_NAMES: ["Carbon Black Sensor"],
    SERVICE_NAMES: ["com.carbonblack.daemon"],
  },
  unknownsources: {
    KEY: "unknownsources",
    DISPLAY_TITLE: "Unknown Sources Disabled",
    DESCRIPTION: "unknownsources",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: ["iOS", "Mac", "Windows"],
  },
  adbstatus: {
    KEY: "adbstatus",
    DISPLAY_TITLE: "Android Debug Bridge Disabled",
    DESCRIPTION: "adbstatus",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: ["iOS", "Mac", "Windows"],
  },
};

/** The statuses of every practice of a record, for compact assertions. */
export function statuses(
  record: { practices?: Record<string, { status?: string }> },
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(record.practices ?? {}).map(([k, v]) => [k, v.status]),
  );
}
