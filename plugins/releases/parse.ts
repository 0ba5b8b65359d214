/**
 * Parsers for the two release feeds, from their published field names:
 * - SOFA (`macos_data_feed.json`, `ios_data_feed.json`; schema `v1/v1_mac.schema` in
 *   github.com/macadmins/sofa): `OSVersions[]` with `OSVersion`, `Latest.ProductVersion`,
 *   `Latest.ReleaseDate` and `SecurityReleases[]` (`ProductVersion`, `ReleaseDate`,
 *   `ActivelyExploitedCVEs`, and for Rapid Security Responses `ReleaseType` / `UpdateName`).
 * - endoflife.date (`/api/{product}.json`, documented at endoflife.date/docs/api): an array of
 *   cycles with `cycle`, `releaseLabel`, `releaseDate`, `eol`, `latest`, `latestReleaseDate`,
 *   `extendedSupport`.
 * Unknown fields are ignored; an entry with an unreadable date or version is skipped, not fatal.
 *
 * @module
 */
import { z } from "zod";
import type {
  AppleMajor,
  LifecycleCycle,
  SecurityRelease,
} from "../../engine/releases/releases.ts";
import { isValidVersion } from "../../engine/releases/versions.ts";
import { majorOf } from "../../engine/releases/releases.ts";

const SofaRelease = z.object({
  ProductVersion: z.string(),
  ReleaseDate: z.string(),
  ActivelyExploitedCVEs: z.array(z.string()).optional(),
  UpdateName: z.string().nullish(),
  ReleaseType: z.string().nullish(),
});

const RSR_TYPE = /^RSR_([a-z])$/i;
const RSR_NAME = /Rapid Security Response.*\(([a-z])\)\s*$/i;
const HAS_LETTER = /\([a-z]\)\s*$/i;

/**
 * A SOFA security release's version as devices report it: a Rapid Security Response carries its
 * letter outside `ProductVersion` — in `ReleaseType` (`"RSR_c"`, newer feeds) or only in
 * `UpdateName` ("Rapid Security Response macOS Ventura 13.4.1 (c)", older feeds;
 * macadmins/sofa#72) — so "13.4.1" becomes "13.4.1 (c)", the release a device on plain 13.4.1
 * lacks.
 */
function sofaVersion(r: z.infer<typeof SofaRelease>): string {
  const version = r.ProductVersion.trim();
  if (HAS_LETTER.test(version)) return version;
  const letter = RSR_TYPE.exec(r.ReleaseType?.trim() ?? "")?.[1] ??
    RSR_NAME.exec(r.UpdateName?.trim() ?? "")?.[1];
  return letter === undefined ? version : `${version} (${letter.toLowerCase()})`;
}
const SofaFeed = z.object({
  OSVersions: z.array(z.object({
    OSVersion: z.string(),
    Latest: z.object({ ProductVersion: z.string(), ReleaseDate: z.string() }),
    SecurityReleases: z.array(z.unknown()).optional(),
  })),
});

const DateOrBool = z.union([z.string(), z.boolean()]).nullish();
const EolCycle = z.object({
  cycle: z.union([z.string(), z.number()]),
  releaseLabel: z.string().nullish(),
  releaseDate: z.string().nullish(),
  eol: DateOrBool,
  latest: z.union([z.string(), z.number()]).nullish(),
  latestReleaseDate: z.string().nullish(),
  extendedSupport: DateOrBool,
});

function date(text: string | null | undefined): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Reads a SOFA feed.
 *
 * @param body the parsed JSON of `macos_data_feed.json` or `ios_data_feed.json`
 * @returns the major versions, newest first
 * @throws {SyntaxError} when the body has no readable `OSVersions` list
 */
export function parseSofaFeed(body: unknown): AppleMajor[] {
  const feed = SofaFeed.safeParse(body);
  if (!feed.success) {
    throw new SyntaxError("not a SOFA feed: expected OSVersions with Latest and SecurityReleases");
  }
  const majors: AppleMajor[] = [];
  for (const os of feed.data.OSVersions) {
    const major = majorOf(os.OSVersion.replace(/^\D+/, ""));
    const latestReleased = date(os.Latest.ReleaseDate);
    if (!Number.isFinite(major) || !latestReleased) continue;
    const securityReleases: SecurityRelease[] = [];
    for (const raw of os.SecurityReleases ?? []) {
      const r = SofaRelease.safeParse(raw);
      const released = r.success ? date(r.data.ReleaseDate) : null;
      const version = r.success ? sofaVersion(r.data) : "";
      if (!r.success || !released || !isValidVersion(version)) continue;
      securityReleases.push({
        version,
        released,
        exploited: r.data.ActivelyExploitedCVEs ?? [],
      });
    }
    securityReleases.sort((a, b) => b.released.getTime() - a.released.getTime());
    majors.push({ major, latest: os.Latest.ProductVersion, latestReleased, securityReleases });
  }
  if (majors.length === 0) throw new SyntaxError("SOFA feed lists no readable OSVersions");
  return majors.sort((a, b) => b.major - a.major);
}

/**
 * Reads an endoflife.date product answer.
 *
 * @param body the parsed JSON of `/api/{product}.json`
 * @returns its cycles, in the feed's order
 * @throws {SyntaxError} when the body is not a list of cycles
 */
export function parseEndOfLife(body: unknown): LifecycleCycle[] {
  if (!Array.isArray(body)) throw new SyntaxError("not an endoflife.date answer: expected a list");
  const cycles: LifecycleCycle[] = [];
  for (const raw of body) {
    const c = EolCycle.safeParse(raw);
    if (!c.success) continue;
    const eol = typeof c.data.eol === "boolean" ? c.data.eol : date(c.data.eol);
    if (eol === null) continue;
    const cycle: LifecycleCycle = {
      cycle: String(c.data.cycle),
      label: c.data.releaseLabel ?? String(c.data.cycle),
      released: date(c.data.releaseDate),
      eol,
      latest: c.data.latest === null || c.data.latest === undefined ? null : String(c.data.latest),
      latestReleased: date(c.data.latestReleaseDate),
    };
    const esu = c.data.extendedSupport;
    const extended = typeof esu === "boolean" ? esu : date(esu);
    if (extended !== null && esu !== undefined) cycle.extendedSupport = extended;
    cycles.push(cycle);
  }
  if (cycles.length === 0) throw new SyntaxError("endoflife.date answer lists no readable cycles");
  return cycles;
}
