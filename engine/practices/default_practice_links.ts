/**
 * The vendors' own help pages the default practices' directions link to (Apple, Microsoft,
 * Google). Changes when a vendor moves a page (`tests/engine/default_practices_test.ts` checks
 * that every link is one of these vendors' https pages).
 *
 * @module
 */

/** Help pages by what they explain. */
export const LINKS = {
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
