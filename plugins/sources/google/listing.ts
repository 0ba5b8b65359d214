/**
 * Google's whole device inventory as a paged listing (issue 16): the Directory API's mobile
 * devices (`GET …/customer/my_customer/devices/mobile`) and ChromeOS devices
 * (`…/devices/chromeos`), without a query, following `nextPageToken`, one page per request
 * (`maxResults` up to 100 for mobile devices and 300 for ChromeOS, Google's documented limits:
 * https://developers.google.com/admin-sdk/directory/reference/rest/v1/mobiledevices/list,
 * https://developers.google.com/admin-sdk/directory/reference/rest/v1/chromeosdevices/list).
 *
 * Google's records carry no owner field of their own, so each page names them: a mobile device
 * belongs to every address of its `email` list (what the per-person `email:` query matches), a
 * Chromebook to its most recent user (what the per-person lookup keeps).
 *
 * @module
 */
import type { ListedPage } from "../../../engine/core/ports.ts";
import type { DeviceRecord } from "../../../engine/core/types.ts";
import { MalformedDeviceError, recentManagedUser } from "./parse.ts";

/** The largest page Google serves, per kind. */
export const LIST_PAGE_SIZE = { mobile: 100, chromeos: 300 } as const;

/** One page of a Directory API list. */
export interface RawPage {
  items: unknown[];
  next: string | undefined;
}

/** What the listing needs from the source. */
export interface GoogleListingParts {
  /** One page of mobile devices (no query). */
  mobilePage(pageToken: string | undefined, signal: AbortSignal): Promise<RawPage>;
  /** One page of ChromeOS devices (no query). */
  chromeOsPage(pageToken: string | undefined, signal: AbortSignal): Promise<RawPage>;
  processMobile(raw: unknown): DeviceRecord;
  processChromeOs(raw: unknown): DeviceRecord;
  /** Told once per page about the malformed devices skipped (their `deviceId` and problem). */
  onSkipped(what: string, skipped: { id: string; problem: string }[]): void;
  /** Told about each listed device that names no owner (nobody's page can show it). */
  onNoOwner?(what: string, id: string): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Directory API device's `deviceId` as text, `"?"` without one. */
export function deviceIdOf(raw: unknown): string {
  return isObject(raw) && typeof raw.deviceId === "string" ? raw.deviceId : "?";
}

/** The addresses a mobile device belongs to: its `email` list. */
export function mobileOwners(raw: unknown): string[] {
  if (!isObject(raw) || !Array.isArray(raw.email)) return [];
  return raw.email.filter((e): e is string => typeof e === "string");
}

/** The address a Chromebook belongs to: its most recent managed user's (`recentManagedUser`). */
export function chromeOsOwners(raw: unknown): string[] {
  const user = recentManagedUser(raw);
  return user === undefined ? [] : [user];
}

/**
 * Every mobile device and every ChromeOS device, page by page, the two lists read at the same
 * time (issue 25: each pages by `nextPageToken`, so its own pages cannot be fetched ahead, but
 * the two lists are independent); pages are yielded as they arrive. A malformed device is
 * skipped (decision 19); a failing page ends the listing with its error.
 *
 * @param parts page fetchers and record builders of the Google source
 * @param signal cancels the listing
 */
export async function* listGoogleDevices(
  parts: GoogleListingParts,
  signal: AbortSignal,
): AsyncGenerator<ListedPage> {
  yield* interleave([
    kindPages(parts, "mobile devices", parts.mobilePage, parts.processMobile, mobileOwners, signal),
    kindPages(
      parts,
      "ChromeOS devices",
      parts.chromeOsPage,
      parts.processChromeOs,
      chromeOsOwners,
      signal,
    ),
  ]);
}

async function* kindPages(
  parts: GoogleListingParts,
  what: string,
  page: (token: string | undefined, signal: AbortSignal) => Promise<RawPage>,
  process: (raw: unknown) => DeviceRecord,
  ownersOf: (raw: unknown) => string[],
  signal: AbortSignal,
): AsyncGenerator<ListedPage> {
  let token: string | undefined;
  do {
    const answer = await page(token, signal);
    const records: DeviceRecord[] = [];
    const owners: string[][] = [];
    const skipped: { id: string; problem: string }[] = [];
    for (const raw of answer.items) {
      try {
        records.push(process(raw));
        const named = ownersOf(raw);
        owners.push(named);
        if (named.length === 0) parts.onNoOwner?.(what, deviceIdOf(raw));
      } catch (error: unknown) {
        if (!(error instanceof MalformedDeviceError)) throw error;
        skipped.push({ id: deviceIdOf(raw), problem: error.message });
      }
    }
    if (skipped.length > 0) parts.onSkipped(what, skipped);
    yield { records, owners };
    token = answer.next === token ? undefined : answer.next;
  } while (token);
}

/**
 * The items of several async generators as each produces them, each asked for its next item
 * only once the previous one was taken (so none runs more than one item ahead). The first error
 * ends the whole; the others are then closed.
 */
async function* interleave<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<T> {
  type Step = { i: number; r: IteratorResult<T> };
  const pending = new Map<number, Promise<Step>>();
  const ask = (i: number) => {
    const p = sources[i]!.next().then((r) => ({ i, r }));
    p.catch(() => {}); // awaited through the race below; never left unhandled
    pending.set(i, p);
  };
  sources.forEach((_, i) => ask(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      ask(i);
      yield r.value;
    }
  } finally {
    await Promise.allSettled(sources.map((s) => s.return(undefined)));
  }
}

/** The scope that lets the service account read the user directory (`users.list`). */
export const DIRECTORY_USER_SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly";

/**
 * The primary addresses of one page of `users.list` (`…/admin/directory/v1/users`,
 * https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list), leaving out
 * suspended and archived users (they have no devices to fix).
 */
export function activeUsers(items: readonly unknown[]): string[] {
  return items.flatMap((u) =>
    isObject(u) && typeof u.primaryEmail === "string" && u.suspended !== true &&
      u.archived !== true
      ? [u.primaryEmail]
      : []
  );
}
