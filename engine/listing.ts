/**
 * Reading listing sources once per batch run (issue 16): every page of a source's inventory is
 * indexed by owner, serial and MAC, and a stand-in device source answers the per-person lookups
 * from that index — so the engine runs exactly as for a page view (staged lookup, practices,
 * merging, ownership guard) while the upstream saw one request per page instead of several per
 * person. A listing that fails halfway makes its stand-in fail every lookup with one clear
 * message; the other sources carry on.
 *
 * @module
 */
import { describeError } from "./deadline.ts";
import { canonicalMac, isValidEmail, isValidMac } from "./identifiers.ts";
import { type CallOptions, type DeviceSource, type ListingSource, UpstreamError } from "./ports.ts";
import type { DeviceRecord } from "./types.ts";
import { foldEmail } from "./emails.ts";

/** What one listing produced: its records by owner, serial and MAC, or why it stopped. */
export interface ListingIndex {
  /** The source's registry name. */
  source: string;
  /** Lower-cased owner address → records, in upstream order. */
  byOwner: Map<string, DeviceRecord[]>;
  /** The owners as the upstream spelled them, in first-seen order (valid addresses only). */
  owners: string[];
  /** Upper-cased serial → records. */
  bySerial: Map<string, DeviceRecord[]>;
  /** Canonical MAC → records. */
  byMac: Map<string, DeviceRecord[]>;
  /** Pages read successfully. */
  pages: number;
  /** Records read. */
  records: number;
  /** Plain words when the listing stopped on an error; the index is then partial and unused. */
  failure?: string;
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
}

function push<K>(map: Map<K, DeviceRecord[]>, key: K, record: DeviceRecord): void {
  const list = map.get(key);
  if (list) list.push(record);
  else map.set(key, [record]);
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
 * declare const intune: Parameters<typeof readListing>[0];
 * const index = await readListing(intune, { onPage: (p) => p.records });
 * index.byOwner.get("fry@planetexpress.com"); // Fry's Intune records
 * ```
 */
export async function readListing(
  source: ListingSource,
  options: ReadListingOptions = {},
): Promise<ListingIndex> {
  const index: ListingIndex = {
    source: source.name,
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
      page.records.forEach((record, i) => addRecord(index, record, page.owners?.[i]));
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
  owners: readonly string[] = record.email === undefined ? [] : [record.email],
): void {
  index.records++;
  const keys = new Set<string>();
  for (const owner of owners) {
    const email = owner.trim();
    if (!isValidEmail(email) || keys.has(foldEmail(email))) continue;
    const key = foldEmail(email);
    keys.add(key);
    if (!index.byOwner.has(key)) index.owners.push(email);
    push(index.byOwner, key, record);
  }
  const serials = new Set([record.identifiers?.serial, record.serial].map((s) => s?.toUpperCase()));
  for (const serial of serials) if (serial) push(index.bySerial, serial, record);
  for (const mac of new Set(record.identifiers?.mac_addresses ?? [])) {
    if (isValidMac(mac)) push(index.byMac, canonicalMac(mac), record);
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
  const answer = async (found: DeviceRecord[] | undefined, options: CallOptions) => {
    if (failed) throw failed;
    if (!found || found.length === 0) return [];
    return source.completeListed ? await source.completeListed(found, options) : [...found];
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
