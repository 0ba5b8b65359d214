/**
 * The batch's listing step (issue 16): every device source that can list its inventory is read
 * once, page by page (all such sources at the same time), before any person is looked up; the
 * engine then gets stand-ins that answer from those listings, so per-person lookups cost no
 * upstream request for those sources while every other source keeps its per-person calls.
 *
 * @module
 */
import type { Logger } from "../core/log.ts";
import type { EngineParts } from "../engine.ts";
import {
  listedSource,
  type ListingIndex,
  listingLine,
  type ListingProgress,
  peopleOf,
  readListing,
  type TextShelf,
} from "./listing.ts";
import { describeError } from "../view/deadline.ts";
import { foldEmail } from "../identity/emails.ts";
import { isValidEmail } from "../identity/identifiers.ts";
import { isListingSource, type PeopleSource } from "../core/ports.ts";

/** What the listing step produced. */
export interface ListingStep {
  /** The engine parts with each listed source replaced by its stand-in. */
  parts: EngineParts;
  /** One index per listing source, in source order. */
  indexes: ListingIndex[];
  /** One summary line per listing source (`intune: listed 15000 devices in 15 pages`). */
  lines: string[];
}

/**
 * `intune: page 3, 3000 of 15000 devices` — one progress line per listing page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatListingPage({ source: "jamf_pro", page: 2, records: 200 }),
 *   "jamf_pro: page 2, 200 devices",
 * );
 * ```
 */
export function formatListingPage(p: ListingProgress): string {
  const of = p.total === undefined ? "" : ` of ${p.total}`;
  return `${p.source}: page ${p.page}, ${p.records}${of} devices`;
}

/**
 * Reads every listing source of `parts` (none when `perPerson`), and swaps each for a stand-in.
 *
 * @param parts the engine parts of the run
 * @param options `perPerson` skips listings (every source asked per person, as before issue 16);
 *   `onPage` is told after each page; `signal` cancels the listings
 * @returns the parts to build the run's engine from, the indexes and summary lines
 */
export async function listingStep(
  parts: EngineParts,
  options: {
    perPerson: boolean;
    onPage?: (progress: ListingProgress) => void;
    signal?: AbortSignal;
    /** Pages and records one listing may read (`BUDGETS`); default none. */
    budget?: { maxPages: number; maxRecords: number };
    /** A new shelf for one listing's records (default in memory). */
    shelf?: () => TextShelf;
  },
): Promise<ListingStep> {
  const listing = options.perPerson ? [] : parts.deviceSources.filter(isListingSource);
  if (listing.length === 0) return { parts, indexes: [], lines: [] };
  const indexes = await Promise.all(listing.map((s) =>
    readListing(s, {
      ...(options.onPage ? { onPage: options.onPage } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.shelf ? { shelf: options.shelf() } : {}),
    })
  ));
  const byName = new Map(indexes.map((index, i) => [listing[i]!, index]));
  const deviceSources = parts.deviceSources.map((s) => {
    const index = isListingSource(s) ? byName.get(s) : undefined;
    return index && isListingSource(s) ? listedSource(s, index) : s;
  });
  return { parts: { ...parts, deviceSources }, indexes, lines: indexes.map(listingLine) };
}

/** What the directories gave: their people and one summary line each. */
export interface DirectoryStep {
  /** Valid addresses, each once (compared by `foldEmail`), in directory order. */
  people: string[];
  lines: string[];
}

/**
 * Reads every people directory (Google's user directory when its scope is granted) to its end. A
 * directory that fails keeps the people read before the failure, and says so in its line.
 *
 * @param sources the plugins that can list people
 * @param options `onPage` is told after each page (`google: directory page 2, 1000 people`)
 */
export async function directoryStep(
  sources: readonly PeopleSource[],
  options: { onPage?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<DirectoryStep> {
  const seen = new Set<string>();
  const people: string[] = [];
  const lines: string[] = [];
  for (const source of sources) {
    let pages = 0;
    let count = 0;
    try {
      const signal = options.signal ?? new AbortController().signal;
      for await (const page of source.listPeople({ signal })) {
        pages++;
        for (const email of page) {
          const key = foldEmail(email);
          if (!isValidEmail(email) || seen.has(key)) continue;
          seen.add(key);
          people.push(email);
          count++;
        }
        options.onPage?.(`${source.name}: directory page ${pages}, ${count} people`);
      }
      lines.push(`${source.name}: ${count} people in the directory (${pages} pages)`);
    } catch (error: unknown) {
      lines.push(
        `${source.name}: directory FAILED after ${pages} pages (${count} people kept): ` +
          describeError(error),
      );
    }
  }
  return { people, lines };
}

/** What a run starts from: the engine parts with stand-ins, its people and the summary lines. */
export interface RunStart {
  parts: EngineParts;
  /**
   * With `owners`: the emails file's people, then the directories', then the listings' owners
   * (each once); without: the emails file's people exactly.
   */
  people: string[];
  /** One line per directory and listing source. */
  lines: string[];
  /** Frees the listings' shelves; call once nobody is looked up any more. */
  close(): void;
}

/**
 * Reads the listings and the people directories at the same time, before anyone is looked up,
 * with one progress line per page (`write`) and a warning per failed listing (`log`).
 *
 * @param parts the engine parts of the run
 * @param options `given`: the emails file's people; `perPerson`: no listings; `owners`: the
 *   owners the listings and directories name are people of the run too (no emails file, or
 *   `--all-owners`); without it the directories are not read and `given` is the run's people
 */
export async function listingAndPeople(
  parts: EngineParts,
  options: {
    perPerson: boolean;
    directories: readonly PeopleSource[];
    given: readonly string[];
    /** The listings' and directories' owners are people of the run too (else `given` only). */
    owners: boolean;
    write: (line: string) => void;
    log: Logger;
    /** Pages and records one listing may read (`BUDGETS`); default none. */
    budget?: { maxPages: number; maxRecords: number };
    /** A new shelf for one listing's records (default in memory). */
    shelf?: () => TextShelf;
  },
): Promise<RunStart> {
  const [listed, directories] = await Promise.all([
    listingStep(parts, {
      perPerson: options.perPerson,
      onPage: (p) => options.write(formatListingPage(p)),
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.shelf ? { shelf: options.shelf } : {}),
    }),
    options.owners
      ? directoryStep(options.directories, { onPage: options.write })
      : { people: [], lines: [] },
  ]);
  for (const index of listed.indexes) {
    if (index.failure === undefined) continue;
    options.log.warn("listing failed", {
      source: index.source,
      pages: index.pages,
      error: index.failure,
    });
  }
  const given = [...options.given];
  const known = new Set(given.map(foldEmail));
  for (const e of directories.people) if (!known.has(foldEmail(e))) given.push(e);
  return {
    parts: listed.parts,
    people: options.owners ? peopleOf(given, listed.indexes) : given,
    lines: [...directories.lines, ...listed.lines],
    close: () => listed.indexes.forEach((i) => i.shelf.close?.()),
  };
}
