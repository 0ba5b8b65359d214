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
import { sha256HexSync } from "../../../lib/sha256.ts";

/** The largest page Google serves, per kind. */
export const LIST_PAGE_SIZE = { mobile: 100, chromeos: 300 } as const;

/** One page of a Directory API list. */
export interface RawPage {
  items: unknown[];
  next: string | undefined;
}

/** What the listing needs from the source. */
export interface GoogleListingParts {
  /**
   * One page of mobile devices (no query), ordered by `deviceId` in `order` (the documented
   * `orderBy=deviceId` and `sortOrder`).
   */
  mobilePage(
    pageToken: string | undefined,
    signal: AbortSignal,
    order: "ASCENDING" | "DESCENDING",
  ): Promise<RawPage>;
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
 * the two lists are independent), the mobile devices from both ends at once
 * ({@link mobileFromBothEnds}); pages are yielded as they arrive. A malformed device is
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
    mobileFromBothEnds(parts, signal),
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

/** One page of raw devices as a listed page: records, their owners, malformed ones told. */
function listedPage(
  parts: GoogleListingParts,
  what: string,
  items: readonly unknown[],
  process: (raw: unknown) => DeviceRecord,
  ownersOf: (raw: unknown) => string[],
): ListedPage {
  const records: DeviceRecord[] = [];
  const owners: string[][] = [];
  const skipped: { id: string; problem: string }[] = [];
  for (const raw of items) {
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
  return { records, owners };
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
    yield listedPage(parts, what, answer.items, process, ownersOf);
    token = answer.next === token ? undefined : answer.next;
  } while (token);
}

/**
 * A device's identity for telling a repeat apart: the SHA-256 of its whole text (two streams
 * reading the same device unchanged read the same text; a device changed in between counts as
 * two, which only makes the streams read on).
 */
function identityOf(raw: unknown): string {
  return sha256HexSync(JSON.stringify(raw));
}

/**
 * The mobile devices read from both ends at once (issue 25: Google's 100-device pages, one after
 * another, were half of a 100,000-person run): one stream ascending by `deviceId`, one
 * descending (the list's documented `orderBy=deviceId` and `sortOrder`), each following its own
 * `nextPageToken`, a page of each asked at the same time. The first page is asked alone, so a
 * list of one page costs one request.
 *
 * They have met once one stream reads a device the other already read (the same text), at
 * `deviceId` K: the descending stream has then read every device after K, the ascending one every
 * device before it, and the ascending one goes on until it has read a device whose `deviceId` is
 * not K (so devices sharing K are all read, whatever order Google gives them among themselves).
 * A device read by both is given once. Either stream reaching its list's end ends both.
 *
 * @param parts the page fetcher and record builder
 * @param signal cancels the listing
 */
async function* mobileFromBothEnds(
  parts: GoogleListingParts,
  signal: AbortSignal,
): AsyncGenerator<ListedPage> {
  const what = "mobile devices";
  const taken = new Map<string, 0 | 1>(); // identity → the stream that read it (0 up, 1 down)
  const tokens: (string | undefined)[] = [undefined, undefined];
  const open = [true, false]; // the descending stream starts after a first page with a next one
  let meetKey: string | undefined;
  let met = false;
  let lastUpKey: string | undefined;
  const ORDERS = ["ASCENDING", "DESCENDING"] as const;
  while (open[0] || open[1]) {
    const which = ([0, 1] as const).filter((i) => open[i]);
    const answers = await Promise.all(
      which.map((i) => parts.mobilePage(tokens[i], signal, ORDERS[i])),
    );
    const first = !open[1] && tokens[0] === undefined;
    for (const [n, i] of which.entries()) {
      const answer = answers[n]!;
      const fresh: unknown[] = [];
      for (const raw of answer.items) {
        const id = identityOf(raw);
        const by = taken.get(id);
        if (by === undefined) {
          taken.set(id, i);
          fresh.push(raw);
        } else if (by !== i && !met) {
          met = true;
          meetKey = deviceIdOf(raw);
        }
        if (i === 0) lastUpKey = deviceIdOf(raw);
      }
      if (fresh.length > 0) yield listedPage(parts, what, fresh, parts.processMobile, mobileOwners);
      const next = answer.next === tokens[i] ? undefined : answer.next;
      tokens[i] = next;
      if (next === undefined) open[0] = open[1] = false; // one stream read to its list's end
    }
    if (met) {
      open[1] = false;
      if (lastUpKey !== meetKey) open[0] = false;
    }
    if (first && open[0]) open[1] = true; // more than one page: read from the other end too
  }
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
