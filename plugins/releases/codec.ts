/**
 * The stored form of one feed's normalised data (in the store and in the shipped file): JSON with
 * ISO-8601 dates. Feed names are `sofa:macOS`, `sofa:iOS` and `endoflife:{product}`.
 *
 * @module
 */
import type {
  AppleMajor,
  AppleOs,
  LifecycleCycle,
  ReleaseData,
} from "../../engine/releases/releases.ts";

/** One feed's normalised value. */
export type FeedValue = AppleMajor[] | LifecycleCycle[];

/** A feed's name: which part of {@link ReleaseData} it fills. */
export type FeedName = `sofa:${AppleOs}` | `endoflife:${string}`;

type Json = Record<string, unknown>;

function toDate(value: unknown): Date {
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) {
    throw new SyntaxError(`expected a date, got ${JSON.stringify(value)}`);
  }
  return d;
}

function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

function dateOrBool(value: unknown): Date | boolean {
  return typeof value === "boolean" ? value : toDate(value);
}

/** The JSON text of a feed value. */
export function encodeFeed(value: FeedValue): string {
  return JSON.stringify(value);
}

/**
 * Reads a feed value back from its JSON (text or parsed).
 *
 * @throws {SyntaxError} when a date or the shape cannot be read
 */
export function decodeFeed(name: FeedName, json: string | unknown): FeedValue {
  const raw = typeof json === "string" ? JSON.parse(json) : json;
  if (!Array.isArray(raw)) throw new SyntaxError(`feed ${name}: expected a list`);
  if (name.startsWith("sofa:")) {
    return raw.map((m: Json): AppleMajor => ({
      major: Number(m.major),
      latest: String(m.latest),
      latestReleased: toDate(m.latestReleased),
      securityReleases: (m.securityReleases as Json[]).map((r) => ({
        version: String(r.version),
        released: toDate(r.released),
        exploited: (r.exploited as unknown[]).map(String),
      })),
    }));
  }
  return raw.map((c: Json): LifecycleCycle => {
    const cycle: LifecycleCycle = {
      cycle: String(c.cycle),
      label: String(c.label ?? c.cycle),
      released: dateOrNull(c.released),
      eol: dateOrBool(c.eol),
      latest: c.latest === null || c.latest === undefined ? null : String(c.latest),
      latestReleased: dateOrNull(c.latestReleased),
    };
    if (c.extendedSupport !== undefined) cycle.extendedSupport = dateOrBool(c.extendedSupport);
    return cycle;
  });
}

/** Puts one feed's value into the release data. */
export function place(data: ReleaseData, name: FeedName, value: FeedValue): void {
  if (name.startsWith("sofa:")) data.apple[name.slice(5) as AppleOs] = value as AppleMajor[];
  else data.lifecycles[name.slice("endoflife:".length)] = value as LifecycleCycle[];
}

/**
 * The newest release date a feed value names: the newest `Latest.ReleaseDate` or security release
 * (SOFA), the newest `releaseDate` or `latestReleaseDate` (endoflife.date). Releases are only ever
 * added, so a feed whose newest date is older than the copy in use is a stale or rolled-back copy.
 *
 * @returns the date, or `null` when the value names none
 */
export function newestReleaseDate(value: FeedValue): Date | null {
  let newest: Date | null = null;
  const see = (d: Date | null | undefined) => {
    if (d instanceof Date && (newest === null || d.getTime() > newest.getTime())) newest = d;
  };
  for (const entry of value) {
    if ("major" in entry) {
      see(entry.latestReleased);
      for (const r of entry.securityReleases) see(r.released);
    } else {
      see(entry.released);
      see(entry.latestReleased);
    }
  }
  return newest;
}
