/**
 * What the listing benches (`batch_listing.ts`, `batch_scale.ts`) share: starting the fakes of
 * `inventory_fakes.ts` in their own process and the `PLUGINS` sections pointing the Intune,
 * Jamf Pro and Google sources at them.
 *
 * @module
 */
import { intuneSettings } from "../tests/fakes/intune.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET } from "../tests/fakes/jamf.ts";

/** The fakes' URLs, as `inventory_fakes.ts` prints them. */
export interface InventoryUrls {
  intune: { graphUrl: string; loginUrl: string };
  jamfPro: { serverUrl: string };
  google: { url: string; tokenUri: string; clientEmail: string; admin: string; privateKey: string };
  control: string;
  elasticsearch: string;
}

/**
 * Starts `inventory_fakes.ts` (PEOPLE, DEVICES, LATENCY_MS) and reads its first line.
 *
 * @returns the child, its URLs and that line as printed (to hand to another process)
 */
export async function startInventoryFakes(
  people: number,
  devices: number,
  latencyMs: number,
): Promise<{ child: Deno.ChildProcess; urls: InventoryUrls; line: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      new URL("./inventory_fakes.ts", import.meta.url).pathname,
      String(people),
      String(devices),
      String(latencyMs),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  while (!first.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the fakes process ended before printing its URLs");
    first += value;
  }
  reader.releaseLock();
  const line = first.split("\n")[0]!;
  return { child, urls: JSON.parse(line) as InventoryUrls, line };
}

/** The page sizes the benches ask for (Google's mobile maximum is 100). */
export const PAGES = { intune: 1000, jamf_pro: 500, google: 100 } as const;

/** `PLUGINS.intune`, `.jamf_pro` and `.google` over the fakes (Intune without setting states). */
export function inventoryPlugins(urls: InventoryUrls): Record<string, unknown> {
  return {
    intune: intuneSettings(urls.intune, { PAGE_SIZE: PAGES.intune, SETTING_STATES: false }),
    jamf_pro: {
      JAMF_PRO_URL: urls.jamfPro.serverUrl,
      JAMF_CLIENT_ID,
      JAMF_CLIENT_SECRET,
      PAGE_SIZE: PAGES.jamf_pro,
    },
    google: {
      GOOGLE_API_SECRETS: {
        client_email: urls.google.clientEmail,
        private_key: urls.google.privateKey,
        token_uri: urls.google.tokenUri,
      },
      GOOGLE_API_USERNAME: urls.google.admin,
      GOOGLE_API_SCOPES: [
        "https://www.googleapis.com/auth/admin.directory.device.mobile.readonly",
        "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly",
      ],
      GOOGLE_API_ROOT_URL: urls.google.url,
    },
  };
}
