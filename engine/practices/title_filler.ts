/**
 * Practice titles filled once per kind of device, not once per record: every practice judges
 * every record of every person and writes a title filled from the record's OS, version and kind of
 * device (`practice_titles.ts`), and the same few combinations recur across a company. Filling a
 * title runs about ten regular expressions; this module remembers the answer per template and per
 * combination of the facts a title can read, so a page or a batch pays them once per combination.
 * Same answers as `fillTitle`.
 *
 * @module
 */
import { fillTitle, type TitleFacts } from "./practice_titles.ts";

/** The facts a title can read, apart from the recommended version (which the practice knows). */
export type RecordFacts = Omit<TitleFacts, "recommended">;

/** One combination of {@link RecordFacts}, interned: equal facts give the same object. */
export interface FactsKey {
  /** Filled titles, by filler number. */
  readonly titles: (string | undefined)[];
}

/** How many combinations are interned (models are many; OS names and versions few). */
const LIMIT = 5000;

const interned = new Map<unknown, unknown>();
let internedCount = 0;
let fillerCount = 0;
// The record whose practices are being evaluated, and its key (see `evaluatingRecord`).
let current: RecordFacts | undefined;
let currentKey: FactsKey | undefined;

/**
 * The interned key of a record's title facts (OS, version, platform, model, type): the same
 * object for equal facts, up to 5,000 combinations (past that, a fresh key, so nothing is
 * remembered for the new ones and the answers stay right).
 */
export function factsKey(facts: RecordFacts): FactsKey {
  if (facts === current) return currentKey!;
  const level = step(
    step(step(step(interned, facts.os), facts.os_version), facts.platform),
    facts.model,
  );
  let key = level.get(facts.type) as FactsKey | undefined;
  if (key === undefined) {
    key = { titles: [] };
    if (internedCount < LIMIT) {
      level.set(facts.type, key);
      internedCount++;
    }
  }
  return key;
}

/** The next level of the interning tree for `value` (a fresh, unremembered one past the limit). */
function step(level: Map<unknown, unknown>, value: unknown): Map<unknown, unknown> {
  let next = level.get(value) as Map<unknown, unknown> | undefined;
  if (next === undefined) {
    next = new Map();
    if (internedCount < LIMIT) level.set(value, next);
  }
  return next;
}

/**
 * Says which record every practice is about to judge, so its key is found once, not once per
 * practice; `undefined` when done. The record must not change in between (`applyPractices`
 * copies, never changes, the records it judges).
 */
export function evaluatingRecord(record: RecordFacts | undefined): void {
  currentKey = record === undefined ? undefined : factsKey(record);
  current = record;
}

/**
 * The title of one template for many records: `fillTitle`, remembered per {@link factsKey}. A
 * template with no placeholder is returned as is. (A class, so that the one call site in the
 * injector stays monomorphic for every practice and status.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const title = new TitleFiller("{os} {version} needs an update ({recommended} is current)");
 * assert.equal(
 *   title.fill({ os: "macOS", os_version: "15.6" }, () => "26.6"),
 *   "macOS 15.6 needs an update (26.6 is current)",
 * );
 * ```
 */
export class TitleFiller {
  readonly #template: string;
  /** The slot in every {@link FactsKey}'s titles; -1 for a template with no placeholder. */
  readonly #slot: number;

  /** @param template a `DISPLAY_TITLE` text, with the placeholders of `practice_titles.ts` */
  constructor(template: string) {
    this.#template = template;
    this.#slot = template.includes("{") ? fillerCount++ : -1;
  }

  /**
   * The title for one record.
   *
   * @param facts the record (it is not copied)
   * @param recommended the practice's recommended version for an OS (asked only when the title is
   *   not remembered, so it must depend on the OS alone, as a practice's `RECOMMENDED_VERSIONS`
   *   does)
   */
  fill(facts: RecordFacts, recommended: (os: string) => string | undefined): string {
    const slot = this.#slot;
    if (slot < 0) return this.#template;
    const key = facts === current ? currentKey! : factsKey(facts);
    let title = key.titles[slot];
    if (title === undefined) {
      const rec = facts.os ? recommended(facts.os) : undefined;
      title = fillTitle(this.#template, { ...facts, recommended: rec });
      key.titles[slot] = title;
    }
    return title;
  }
}

/**
 * {@link TitleFiller} as a function.
 *
 * @param template a `DISPLAY_TITLE` text, with the placeholders of `practice_titles.ts`
 * @returns a function from a record (it is not copied) and the practice's recommended version for
 *   an OS to the record's title
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const title = titleFiller("{os} {version} needs an update ({recommended} is current)");
 * assert.equal(
 *   title({ os: "macOS", os_version: "15.6" }, () => "26.6"),
 *   "macOS 15.6 needs an update (26.6 is current)",
 * );
 * ```
 */
export function titleFiller(
  template: string,
): (facts: RecordFacts, recommended: (os: string) => string | undefined) => string {
  const filler = new TitleFiller(template);
  return (facts, recommended) => filler.fill(facts, recommended);
}
