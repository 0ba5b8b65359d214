/**
 * Reading listing sources once per batch run (issue 16): every page of a source's inventory is
 * indexed by owner, serial and MAC, and a stand-in device source answers the per-person lookups
 * from that index — so the engine runs exactly as for a page view (staged lookup, practices,
 * merging, ownership guard) while the upstream saw one request per page instead of several per
 * person. A listing that fails halfway makes its stand-in fail every lookup with one clear
 * message; the other sources carry on.
 *
 * The index is compact (issue 25: 250,000 devices in bounded memory): each record and its source
 * key are kept as one JSON text on a {@link TextShelf} — in memory by default, in a spill file
 * (`lib/spill_file.ts`) for the `batch` command — and revived (`recordFromWire`) when a lookup
 * finds it; the owner, serial and MAC indexes hold record numbers by the keys' hashes in typed
 * arrays (`key_index.ts`), not records nor keys.
 *
 * @module
 */
import { describeError } from "../view/deadline.ts";
import { canonicalMac, isValidEmail, isValidMac } from "../identity/identifiers.ts";
import {
  type CallOptions,
  type DeviceSource,
  type ListingSource,
  UpstreamError,
} from "../core/ports.ts";
import type { DeviceRecord } from "../core/types.ts";
import { foldEmail } from "../identity/emails.ts";
import { recordFromWire } from "../core/wire.ts";
import { createKeyIndex, type KeyIndex } from "./key_index.ts";

/**
 * Where a listing keeps its records' texts (a port): numbered in the order put, read back by
 * number. The batch command hands a spill file; tests and small runs keep them in memory.
 */
export interface TextShelf {
  /** Keeps `text`; returns its number (0, 1, 2…). */
  put(text: string): number;
  /** The text of number `n`. */
  get(n: number): string;
  /** Frees what it holds; called once the run is over. */
  close?(): void;
}

/**
 * A shelf in memory: an array of texts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const shelf = memoryShelf();
 * assert.equal(shelf.put("a"), 0);
 * assert.equal(shelf.put("b"), 1);
 * assert.equal(shelf.get(0), "a");
 * ```
 */
export function memoryShelf(): TextShelf {
  const texts: string[] = [];
  return { put: (text) => texts.push(text) - 1, get: (n) => texts[n]! };
}

/** What one listing produced: its records by owner, serial and MAC, or why it stopped. */
export interface ListingIndex {
  /** The source's registry name. */
  source: string;
  /**
   * Each record read, in upstream order, as the JSON text of `[key, record]` (the source's key
   * of the record, `ListedPage.keys`, or `null`; dates as ISO strings), or `[key, record,
   * owners]` when the page named the record's owners (`ListedPage.owners`).
   */
  shelf: TextShelf;
  /** Owner address (folded by `foldEmail`) → record numbers; see {@link recordsUnder}. */
  byOwner: KeyIndex;
  /** The owners as the upstream spelled them, in first-seen order (valid addresses only). */
  owners: string[];
  /** Upper-cased serial → record numbers. */
  bySerial: KeyIndex;
  /** Canonical MAC → record numbers. */
  byMac: KeyIndex;
  /** Pages read successfully. */
  pages: number;
  /** Records read. */
  records: number;
  /** Plain words when the listing stopped on an error; the index is then partial and unused. */
  failure?: string;
}

/** What a listing's index files a record under. */
export type IndexKind = "owner" | "serial" | "mac";

/**
 * The keys a record is filed under: its owners (the page's `owners`, else the record's `email`;
 * valid addresses, trimmed, folded by `foldEmail`, each once, with the spelling first seen),
 * serials (upper-cased) and MACs (canonical). One function for filing and for checking what a
 * lookup found, so the two cannot disagree.
 */
function keysOf(
  record: DeviceRecord,
  owners: readonly string[] = record.email === undefined ? [] : [record.email],
  only?: IndexKind,
): Record<IndexKind, string[]> & { spelled: string[] } {
  const owner: string[] = [];
  const spelled: string[] = [];
  // a lookup checks one kind: the others are left empty (issue 25: the batch's CPU)
  if (only !== undefined && only !== "owner") owners = [];
  for (const address of owners) {
    const email = address.trim();
    const key = foldEmail(email);
    if (!isValidEmail(email) || owner.includes(key)) continue;
    owner.push(key);
    spelled.push(email);
  }
  const serials = new Set(
    only === undefined || only === "serial"
      ? [record.identifiers?.serial, record.serial].map((s) => s?.toUpperCase())
      : [],
  );
  const macs = only === undefined || only === "mac"
    ? (record.identifiers?.mac_addresses ?? []).filter(isValidMac).map(canonicalMac)
    : [];
  return {
    owner,
    spelled,
    serial: [...serials].filter((s): s is string => Boolean(s)),
    mac: [...new Set(macs)],
  };
}

/** The key `value` is filed under as `kind`, or `undefined` when it can be under none. */
function keyFor(kind: IndexKind, value: string): string | undefined {
  if (kind === "owner") return foldEmail(value);
  if (kind === "serial") return value.toUpperCase() || undefined;
  return isValidMac(value) ? canonicalMac(value) : undefined;
}

/**
 * The records of an index filed under `value` as an owner address, a serial or a MAC (in the
 * spelling a lookup gets: folded, upper-cased and made canonical here), in upstream order,
 * revived from their text, with their source keys. Each record the index points to is checked
 * against `value` (the index keeps hashes, not keys), so another key's record never comes back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const intune = {
 *   name: "intune",
 *   timeoutMs: null,
 *   async *listDevices() {
 *     yield { records: [{ source: "intune", email: "Fry@example.com", serial: "p1" }] };
 *   },
 * };
 * const index = await readListing(intune);
 * const fry = recordsUnder(index, "owner", "FRY@example.com");
 * assert.deepEqual(fry.records, [{ source: "intune", email: "Fry@example.com", serial: "p1" }]);
 * assert.deepEqual(recordsUnder(index, "serial", "P2").records, []);
 * ```
 */
export function recordsUnder(
  index: Pick<ListingIndex, "shelf" | "byOwner" | "bySerial" | "byMac">,
  kind: IndexKind,
  value: string,
): { records: DeviceRecord[]; keys: (string | undefined)[] } {
  const records: DeviceRecord[] = [];
  const keys: (string | undefined)[] = [];
  const want = keyFor(kind, value);
  if (want === undefined) return { records, keys };
  const map = kind === "owner" ? index.byOwner : kind === "serial" ? index.bySerial : index.byMac;
  for (const n of map.candidates(want)) {
    const [key, wire, owners] = JSON.parse(index.shelf.get(n)) as [
      string | null,
      unknown,
      string[] | undefined,
    ];
    const record = recordFromWire(wire);
    if (!keysOf(record, owners, kind)[kind].includes(want)) continue; // same hash, another key
    records.push(record);
    keys.push(key ?? undefined);
  }
  return { records, keys };
}

/** Progress of one listing, after each page. */
export interface ListingProgress {
  source: string;
  /** Pages read so far (1-based). */
  page: number;
  /** Records read so far. */
  records: number;
  /** The upstream's total, when it reports one. */
  total?: number;
}

/** Options of {@link readListing}. */
export interface ReadListingOptions {
  /** Stops the listing (the run was cancelled). */
  signal?: AbortSignal;
  /** Told after every page. Must not throw. */
  onPage?: (progress: ListingProgress) => void;
  /**
   * Stops a listing that reads more pages or records than this (`BUDGETS.LISTING_MAX_PAGES`,
   * `BUDGETS.LISTING_MAX_RECORDS`): it ends with `failure` naming the setting, so a never-ending
   * upstream costs a bounded amount of memory. Default: no limit.
   */
  budget?: { maxPages: number; maxRecords: number };
  /** Where the records' texts go (default {@link memoryShelf}). */
  shelf?: TextShelf;
}

/**
 * Reads a listing source to its end, page by page, indexing each record by its owners (the page's
 * `owners`, else the record's `email`; folded by `foldEmail`), serial (upper-cased) and MACs
 * (canonical). Never throws: a failing page ends the listing with `failure` set.
 *
 * @param source the listing source
 * @param options cancellation, per-page progress and the budget
 * @returns the index (partial, with `failure`, when a page failed)
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const intune = {
 *   name: "intune",
 *   timeoutMs: null,
 *   async *listDevices() {
 *     yield { records: [{ source: "intune", email: "Fry@example.com", serial: "p1" }] };
 *   },
 * };
 * const index = await readListing(intune);
 * assert.equal(index.pages, 1);
 * assert.deepEqual(index.owners, ["Fry@example.com"]);
 * assert.deepEqual(index.byOwner.candidates("fry@example.com"), [0]);
 * assert.deepEqual(index.bySerial.candidates("P1"), [0]);
 * ```
 */
export async function readListing(
  source: ListingSource,
  options: ReadListingOptions = {},
): Promise<ListingIndex> {
  const index: ListingIndex = {
    source: source.name,
    shelf: options.shelf ?? memoryShelf(),
    byOwner: createKeyIndex(),
    owners: [],
    bySerial: createKeyIndex(),
    byMac: createKeyIndex(),
    pages: 0,
    records: 0,
  };
  const signal = options.signal ?? new AbortController().signal;
  const owned = createKeyIndex(); // folded owner → its place in index.owners
  try {
    const budget = options.budget ?? { maxPages: Infinity, maxRecords: Infinity };
    for await (const page of source.listDevices({ signal })) {
      if (index.pages >= budget.maxPages) {
        throw new UpstreamError(
          `${source.name}: the listing went on past ${budget.maxPages} pages ` +
            `(BUDGETS.LISTING_MAX_PAGES); stopped — raise it if the inventory is that large`,
        );
      }
      if (index.records + page.records.length > budget.maxRecords) {
        throw new UpstreamError(
          `${source.name}: the listing went on past ${budget.maxRecords} records ` +
            `(BUDGETS.LISTING_MAX_RECORDS); stopped — raise it if the inventory is that large`,
        );
      }
      page.records.forEach((record, i) =>
        addRecord(index, owned, record, page.keys?.[i], page.owners?.[i])
      );
      index.pages++;
      options.onPage?.({
        source: source.name,
        page: index.pages,
        records: index.records,
        ...(page.total === undefined ? {} : { total: page.total }),
      });
    }
  } catch (error: unknown) {
    index.failure = describeError(error);
  }
  return index;
}

function addRecord(
  index: ListingIndex,
  owned: KeyIndex,
  record: DeviceRecord,
  key: string | undefined,
  owners: readonly string[] | undefined,
): void {
  const text = [key ?? null, record, ...(owners === undefined ? [] : [owners])];
  const at = index.shelf.put(JSON.stringify(text));
  index.records++;
  const keys = keysOf(record, owners);
  keys.owner.forEach((owner, i) => {
    index.byOwner.add(owner, at);
    const seen = owned.candidates(owner).some((n) => foldEmail(index.owners[n]!) === owner);
    if (seen) return;
    owned.add(owner, index.owners.length);
    index.owners.push(keys.spelled[i]!);
  });
  for (const serial of keys.serial) index.bySerial.add(serial, at);
  for (const mac of keys.mac) index.byMac.add(mac, at);
}

/** The summary line of one listing, e.g. `intune: listed 15000 devices in 15 pages`. */
export function listingLine(index: ListingIndex): string {
  const read = `${index.records} devices in ${index.pages} pages`;
  if (index.failure === undefined) return `${index.source}: listed ${read}`;
  return `${index.source}: FAILED after ${read}, skipped for this run: ${index.failure}`;
}

/**
 * A device source answering from a listing's index, offering exactly the lookups the real source
 * offers (so the staged lookup asks the same questions). Records found are passed through the
 * source's `completeListed` when it has one. When the listing failed, every lookup throws an
 * `UpstreamError` saying so — the source is reported failed for each person, not silently empty.
 *
 * @param source the real listing source (for its name, deadline, lookups offered and completion)
 * @param index what {@link readListing} read from it
 * @returns the stand-in
 */
export function listedSource(source: ListingSource, index: ListingIndex): DeviceSource {
  const failed = index.failure === undefined ? undefined : new UpstreamError(
    `${source.name}: the inventory listing failed after ${index.pages} pages, so this source ` +
      `was skipped for this run: ${index.failure}`,
  );
  const answer = async (kind: IndexKind, value: string, options: CallOptions) => {
    if (failed) throw failed;
    const { records, keys } = recordsUnder(index, kind, value);
    if (records.length === 0) return [];
    return source.completeListed ? await source.completeListed(records, options, keys) : records;
  };
  const out: DeviceSource = { name: source.name, timeoutMs: source.timeoutMs };
  if (source.devicesByEmail) out.devicesByEmail = (email, o) => answer("owner", email, o);
  if (source.devicesBySerial) out.devicesBySerial = (serial, o) => answer("serial", serial, o);
  if (source.devicesByMac) out.devicesByMac = (mac, o) => answer("mac", mac, o);
  return out;
}

/**
 * The people of a run: the given addresses first, then every listing's owners not already
 * there (compared by `foldEmail`), in first-seen order.
 */
export function peopleOf(given: readonly string[], indexes: readonly ListingIndex[]): string[] {
  const seen = new Set(given.map(foldEmail));
  const out = [...given];
  for (const index of indexes) {
    if (index.failure !== undefined) continue;
    for (const owner of index.owners) {
      const key = foldEmail(owner);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(owner);
    }
  }
  return out;
}
