/**
 * Over 300 lines: the release service from feed parsing to store copy to shipped file, one test per
 * step and per staleness rule, sharing the fake feeds and fixtures set up above.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger, silentLogger } from "../../config/log.ts";
import { ReleaseDataSchema } from "../../config/schema.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { parseEndOfLife, parseSofaFeed } from "../../plugins/releases/parse.ts";
import { encodeFeed } from "../../plugins/releases/codec.ts";
import { createReleaseService } from "../../plugins/releases/mod.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { type FakeReleaseFeeds, startFakeReleaseFeeds } from "../fakes/releases.ts";

const FIXTURES = new URL("../fixtures/releases/", import.meta.url);
const fixture = async (name: string) =>
  JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
const T0 = new Date("2026-11-30T09:00:00Z");
const HOUR = 3_600_000;
const FEEDS = [
  "endoflife:android",
  "endoflife:ios",
  "endoflife:ipados",
  "endoflife:macos",
  "endoflife:windows",
  "sofa:iOS",
  "sofa:macOS",
];

function service(
  fake: FakeReleaseFeeds,
  store: Store,
  options: { now?: () => Date; log?: ReturnType<typeof createLogger> } = {},
) {
  return createReleaseService({
    config: ReleaseDataSchema.parse({ ...fake.config, WARN_AFTER_DAYS: 7 }),
    store: store.releaseFeeds,
    log: options.log ?? silentLogger,
    now: options.now ?? (() => T0),
    retries: 0,
  });
}

Deno.test("parseSofaFeed() reads OSVersions, Latest and SecurityReleases, newest first", async () => {
  const macos = parseSofaFeed(await fixture("macos_data_feed.json"));
  assert.deepEqual(macos.map((m) => [m.major, m.latest]), [[26, "26.5"], [15, "15.7.7"], [
    14,
    "14.8.7",
  ]]);
  assert.deepEqual(macos[0]!.securityReleases[1], {
    version: "26.2",
    released: new Date("2025-12-12T00:00:00Z"),
    exploited: ["CVE-2025-43529", "CVE-2025-14174"],
  });
  const ios = parseSofaFeed(await fixture("ios_data_feed.json"));
  assert.deepEqual(ios[1]!.securityReleases[0]!.exploited, ["CVE-2026-86950"]);
});

Deno.test("parseSofaFeed() skips unreadable releases and refuses a body without OSVersions", () => {
  const majors = parseSofaFeed({
    OSVersions: [{
      OSVersion: "Sequoia 15",
      Latest: { ProductVersion: "15.7", ReleaseDate: "2025-09-15T00:00:00Z" },
      SecurityReleases: [
        { ProductVersion: "15.7", ReleaseDate: "2025-09-15T00:00:00Z" },
        { ProductVersion: "15.6", ReleaseDate: "not a date" },
        { ReleaseDate: "2025-07-29T00:00:00Z" },
      ],
    }],
  });
  assert.deepEqual(majors[0]!.securityReleases.map((r) => r.version), ["15.7"]);
  assert.throws(
    () => parseSofaFeed({ message: "rate limited" }),
    { name: "SyntaxError", message: /not a SOFA feed/ },
  );
});

Deno.test("parseEndOfLife() reads cycles with dates or booleans and extended support", async () => {
  const windows = parseEndOfLife(await fixture("windows.json"));
  const w10 = windows.find((c) => c.cycle === "10-22h2")!;
  assert.deepEqual(w10.eol, new Date("2025-10-14"));
  assert.deepEqual(w10.extendedSupport, new Date("2028-10-10"));
  assert.equal(w10.latest, "10.0.19045");
  const ios = parseEndOfLife(await fixture("ios.json"));
  assert.equal(ios.find((c) => c.cycle === "17")!.eol, true);
  assert.equal(ios.find((c) => c.cycle === "27")!.eol, false);
  assert.throws(() => parseEndOfLife({ cycle: "1" }), { message: /expected a list/ });
});

Deno.test("release service: feeds → store copy → shipped file, each reported", async (t) => {
  const fake = startFakeReleaseFeeds();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    await t.step("before any fetch it judges with the shipped file", () => {
      const s = service(fake, store).status();
      assert.equal(s.origin, "shipped");
      assert.deepEqual(s.asOf, new Date("2026-05-11"));
      assert.equal(s.ageDays, 203);
      assert.equal(s.stale, true);
    });

    await t.step("a refresh reads every feed and saves each in the store", async () => {
      const releases = service(fake, store);
      assert.deepEqual(await releases.refresh(), []);
      const s = releases.status();
      assert.deepEqual([s.origin, s.asOf, s.ageDays, s.stale], ["feed", T0, 0, false]);
      assert.deepEqual(s.feeds.map((f) => f.name).sort(), FEEDS);
      assert.deepEqual((await store.releaseFeeds.releaseFeed("sofa:macOS"))?.fetchedAt, T0);
      const agents = new Set(fake.requests.map((r) => r.headers.get("user-agent")));
      assert.equal(agents.size, 1);
      assert.match([...agents][0]!, /^Stethoscope-release-data\//);
    });

    await t.step("feeds down: another process starts from the store's copy", async () => {
      fake.breakPath("/", 503);
      const later = new Date(T0.getTime() + 30 * 24 * HOUR);
      const releases = service(fake, store, { now: () => later });
      await releases.load();
      const failed = await releases.refresh();
      assert.equal(failed.length, 7);
      assert.deepEqual(new Set(failed.map((f) => f.origin)), new Set(["store"]));
      assert.match(failed[0]!.error!, /503/);
      const s = releases.status();
      assert.deepEqual([s.origin, s.asOf, s.ageDays, s.stale], ["store", T0, 30, true]);
      assert.equal(releases.snapshot()!.data.apple.macOS![0]!.latest, "26.5");
    });

    await t.step("feeds down and nothing stored: the shipped file, with its dates", async () => {
      const empty = await createSqliteStore({ path: ":memory:", log: silentLogger });
      const releases = service(fake, empty);
      await releases.load();
      const failed = await releases.refresh();
      assert.deepEqual(new Set(failed.map((f) => f.origin)), new Set(["shipped"]));
      const byName = Object.fromEntries(releases.status().feeds.map((f) => [f.name, f.asOf]));
      assert.deepEqual(byName["sofa:iOS"], new Date("2026-09-28"));
      assert.deepEqual(byName["sofa:macOS"], new Date("2026-05-11"));
      assert.equal(releases.snapshot()!.origin, "shipped");
      await empty.close();
    });

    await t.step("one feed answering something else keeps its last good copy", async () => {
      fake.breakPath("/", null);
      fake.serve("/api/windows.json", { message: "moved" });
      const releases = service(fake, store);
      const failed = await releases.refresh();
      assert.deepEqual(failed.map((f) => [f.name, f.origin]), [["endoflife:windows", "store"]]);
      assert.match(failed[0]!.error!, /expected a list/);
      assert.equal(releases.status().origin, "store");
    });
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("release service warns about old data at most once a day", async () => {
  const fake = startFakeReleaseFeeds();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const lines: string[] = [];
  const log = createLogger({ level: "warn", sink: (_, line) => lines.push(line) });
  let now = T0;
  try {
    const releases = service(fake, store, { now: () => now, log });
    releases.snapshot();
    releases.snapshot();
    now = new Date(T0.getTime() + 23 * HOUR);
    releases.snapshot();
    assert.equal(lines.length, 1);
    assert.deepEqual(
      (({ msg, ageDays, origin }) => ({ msg, ageDays, origin }))(JSON.parse(lines[0]!)),
      {
        msg: "release data is older than RELEASE_DATA.WARN_AFTER_DAYS",
        ageDays: 203,
        origin: "shipped",
      },
    );
    now = new Date(T0.getTime() + 24 * HOUR);
    releases.snapshot();
    assert.equal(lines.length, 2);
    await releases.refresh();
    releases.snapshot();
    assert.equal(lines.length, 2, "fresh data is not warned about");
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("release service checkConnectivity() names each failing feed and the data's age", async () => {
  const fake = startFakeReleaseFeeds();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const releases = service(fake, store);
    await releases.checkConnectivity!({ signal: new AbortController().signal });
    fake.breakPath("/v1/ios", 404);
    await assert.rejects(
      releases.checkConnectivity!({ signal: new AbortController().signal }),
      (e: Error) => {
        assert.equal(
          e.message,
          `sofa:iOS: SOFA: ${new URL(fake.url).host} (GET /v1/ios_data_feed.json) not found ` +
            "(release data from shipped, 203 days old)",
        );
        return true;
      },
    );
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("release service refreshes at start and then every REFRESH_HOURS until closed", async () => {
  const fake = startFakeReleaseFeeds();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const scheduled: { fn: () => Promise<void>; ms: number }[] = [];
  const cleared: unknown[] = [];
  try {
    const releases = createReleaseService({
      config: ReleaseDataSchema.parse({ ...fake.config, REFRESH_HOURS: 6 }),
      store: store.releaseFeeds,
      log: silentLogger,
      now: () => T0,
      retries: 0,
      timers: {
        set: (fn, ms) => scheduled.push({ fn, ms }),
        clear: (id) => cleared.push(id),
      },
    });
    releases.start();
    releases.start(); // a second start does not schedule twice
    assert.deepEqual(scheduled.map((s) => s.ms), [0]);
    await scheduled[0]!.fn();
    assert.equal(fake.requests.length, 7);
    assert.equal(releases.status().origin, "feed");
    assert.deepEqual(scheduled.map((s) => s.ms), [0, 6 * HOUR]);
    await releases.close();
    assert.deepEqual(cleared, [2], "the pending refresh is cancelled");
    await scheduled[1]!.fn(); // a timer that fired anyway schedules nothing more
    assert.equal(scheduled.length, 2);

    const offline = createReleaseService({
      config: ReleaseDataSchema.parse({ ...fake.config, FETCH: false }),
      store: store.releaseFeeds,
      log: silentLogger,
      timers: { set: (fn, ms) => scheduled.push({ fn, ms }), clear: () => {} },
    });
    offline.start();
    assert.equal(scheduled.length, 2, "FETCH false never schedules a refresh");
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("a store copy older than the shipped file does not replace it", async () => {
  // A deployment that stopped fetching in March is upgraded to a release whose shipped file is
  // current to 11 May (macOS 26.5): the March copy in the store must not win.
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const march = new Date("2026-03-01T00:00:00Z");
    const old = parseSofaFeed({
      OSVersions: [{
        OSVersion: "Tahoe 26",
        Latest: { ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" },
        SecurityReleases: [{ ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" }],
      }],
    });
    await store.releaseFeeds.putReleaseFeed({
      name: "sofa:macOS",
      fetchedAt: march,
      body: encodeFeed(old),
    });
    const newer = new Date("2026-10-15T00:00:00Z");
    await store.releaseFeeds.putReleaseFeed({
      name: "sofa:iOS",
      fetchedAt: newer,
      body: encodeFeed(old),
    });
    const releases = createReleaseService({
      config: ReleaseDataSchema.parse({ FETCH: false }),
      store: store.releaseFeeds,
      log: silentLogger,
      now: () => T0,
    });
    await releases.load();
    const feeds = Object.fromEntries(
      releases.status().feeds.map((f) => [f.name, [f.origin, f.asOf.toISOString().slice(0, 10)]]),
    );
    assert.deepEqual(feeds["sofa:macOS"], ["shipped", "2026-05-11"]);
    assert.equal(releases.snapshot()!.data.apple.macOS![0]!.latest, "26.5");
    // A store copy newer than its shipped feed (iOS: 28 September) still wins.
    assert.deepEqual(feeds["sofa:iOS"], ["store", "2026-10-15"]);
  } finally {
    await store.close();
  }
});

Deno.test("a feed that goes back in time (a mirror that stopped syncing) keeps the newer copy: a warning, not a failure", async () => {
  const fake = startFakeReleaseFeeds();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  try {
    const releases = service(fake, store);
    assert.deepEqual(await releases.refresh(), []);
    assert.equal(releases.snapshot()!.data.apple.macOS![0]!.latest, "26.5");
    // The mirror now serves a copy from February: newest release 26.3 of 11 February.
    fake.serve("/v1/macos_data_feed.json", {
      OSVersions: [{
        OSVersion: "Tahoe 26",
        Latest: { ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" },
        SecurityReleases: [{ ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" }],
      }],
    });
    const later = service(fake, store, { now: () => new Date(T0.getTime() + 6 * HOUR) });
    await later.load();
    assert.deepEqual(await later.refresh(), []);
    const macos = later.status().feeds.find((f) => f.name === "sofa:macOS");
    assert.deepEqual(macos, {
      name: "sofa:macOS",
      origin: "store",
      asOf: T0,
      behind:
        "the feed's newest release is dated 2026-02-11, older than 2026-05-11 in the store's copy, which is kept",
    });
    assert.equal(later.snapshot()!.data.apple.macOS![0]!.latest, "26.5");
    assert.deepEqual((await store.releaseFeeds.releaseFeed("sofa:macOS"))!.fetchedAt, T0);
  } finally {
    await store.close();
    await fake.close();
  }
});
