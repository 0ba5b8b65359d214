/**
 * A loopback fake of the two release feeds: the SOFA JSON feeds (`/v1/macos_data_feed.json`,
 * `/v1/ios_data_feed.json`, shaped as macadmins/sofa publishes them) and the endoflife.date API
 * (`/api/{product}.json`, shaped as endoflife.date/docs/api documents it), serving the fixture
 * files in `tests/fixtures/releases/`. Each path can be made to fail on its own.
 *
 * @module
 */
import { type FakeServer, json, startFake } from "./server.ts";

const DIR = new URL("../fixtures/releases/", import.meta.url);

/** The fixture file of a feed path, e.g. `/api/windows.json` → `windows.json`. */
function fixtureOf(path: string): string | undefined {
  const sofa = /^\/v1\/(macos|ios)_data_feed\.json$/.exec(path);
  if (sofa) return `${sofa[1]}_data_feed.json`;
  const eol = /^\/api\/([a-z0-9-]+)\.json$/.exec(path);
  return eol ? `${eol[1]}.json` : undefined;
}

/** The running fake. */
export interface FakeReleaseFeeds extends FakeServer {
  /** Config keys pointing at this fake. */
  config: { SOFA_MACOS_URL: string; SOFA_IOS_URL: string; ENDOFLIFE_URL: string };
  /** Answers `status` on every path that starts with `prefix` (`null`: stop). */
  breakPath(prefix: string, status: number | null): void;
  /** Replaces the body a path answers with. */
  serve(path: string, body: unknown): void;
}

/** Starts the fake. */
export function startFakeReleaseFeeds(): FakeReleaseFeeds {
  const broken = new Map<string, number>();
  const overrides = new Map<string, unknown>();
  const server = startFake(async (req) => {
    const path = req.url.pathname;
    for (const [prefix, status] of broken) {
      if (path.startsWith(prefix)) return json({ message: "unavailable" }, status);
    }
    if (overrides.has(path)) return json(overrides.get(path));
    const file = fixtureOf(path);
    if (!file) return json({ message: "Not Found" }, 404);
    try {
      return json(JSON.parse(await Deno.readTextFile(new URL(file, DIR))));
    } catch {
      return json({ message: "Not Found" }, 404);
    }
  });
  return {
    ...server,
    config: {
      SOFA_MACOS_URL: `${server.url}/v1/macos_data_feed.json`,
      SOFA_IOS_URL: `${server.url}/v1/ios_data_feed.json`,
      ENDOFLIFE_URL: `${server.url}/api`,
    },
    breakPath(prefix, status) {
      if (status === null) broken.delete(prefix);
      else broken.set(prefix, status);
    },
    serve(path, body) {
      overrides.set(path, body);
    },
  };
}
