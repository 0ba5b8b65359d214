/**
 * The practices Stethoscope ships with (the original's defaults of spec §5.4, reworded, with
 * current OS versions and per-OS directions linking to each vendor's own instructions).
 * An operator's `PRACTICES` section replaces this whole table. The OS versions and policies the
 * up-to-date practice uses are in `default_os_versions.ts`, the vendors' help pages in
 * `default_practice_links.ts`; this module changes with the wording and the directions.
 *
 * @module
 */
import { LINKS } from "./default_practice_links.ts";
import type { PracticeConfig, PracticesConfig } from "./practice_config.ts";
import {
  APPLE_MOBILE,
  DEFAULT_OS_POLICIES,
  forEach,
  MAC,
  RECOMMENDED_OS_VERSIONS,
  REQUIRED_OS_VERSIONS,
  WINDOWS,
} from "../releases/default_os_versions.ts";

const UPDATE_WHY = "Updates close security holes that attackers already know about. " +
  "A device that is behind on updates is the easiest kind to break into.";

const jailed: PracticeConfig = {
  KEY: "jailed",
  DISPLAY_TITLE: {
    ok: "{os} is unmodified",
    warn: "This {device} is jailbroken or rooted",
    nudge: "This {device} is jailbroken or rooted",
    unknown: "Whether {os} was modified can't be checked",
    na: "Jailbreak check: does not apply to this {device}",
  },
  DESCRIPTION: "Jailbreaking or rooting a device switches off protections built into its " +
    "operating system, which makes it much easier for malware to take hold.",
  STATUS_IF_MISSING: "warn",
  NA_PLATFORMS: ["Mac", "Windows"],
  DIRECTIONS: {
    ...forEach(
      APPLE_MOBILE,
      `1. Back up the device.\n2. Update or restore it to a standard iOS or iPadOS release with a Mac or PC.\n3. If you are unsure how, ask the IT team.\n\n[How to update iPhone or iPad](${LINKS.iosUpdate})`,
    ),
    Android:
      `1. Back up your photos and files.\n2. Reinstall the manufacturer's software (a factory reset), or ask the IT team for help.\n\n[Keep Android updated](${LINKS.androidUpdate})`,
    ChromeOS:
      `1. Back up your files.\n2. Recover the Chromebook to turn developer mode off.\n\n[Recover your Chromebook](${LINKS.chromebookRecover})`,
  },
};

const encryption: PracticeConfig = {
  KEY: "encryption",
  DISPLAY_TITLE: {
    ok: "Disk is encrypted",
    warn: "Disk is not encrypted",
    nudge: "Disk is not encrypted",
    unknown: "Disk encryption can't be checked on this {device}",
    na: "Disk encryption: does not apply to this {device}",
  },
  DESCRIPTION: "Encrypting the disk keeps your files unreadable to anyone who gets hold of the " +
    "device without your password — a lost laptop then costs hardware, not data.",
  STATUS_IF_MISSING: "warn",
  PLATFORM_REQUIRED: true,
  DIRECTIONS: {
    ...forEach(
      MAC,
      `1. Open System Settings → Privacy & Security.\n2. Scroll to FileVault and click Turn On.\n3. Keep the recovery key somewhere safe, away from the Mac.\n\n[FileVault instructions](${LINKS.macFileVault})`,
    ),
    [WINDOWS]:
      `1. Open Settings → Privacy & security → Device encryption (or BitLocker drive encryption).\n2. Turn it on and let it finish; you can keep working meanwhile.\n\n[Device encryption instructions](${LINKS.winEncryption})`,
    ...forEach(
      APPLE_MOBILE,
      `1. Open Settings → Face ID & Passcode (or Touch ID & Passcode).\n2. Tap Turn Passcode On and choose a passcode; storage is encrypted from then on.\n\n[Passcode instructions](${LINKS.iosPasscode})`,
    ),
    Android:
      `1. Open Settings → Security (or Security & privacy) → Screen lock.\n2. Choose a PIN or password; Android encrypts the phone with it.\n\n[Screen lock instructions](${LINKS.androidLock})`,
  },
};

const uptodate: PracticeConfig = {
  KEY: "uptodate",
  DISPLAY_TITLE: {
    ok: "{os} {version} is up to date",
    warn: "{os} {version} needs an update ({recommended} is current)",
    nudge: "{os} {version} has an update waiting ({recommended} is current)",
    unknown: "Whether {os} is up to date can't be checked",
    na: "Updates: does not apply to this {device}",
  },
  DESCRIPTION: UPDATE_WHY + " Installing updates soon after they come out is one of the most " +
    "effective things you can do for your device's security.",
  REQUIRED_VERSIONS: { ...REQUIRED_OS_VERSIONS },
  RECOMMENDED_VERSIONS: { ...RECOMMENDED_OS_VERSIONS },
  OS_POLICIES: { ...DEFAULT_OS_POLICIES },
  DIRECTIONS: {
    ...forEach(
      MAC,
      `1. Open System Settings → General → Software Update.\n2. Install every update offered, including a newer macOS under Upgrade Now, and restart when asked.\n3. If no newer macOS is offered, this Mac may be too old for it: ask the IT team about a replacement.\n\n[Update macOS](${LINKS.macUpdate})`,
    ),
    ...forEach(
      APPLE_MOBILE,
      `1. Open Settings → General → Software Update.\n2. Tap Update Now (or Install Now) and keep the device charging.\n\n[Update iPhone or iPad](${LINKS.iosUpdate})`,
    ),
    Android:
      `1. Open Settings → System → Software update.\n2. Install what is offered and restart.\n3. If no update is offered, the phone may be too old to get fixes: ask the IT team about a replacement.\n\n[Update Android](${LINKS.androidUpdate})`,
    ChromeOS:
      `1. Open Settings → About ChromeOS.\n2. Click Check for updates, then Restart.\n\n[Update your Chromebook](${LINKS.chromebookUpdate})`,
    [WINDOWS]:
      `1. Open Settings → Windows Update.\n2. Click Check for updates, install everything offered and restart.\n3. If this PC runs Windows 10, updates alone will not fix it: Windows 10 no longer gets security fixes, so ask the IT team about moving to Windows 11.\n\n[Update Windows](${LINKS.winUpdate})`,
  },
};

const autoupdate: PracticeConfig = {
  KEY: "autoupdate",
  DISPLAY_TITLE: {
    ok: "Automatic updates are on",
    warn: "Automatic updates are off",
    nudge: "Automatic updates are off",
    unknown: "Automatic updates can't be checked on this {device}",
    na: "Automatic updates: does not apply to this {device}",
  },
  DESCRIPTION: UPDATE_WHY + " With automatic updates on, fixes arrive without you having to " +
    "remember to look for them.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS"],
  DIRECTIONS: {
    ...forEach(
      MAC,
      `1. Open System Settings → General → Software Update.\n2. Click the info button next to Automatic Updates.\n3. Turn every option on and click Done.\n\n[Update macOS](${LINKS.macUpdate})`,
    ),
    [WINDOWS]:
      `1. Open Settings → Windows Update.\n2. If updates are paused, click Resume updates.\n\n[Update Windows](${LINKS.winUpdate})`,
  },
};

const firewall: PracticeConfig = {
  KEY: "firewall",
  DISPLAY_TITLE: {
    ok: "Firewall is on",
    warn: "Firewall is off",
    nudge: "Firewall is off",
    unknown: "Firewall can't be checked on this {device}",
    na: "Firewall: does not apply to this {device}",
  },
  DESCRIPTION: "A firewall blocks connections you did not ask for. It matters most on networks " +
    "you do not control, such as in cafés, hotels and airports.",
  STATUS_IF_MISSING: "warn",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS"],
  DIRECTIONS: {
    ...forEach(
      MAC,
      `1. Open System Settings → Network → Firewall.\n2. Turn Firewall on.\n\n[Firewall instructions](${LINKS.macFirewall})`,
    ),
    [WINDOWS]:
      `1. Open Windows Security → Firewall & network protection.\n2. Turn Microsoft Defender Firewall on for Domain, Private and Public networks.\n\n[Firewall instructions](${LINKS.winFirewall})`,
  },
};

const remotelogin: PracticeConfig = {
  KEY: "remotelogin",
  DISPLAY_TITLE: {
    ok: "Remote Login is off",
    warn: "Remote Login is on",
    nudge: "Remote Login is on",
    unknown: "Remote Login can't be checked on this {device}",
    na: "Remote Login: does not apply to this {device}",
  },
  DESCRIPTION: "Remote Login lets others sign in to your Mac over the network with SSH. Unless " +
    "you use it on purpose, turn it off.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["Android", "iOS", "iPadOS", "Windows"],
  DIRECTIONS: forEach(
    MAC,
    `1. Open System Settings → General → Sharing.\n2. Turn Remote Login off.\n\n[Sharing instructions](${LINKS.macRemote})`,
  ),
};

const screenlock: PracticeConfig = {
  KEY: "screenlock",
  DISPLAY_TITLE: {
    ok: "Screen lock is on",
    warn: "Screen lock is off or too slow",
    nudge: "Screen lock is off or too slow",
    unknown: "Screen lock can't be checked on this {device}",
    na: "Screen lock: does not apply to this {device}",
  },
  DESCRIPTION: "A screen lock stops anyone who finds your device unattended from using it. " +
    "Ask for the password right after the screen turns off, and let it turn off after 10 " +
    "minutes or less of inactivity.",
  STATUS_IF_MISSING: "warn",
  DIRECTIONS: {
    ...forEach(
      MAC,
      `1. Open System Settings → Lock Screen.\n2. Set “Require password after screen saver begins or display is turned off” to Immediately.\n3. Set the display to turn off after 10 minutes or less.\n\n[Lock screen settings](${LINKS.macLock})`,
    ),
    [WINDOWS]:
      "1. Open Settings → Accounts → Sign-in options.\n2. Under “If you've been away”, choose When PC wakes up from sleep.\n3. In Settings → System → Power, turn the screen off after 10 minutes or less.",
    ...forEach(
      APPLE_MOBILE,
      `1. Open Settings → Face ID & Passcode and turn the passcode on.\n2. Open Settings → Display & Brightness → Auto-Lock and choose 5 minutes or less.\n\n[Passcode instructions](${LINKS.iosPasscode})`,
    ),
    Android:
      `1. Open Settings → Security (or Security & privacy) → Screen lock.\n2. Choose a PIN, password or pattern.\n\n[Screen lock instructions](${LINKS.androidLock})`,
  },
};

const unknownsources: PracticeConfig = {
  KEY: "unknownsources",
  DISPLAY_TITLE: {
    ok: "Apps come only from the Play Store",
    warn: "Apps from unknown sources are allowed",
    nudge: "Apps from unknown sources are allowed",
    unknown: "App sources can't be checked on this {device}",
    na: "App sources: does not apply to this {device}",
  },
  DESCRIPTION: "Apps installed from outside the Play Store are far more likely to carry " +
    "malware. Keep installing from unknown sources turned off.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["iOS", "iPadOS", "Mac", "Windows"],
  DIRECTIONS: {
    Android:
      `1. Open Settings → Apps → Special app access → Install unknown apps.\n2. Turn the permission off for every app listed.\n3. Keep Google Play Protect on in the Play Store app.\n\n[Play Protect](${LINKS.playProtect})`,
  },
};

const adbstatus: PracticeConfig = {
  KEY: "adbstatus",
  DISPLAY_TITLE: {
    ok: "USB debugging is off",
    warn: "USB debugging is on",
    nudge: "USB debugging is on",
    unknown: "USB debugging can't be checked on this {device}",
    na: "USB debugging: does not apply to this {device}",
  },
  DESCRIPTION: "USB debugging (the Android Debug Bridge) is a tool for app developers. Left on, " +
    "it gives deep access to the phone over a cable or the network, and it has been abused " +
    "by attackers.",
  PLATFORM_REQUIRED: true,
  NA_PLATFORMS: ["iOS", "iPadOS", "Mac", "Windows"],
  DIRECTIONS: {
    Android:
      `1. Open Settings → System → Developer options.\n2. Turn off USB debugging and Wireless debugging.\n\n[Developer options](${LINKS.androidDevOptions})`,
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
