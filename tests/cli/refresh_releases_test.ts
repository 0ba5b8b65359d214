import assert from "node:assert/strict";
import { buildShippedFile } from "../../cli/refresh_releases.ts";
import { decodeFeed, type FeedName } from "../../plugins/releases/codec.ts";
import { startFakeReleaseFeeds } from "../fakes/releases.ts";

Deno.test("releases:refresh writes every feed with today's date, readable as the shipped file", async () => {
  const fake = startFakeReleaseFeeds();
  try {
    const text = await buildShippedFile({
      env: fake.config,
      now: new Date("2026-12-01T08:00:00Z"),
    });
    const file = JSON.parse(text);
    assert.equal(file.checked, "2026-12-01");
    assert.deepEqual(Object.keys(file.feeds), [
      "sofa:macOS",
      "sofa:iOS",
      "endoflife:macos",
      "endoflife:ios",
      "endoflife:ipados",
      "endoflife:android",
      "endoflife:windows",
    ]);
    assert.equal(file.sources[0], `sofa:macOS: ${fake.config.SOFA_MACOS_URL}, fetched 2026-12-01`);
    const macos = decodeFeed("sofa:macOS", file.feeds["sofa:macOS"].value);
    assert.equal(macos.length, 3);
    for (const name of Object.keys(file.feeds)) {
      assert.equal(file.feeds[name].asOf, "2026-12-01");
      decodeFeed(name as FeedName, file.feeds[name].value);
    }

    fake.breakPath("/api/android", 404);
    await assert.rejects(
      buildShippedFile({ env: fake.config }),
      { message: `endoflife:android: ${new URL(fake.url).host} (GET /api/android.json) not found` },
    );
  } finally {
    await fake.close();
  }
});
