/**
 * The demo people: who they are, what each shows off, and their devices, sign-ins and alerts,
 * built with `demo_records.ts` so the demo runs through the real engine (practices, merging,
 * ordering). Times are relative to "now".
 *
 * Over 300 lines because it is data: one entry per person, read top to bottom like a cast list.
 *
 * @module
 */
import type { Account } from "../../engine/core/types.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import {
  ago,
  ALL_GOOD_MAC,
  bitfit,
  dayOf,
  DEMO_OS,
  type DemoPerson,
  evidence,
  mac,
  phone,
  signIn,
  windows,
} from "./demo_records.ts";

export { DEMO_OS, type DemoPerson } from "./demo_records.ts";

/** Every demo person, in the order the sign-in page lists them. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    email: "green@example.com",
    name: "Amy Wong",
    story: "every device in good shape",
    twoStep: true,
    devices: (now) => [
      bitfit("C02GREEN001", "MacBook Pro (14-inch, 2024)", "amy-mbp"),
      mac(now, 2, {
        serial: "C02GREEN001",
        macs: ["3C:22:FB:10:20:30"],
        name: "amy-mbp",
        model: "MacBook Pro (14-inch, 2024)",
        version: DEMO_OS.macCurrent,
      }, { ...ALL_GOOD_MAC, remotelogin: true }),
      phone(now, 5, { os: "iOS", version: DEMO_OS.iosCurrent, model: "iPhone 16", id: "g-amy-1" }, {
        jailed: true,
        encryption: true,
        unknownsources: true,
        adbstatus: true,
      }),
    ],
    events: (now) => [
      signIn(now, 3, {
        id: "amy-1",
        source: "google",
        ip: "10.20.0.15",
        success: true,
        type: "google_password",
      }),
    ],
    notifications: (now) => [{
      id: "welcome-green",
      type: "simple",
      title: "Thanks for keeping your devices up to date",
      // Amy's iPhone screen lock can't be checked: the notice must not call everything done.
      message: "Every update we can check is installed. One thing can't be checked from here: " +
        "see the can't-check item above for what you can do yourself.",
      event_timestamp: ago(now, 30),
      severity: "info",
    }],
  },
  {
    email: "one-red@example.com",
    name: "Hermes Conrad",
    story: "one laptop that needs attention now",
    twoStep: false,
    devices: (now) => [
      windows(
        now,
        6,
        {
          serial: "PF1RED0042",
          macs: ["8C:16:45:AA:BB:CC"],
          name: "HERMES-T14",
          model: "ThinkPad T14 Gen 4",
          os: "Microsoft Windows 11 Enterprise",
          version: DEMO_OS.windows11,
        },
        { encryption: false, firewall: true, screenlock: true, autoupdate: true, uptodate: true },
        {
          encryption: "Encryption Percentage: 0",
        },
      ),
      mac(now, 26, {
        serial: "C02RED0002",
        macs: ["A4:5E:60:01:02:03"],
        name: "hermes-air",
        model: "MacBook Air (13-inch, M3)",
        version: DEMO_OS.macCurrent,
      }, { ...ALL_GOOD_MAC, remotelogin: true }),
    ],
    events: () => [],
    notifications: (now) => [{
      id: "bitlocker-red",
      type: "simple",
      title: "Your ThinkPad's disk is not encrypted",
      message:
        "HERMES-T14 reported BitLocker as off. Turn it on today: a lost laptop without encryption exposes everything on it.",
      event_timestamp: ago(now, 4),
      severity: "critical",
      practice: "encryption",
      device: "PF1RED0042",
    }],
  },
  {
    email: "one-unknown@example.com",
    name: "Zoidberg",
    story: "a suggestion, and a device seen only on the network",
    twoStep: false,
    devices: (now) => [
      mac(now, 8, {
        serial: "C02UNKN003",
        macs: ["F0:18:98:11:22:33"],
        name: "zoidberg-mbp",
        model: "MacBook Pro (16-inch, 2023)",
        version: DEMO_OS.macCurrent,
      }, {
        encryption: true,
        firewall: true,
        screenlock: true,
        autoupdate: false,
        remotelogin: true,
        uptodate: true,
      }, {
        autoupdate: "Disabled settings:\n    Install macOS updates",
      }),
      {
        source: "network",
        last_sync: ago(now, 20),
        practices: {},
        identifiers: { mac_addresses: ["78:4F:43:9A:8B:7C"] },
      },
    ],
    events: () => [],
    notifications: (now) => [{
      id: "new-device-unknown",
      type: "question",
      title: "A new device signed in with your account",
      message:
        "A device we don't recognise (MAC address 78:4F:43:9A:8B:7C) used your credentials on the office Wi-Fi yesterday. Was this you?",
      event_timestamp: ago(now, 20),
      severity: "warning",
      answers: [{ value: "yes", label: "This was me" }, { value: "no", label: "This was not me" }],
    }],
  },
  {
    email: "admin@example.com",
    name: "Hubert Farnsworth",
    story: "the security team: the company dashboard, and anyone's devices",
    twoStep: true,
    devices: (now) => [
      mac(now, 3, {
        serial: "C02ADMIN01",
        macs: ["AC:BC:32:0A:0B:0C"],
        name: "farnsworth-mbp",
        model: "MacBook Pro (14-inch, 2024)",
        version: DEMO_OS.macCurrent,
      }, { ...ALL_GOOD_MAC, remotelogin: true }),
    ],
    events: () => [],
    notifications: () => [],
  },
  {
    email: "nothing@example.com",
    name: "Kif Kroker",
    story: "no devices, no alerts",
    twoStep: null,
    devices: () => [],
    events: () => [],
    notifications: () => [],
  },
  {
    email: "user@example.com",
    name: "Philip J. Fry",
    story: "many devices across Mac, Windows, iOS, Android and ChromeOS",
    twoStep: true,
    devices: (now) => [
      bitfit("DECAFBAD00", "MacBook Pro (16-inch, 2023)", "fry-mbp"),
      mac(now, 1, {
        serial: "DECAFBAD00",
        macs: ["F0:18:98:DE:CA:00", "F0:18:98:DE:CA:01"],
        name: "fry-mbp",
        model: "MacBook Pro (16-inch, 2023)",
        version: DEMO_OS.macOld,
      }, {
        encryption: true,
        firewall: false,
        screenlock: true,
        autoupdate: false,
        remotelogin: false,
        uptodate: false,
      }, {
        autoupdate: "Disabled settings:\n    Install app updates\n    Install macOS updates",
        uptodate: "Missing Updates:\n    macOS Sequoia 15.7.2\n    Safari 26.1",
      }),
      windows(
        now,
        30,
        {
          serial: "PF2FRY0001",
          macs: ["98:2C:BC:01:02:03"],
          name: "FRY-X1",
          model: "ThinkPad X1 Carbon Gen 12",
          os: "Microsoft Windows 10 Enterprise",
          version: DEMO_OS.windows10,
        },
        { encryption: true, firewall: true, screenlock: false, autoupdate: true, uptodate: true },
        {
          screenlock: "  • The screen saver is not enabled for user: fry.",
        },
      ),
      phone(now, 3, {
        os: "iOS",
        version: DEMO_OS.iosCurrent,
        model: "iPhone 16 Pro",
        id: "g-fry-1",
      }, { jailed: true, encryption: true, unknownsources: true, adbstatus: true }),
      phone(now, 50, { os: "iOS", version: DEMO_OS.iosOld, model: "iPad Air", id: "g-fry-2" }, {
        jailed: true,
        encryption: true,
        unknownsources: true,
        adbstatus: true,
      }),
      phone(now, 12, {
        os: "Android",
        version: DEMO_OS.androidOld,
        model: "Pixel 6",
        id: "g-fry-3",
        patch: new Date("2025-12-05T00:00:00Z"), // Android 13's last bulletin patch
      }, { jailed: true, encryption: true, adbstatus: false }),
      phone(now, 7, {
        os: "Android",
        version: DEMO_OS.androidCurrent,
        model: "Pixel 9",
        id: "g-fry-4",
        patch: dayOf(ago(now, 24 * 20)),
      }, { jailed: true, encryption: true, adbstatus: true }),
      {
        source: "google",
        type: "ChromeOS Device",
        os: "ChromeOS",
        os_version: DEMO_OS.chromeCurrent,
        model: "Chromebook Plus",
        serial: "5CD3FRY01",
        auto_update_expiration: dayOf(ago(now, -24 * 365 * 3)),
        last_sync: ago(now, 20),
        practices: evidence(ago(now, 20), { jailed: true }),
        identifiers: { serial: "5CD3FRY01", google_device_id: "g-fry-5" },
      },
    ],
    events: (now) => [
      signIn(now, 1, {
        id: "fry-1",
        source: "google",
        ip: "10.20.0.42",
        success: true,
        type: "google_password",
      }),
      signIn(now, 9, {
        id: "fry-2",
        source: "duo",
        ip: "203.0.113.77",
        success: true,
        type: "duo_push",
        place: "New New York, United States",
      }),
      signIn(now, 27, {
        id: "fry-3",
        source: "google",
        ip: "198.51.100.23",
        success: false,
        type: "google_password",
        reason: "login_failure_invalid_password",
      }),
    ],
    notifications: (now) => [
      {
        id: "signin-fry-3",
        type: "question",
        event_id: "event:google:fry-3",
        title: "Sign-in attempt from a new place",
        message:
          "Someone tried to sign in to your Google account from 198.51.100.23 yesterday and typed a wrong password. Was this you?",
        event_timestamp: ago(now, 26),
        severity: "warning",
        answers: [{ value: "yes", label: "This was me" }, {
          value: "no",
          label: "This was not me",
        }],
      },
      {
        id: "firewall-fry",
        type: "simple",
        title: "Your MacBook's firewall is off",
        message: "fry-mbp reported its firewall as off. The Devices page shows how to turn it on.",
        event_timestamp: ago(now, 2),
        severity: "critical",
        practice: "firewall",
        device: "fry-mbp",
      },
      {
        id: "maintenance",
        type: "announcement",
        message: "Stethoscope will be updated on Saturday; data may be a few hours old on Sunday.",
        event_timestamp: ago(now, 72),
      },
    ],
  },
];

/** Looks a demo person up by email (case-insensitive). */
export function demoPerson(email: string): DemoPerson | undefined {
  const wanted = foldEmail(email);
  return DEMO_PEOPLE.find((p) => p.email === wanted);
}

/** The Google account a demo person has, if any. */
export function demoAccount(person: DemoPerson, now: Date): Account | null {
  if (person.twoStep === null) return null;
  return {
    name: person.email,
    type: "google",
    source: "google",
    user_usage: { "accounts:is_2sv_enrolled": person.twoStep },
    last_updated: now,
  };
}
