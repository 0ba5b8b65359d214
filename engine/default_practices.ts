/**
 * The practices Stethoscope ships with (the original's defaults of spec §5.4, reworded, with
 * current OS versions and per-OS directions linking to each vendor's own instructions).
 * An operator's `PRACTICES` section replaces this whole table.
 *
 * @module
 */
import type { PracticeConfig, PracticesConfig } from "./practice_config.ts";

const MAC = ["Mac OS X", "macOS"] as const;
const APPLE_MOBILE = ["iOS", "iPadOS"] as const;
const WINDOWS = "Microsoft Windows";

/** The same text for several OS names (e.g. both names JAMF has used for macOS). */
function forEach(names: readonly string[], text: string): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, text]));
}

/**
 * Minimum (below: critical) and recommended (below: suggested) OS versions, the original's static
 * tables. The OS policies below judge with current release data; these stay as a floor. Checked on
 * 30 November 2026 against what public sources show (see `plugins/releases/shipped.json`):
 * - macOS 15.7 (15 September 2025) is Sequoia's security line (15.7.7 on 11 May 2026); macOS 26
 *   Tahoe reached 26.5 on 11 May 2026 and 26.6 was in beta in June 2026 (its release, and
 *   macOS 27's, could not be confirmed).
 * - iOS/iPadOS 27 shipped on 14 September 2026; 26.6 on 27 July 2026, 26.7.1 on 28 September
 *   2026; iOS 18 got 18.7.9 on 11 May 2026.
 * - Android 13 stopped getting security patches in March 2026, so 14 is the floor; 16 is current.
 * - ChromeOS milestones 144/150 were not checked against a public source.
 * - Windows 11 24H2 (build 26100): Home/Pro serviced until 13 October 2026, Enterprise/Education
 *   until 12 October 2027; 25H2 (26200) is current; Windows 10 22H2 (19045) ended on 14 October
 *   2025 and gets only Extended Security Updates.
 */
export const REQUIRED_OS_VERSIONS: Readonly<Record<string, string>> = {
  ...forEach(MAC, "15.7"),
  ...forEach(APPLE_MOBILE, "18.7"),
  Android: "14.0.0",
  ChromeOS: "144.0.0",
  "Microsoft Windows 11": "10.0.26100",
  "Microsoft Windows 10": "10.0.19045",
};

/** Recommended OS versions, checked on 30 November 2026 (see `REQUIRED_OS_VERSIONS`). */
export const RECOMMENDED_OS_VERSIONS: Readonly<Record<string, string>> = {
  ...forEach(MAC, "26.6"),
  ...forEach(APPLE_MOBILE, "26.6"),
  Android: "16.0.0",
  ChromeOS: "150.0.0",
  "Microsoft Windows 11": "10.0.26200",
};

/**
 * One-line OS policies judged with the release feeds (see `engine/os_policy.ts` and the README,
 * "OS release policies"): Apple deadlines as Nudge's defaults (14 days when the release fixes
 * actively exploited issues, 21 otherwise), at most two majors behind (Apple patches three), Android
 * patches older than 60 days suggested and 90 days critical (three missed monthly bulletins).
 */
export const DEFAULT_OS_POLICIES: Readonly<Record<string, string>> = {
  ...forEach([...MAC, ...APPLE_MOBILE], "supported; behind 2; deadline 21d; exploited 14d"),
  Android: "supported; patch-suggested 60d; patch-critical 90d",
  ChromeOS: "supported",
  [WINDOWS]: "supported",
};

const LINKS = {
  macUpdate: "https://support.apple.com/en-us/108382",
  macFileVault:
    "https://support.apple.com/guide/mac-help/protect-data-on-your-mac-with-filevault-mh11785/mac",
  macFirewall:
    "https://support.apple.com/guide/mac-help/block-connections-to-your-mac-with-a-firewall-mh34041/mac",
  macRemote:
    "https://support.apple.com/guide/mac-help/allow-a-remote-computer-to-access-your-mac-mchlp1066/mac",
  macLock:
    "https://support.apple.com/guide/mac-help/change-lock-screen-settings-on-mac-mh11784/mac",
  iosUpdate: "https://support.apple.com/en-us/118575",
  iosPasscode: "https://support.apple.com/en-us/119586",
  winUpdate:
    "https://support.microsoft.com/windows/update-windows-3c5ae7fc-9fb6-9af1-1984-b5e0412c556a",
  winEncryption:
    "https://support.microsoft.com/windows/device-encryption-in-windows-cf7e2b6f-3e70-4882-9532-18633605b7df",
  winFirewall:
    "https://support.microsoft.com/windows/turn-microsoft-defender-firewall-on-or-off-ec0844f7-aebd-0583-67fe-601ecf5d774f",
  androidUpdate: "https://support.google.com/android/answer/7680439",
  androidLock: "https://support.google.com/android/answer/9079129",
  playProtect: "https://support.google.com/googleplay/answer/2812853",
  androidDevOptions: "https://developer.android.com/studio/debug/dev-options",
  chromebookUpdate: "https://support.google.com/chromebook/answer/177889",
  chromebookRecover: "https://support.google.com/chromebook/answer/1080595",
} as const;

const UPDATE_WHY = "Updates close security holes that attackers already know about. " +
  "A device that is behind on updates is the easiest kind to break into.";

const jailed: PracticeConfig = {
  KEY: "jailed",
  DISPLAY_TITLE: "Unmodified operating system",
  DESCRIPTION: "Jailbreaking or rooting a device switches off protections built into its " +
    "operating system, which makes it much easier for malware to take hold.",
  STATUS_IF_MISSING: "warn",
  NA_PLATFORMS: ["Mac", "Windows"],
  DIRECTIONS: {
    ...forEach(
      APPLE_MOBILE,
      `Restore the device to a standard iOS or iPadOS release by updating it: [how to update](${LINKS.iosUpdate}).`,
    ),
    Android:
      `Reset the phone to its manufacturer's software, or ask the IT team for help. [Keep Android updated](${LINKS.androidUpdate}).`,
    ChromeOS:
      `Turn off developer mode by recovering the Chromebook: [recover your Chromebook](${LINKS.chromebookRecover}).`,
  },
};

const encryption: PracticeConfig = {
  KEY: "encryption",
  DISPLAY_TITLE: "Disk encryption",
  DESCRIPTION: "Encrypting the disk keeps your files unreadable to anyone who gets hold of the " +
    "device without your password — a lost laptop then costs hardware, not data.",
  STATUS_IF_MISSING: "warn",
  PLATFORM_REQUIRED: true,
  DIRECTIONS: {
    ...forEach(
      MAC,
      `Turn on FileVault in System Settings → Privacy & Security: [FileVault instructions](${LINKS.macFileVault}).`,
    ),
    [WINDOWS]:
      `Turn on device encryption or BitLocker in Settings → Privacy & security: [device encryption instructions](${LINKS.winEncryption}).`,
    ...forEach(
      APPLE_MOBILE,
      `Set a passcode; iPhone and iPad encrypt their storage once one is set: [passcode instructions](${LINKS.iosPasscode}).`,
    ),
    Android:
      `Set a screen lock PIN or password; Android encrypts the phone with it: [screen lock instructions](${LINKS.androidLock}).`,
  },
};

const uptodate: PracticeConfig = {
  KEY: "uptodate",
  DISPLAY_TITLE: "Operating system up to date",
  DESCRIPTION: UPDATE_WHY + " Installing updates soon after they come out is one of the most " +
    "effective things you can do for your device's security.",
  REQUIRED_VERSIONS: { ...REQUIRED_OS_VERSIONS },
  RECOMMENDED_VERSIONS: { ...RECOMMENDED_OS_VERSIONS },
  OS_POLICIES: { ...DEFAULT_OS_POLICIES },
  DIRECTIONS: {
    ...forEach(
      MAC,
      `Open System Settings → General → Software Update and install what is offered: [update macOS](${LINKS.macUpdate}).`,
    ),
    ...forEach(
      APPLE_MOBILE,
      `Open Settings → General → Software Update: [update iPhone or iPad](${LINKS.iosUpdate}).`,
    ),
    Android:
      `Open Settings → System → Software update: [update Android](${LINKS.androidUpdate}). If no update is offered, the phone may be too old to be supported.`,
    ChromeOS:
      `Open Settings → About ChromeOS → Check for updates: [update your Chromebook](${LINKS.chromebookUpdate}).`,
    [WINDOWS]:
      `Open Settings → Windows Update → Check for updates: [update Windows](${LINKS.winUpdate}).`,
  },
};

const autoupdate: PracticeConfig = {
  KEY: "autoupdate",
  DISPLAY_TITLE: "Automatic updates",
  DESCRIPTION: UPDATE_WHY + " With automatic updates on, fixes arrive without you having to " +
    "remember to look for them.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS"],
  DIRECTIONS: {
    ...forEach(
      MAC,
      `In System Settings → General → Software Update, click the info button next to Automatic Updates and turn every option on: [update macOS](${LINKS.macUpdate}).`,
    ),
    [WINDOWS]: `Keep Windows Update on and do not pause it: [update Windows](${LINKS.winUpdate}).`,
  },
};

const firewall: PracticeConfig = {
  KEY: "firewall",
  DISPLAY_TITLE: "Firewall",
  DESCRIPTION: "A firewall blocks connections you did not ask for. It matters most on networks " +
    "you do not control, such as in cafés, hotels and airports.",
  STATUS_IF_MISSING: "warn",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS"],
  DIRECTIONS: {
    ...forEach(
      MAC,
      `Turn the firewall on in System Settings → Network → Firewall: [firewall instructions](${LINKS.macFirewall}).`,
    ),
    [WINDOWS]:
      `Turn Microsoft Defender Firewall on for every network type: [firewall instructions](${LINKS.winFirewall}).`,
  },
};

const remotelogin: PracticeConfig = {
  KEY: "remotelogin",
  DISPLAY_TITLE: "Remote login off",
  DESCRIPTION: "Remote Login lets others sign in to your Mac over the network with SSH. Unless " +
    "you use it on purpose, turn it off.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS", "Windows"],
  DIRECTIONS: forEach(
    MAC,
    `Turn off Remote Login in System Settings → General → Sharing: [sharing instructions](${LINKS.macRemote}).`,
  ),
};

const screenlock: PracticeConfig = {
  KEY: "screenlock",
  DISPLAY_TITLE: "Screen lock",
  DESCRIPTION: "A screen lock stops anyone who finds your device unattended from using it. " +
    "Ask for the password right after the screen turns off, and let it turn off after 10 " +
    "minutes or less of inactivity.",
  STATUS_IF_MISSING: "warn",
  DIRECTIONS: {
    ...forEach(
      MAC,
      `In System Settings → Lock Screen, require a password immediately after the screen saver starts or the display turns off: [lock screen settings](${LINKS.macLock}).`,
    ),
    [WINDOWS]:
      "Open Settings → Accounts → Sign-in options and require sign-in when the PC wakes; set the screen to turn off after 10 minutes or less.",
    ...forEach(
      APPLE_MOBILE,
      `Set a passcode and an auto-lock time: [passcode instructions](${LINKS.iosPasscode}).`,
    ),
    Android:
      `Set a screen lock PIN, password or pattern: [screen lock instructions](${LINKS.androidLock}).`,
  },
};

const unknownsources: PracticeConfig = {
  KEY: "unknownsources",
  DISPLAY_TITLE: "Apps only from the Play Store",
  DESCRIPTION: "Apps installed from outside the Play Store are far more likely to carry " +
    "malware. Keep installing from unknown sources turned off.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["iOS", "iPadOS", "Mac", "Windows"],
  DIRECTIONS: {
    Android:
      `Remove the permission to install unknown apps from every app that has it (Settings → Apps → Special app access), and keep Google Play Protect on: [Play Protect](${LINKS.playProtect}).`,
  },
};

const adbstatus: PracticeConfig = {
  KEY: "adbstatus",
  DISPLAY_TITLE: "USB debugging off",
  DESCRIPTION: "USB debugging (the Android Debug Bridge) is a tool for app developers. Left on, " +
    "it gives deep access to the phone over a cable or the network, and it has been abused " +
    "by attackers.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["iOS", "iPadOS", "Mac", "Windows"],
  DIRECTIONS: {
    Android:
      `Turn off USB debugging (and wireless debugging) in Settings → System → Developer options: [developer options](${LINKS.androidDevOptions}).`,
  },
};

/** The default `PRACTICES` section. */
export const DEFAULT_PRACTICES: PracticesConfig = {
  jailed,
  encryption,
  uptodate,
  autoupdate,
  firewall,
  remotelogin,
  screenlock,
  unknownsources,
  adbstatus,
};

/** The default `PRACTICES_ENABLED`. */
export const DEFAULT_PRACTICES_ENABLED: readonly string[] = Object.keys(DEFAULT_PRACTICES);

/**
 * An example required-software practice, not enabled by default: add it to `PRACTICES` (and
 * `PRACTICES_ENABLED`) with your own product's application and service names.
 */
export const EXAMPLE_SOFTWARE_PRACTICES: PracticesConfig = {
  endpoint_protection: {
    KEY: "endpoint_protection",
    TYPE: "installed_software",
    DISPLAY_TITLE: "Endpoint protection",
    DESCRIPTION: "Our endpoint protection software helps stop malware and lets the security " +
      "team notice and respond quickly when something goes wrong.",
    PLATFORM_REQUIRED: true,
    NA_PLATFORMS: ["Android", "iOS", "iPadOS"],
    SOFTWARE_NAMES: ["Sentinel Agent"],
    SERVICE_NAMES: ["com.sentinelone.sentineld"],
  },
};
