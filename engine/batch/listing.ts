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
 * finds it; the owner, serial and MAC maps hold record numbers, not records.
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

/** Record numbers under one key: one number, or several in upstream order. */
export type RecordRefs = number | number[];

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
   * of the record, `ListedPage.keys`, or `null`; dates as ISO strings).
   */
  shelf: TextShelf;
  /** Lower-cased owner address → record numbers. */
  byOwner: Map<string, RecordRefs>;
  /** The owners as the upstream spelled them, in first-seen order (valid addresses only). */
  owners: string[];
  /** Upper-cased serial → record numbers. */
  bySerial: Map<string, RecordRefs>;
  /** Canonical MAC → record numbers. */
  byMac: Map<string, RecordRefs>;
  /** Pages read successfully. */
  pages: number;
  /** Records read. */
  records: number;
  /** Plain words when the listing stopped on an error; the index is then partial and unused. */
  failure?: string;
}

/**
 * The records of an index under `refs` (from one of its maps), revived from their text, with
 * their source keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const shelf = memoryShelf();
 * shelf.put(JSON.stringify(["d1", { source: "intune", name: "fry-pc" }]));
 * assert.deepEqual(recordsAt({ shelf }, 0), {
 *   records: [{ source: "intune", name: "fry-pc" }],
 *   keys: ["d1"],
 * });
 * ```
 */
export function recordsAt(
  index: Pick<ListingIndex, "shelf">,
  refs: RecordRefs | undefined,
): { records: DeviceRecord[]; keys: (string | undefined)[] } {
  const list = refs === undefined ? [] : typeof refs === "number" ? [refs] : refs;
  const records: DeviceRecord[] = [];
  const keys: (string | undefined)[] = [];
  for (const i of list) {
    const [key, record] = JSON.parse(index.shelf.get(i)) as [string | null, unknown];
    records.push(recordFromWire(record));
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

function push(map: Map<string, RecordRefs>, key: string, at: number): void {
  const refs = map.get(key);
  if (refs === undefined) map.set(key, at);
  else if (typeof refs === "number") map.set(key, [refs, at]);
  else refs.push(at);
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
 * assert.deepEqual(index.byOwner.get("fry@example.com"), 0);
 * assert.deepEqual(index.bySerial.get("P1"), 0);
 * ```
 */
export async function readListing(
  source: ListingSource,
  options: ReadListingOptions = {},
): Promise<ListingIndex> {
  const index: ListingIndex = {
    source: source.name,
    shelf: options.shelf ?? memoryShelf(),
    byOwner: new Map(),
    owners: [],
    bySerial: new Map(),
    byMac: new Map(),
    pages: 0,
    records: 0,
  };
  const signal = options.signal ?? new AbortController().signal;
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
        addRecord(index, record, page.keys?.[i], page.owners?.[i])
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
  record: DeviceRecord,
  key: string | undefined,
  owners: readonly string[] = record.email === undefined ? [] : [record.email],
): void {
  const at = index.shelf.put(JSON.stringify([key ?? null, record]));
  index.records++;
  const keys = new Set<string>();
  for (const owner of owners) {
    const email = owner.trim();
    if (!isValidEmail(email) || keys.has(foldEmail(email))) continue;
    const key = foldEmail(email);
    keys.add(key);
    if (!index.byOwner.has(key)) index.owners.push(email);
    push(index.byOwner, key, at);
  }
  const serials = new Set([record.identifiers?.serial, record.serial].map((s) => s?.toUpperCase()));
  for (const serial of serials) if (serial) push(index.bySerial, serial, at);
  for (const mac of new Set(record.identifiers?.mac_addresses ?? [])) {
    if (isValidMac(mac)) push(index.byMac, canonicalMac(mac), at);
  }
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
  const answer = async (refs: RecordRefs | undefined, options: CallOptions) => {
    if (failed) throw failed;
    if (refs === undefined) return [];
    const { records, keys } = recordsAt(index, refs);
    return source.completeListed ? await source.completeListed(records, options, keys) : records;
  };
  const out: DeviceSource = { name: source.name, timeoutMs: source.timeoutMs };
  if (source.devicesByEmail) {
    out.devicesByEmail = (email, o) => answer(index.byOwner.get(foldEmail(email)), o);
  }
  if (source.devicesBySerial) {
    out.devicesBySerial = (serial, o) => answer(index.bySerial.get(serial.toUpperCase()), o);
  }
  if (source.devicesByMac) {
    out.devicesByMac = (mac, o) =>
      answer(isValidMac(mac) ? index.byMac.get(canonicalMac(mac)) : undefined, o);
  }
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
