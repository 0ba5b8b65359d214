/**
 * Shutdown order of the release data (issue 28: "the store … is closed" in 7 of 8 logs): a feed
 * read in flight when the process stops is aborted, and `close()` resolves only once it has ended,
 * so nothing reads or writes the store after it — and an aborted read is not a feed failure to
 * log.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "../../config/log.ts";
import { ReleaseDataSchema } from "../../config/schema.ts";
import type { ReleaseFeedCopy, ReleaseFeedStore } from "../../engine/core/store_ports.ts";
import { createReleaseService } from "../../plugins/releases/mod.ts";

Deno.test("releases.close() aborts a feed read in flight and waits for it: no store access after, nothing logged", async () => {
  const calls: string[] = [];
  let closed = false;
  const store: ReleaseFeedStore = {
    releaseFeed(name: string) {
      calls.push(`${closed ? "after close: " : ""}releaseFeed ${name}`);
      return closed ? Promise.reject(new Error("the store is closed")) : Promise.resolve(null);
    },
    putReleaseFeed(copy: ReleaseFeedCopy) {
      calls.push(`${closed ? "after close: " : ""}putReleaseFeed ${copy.name}`);
      return closed ? Promise.reject(new Error("the store is closed")) : Promise.resolve();
    },
  };
  const asked: string[] = [];
  let allAsked!: () => void;
  const everyFeedAsked = new Promise<void>((resolve) => allAsked = resolve);
  // a mirror that accepts and never answers: each read ends only when it is aborted
  const hanging: typeof fetch = (input, init) => {
    asked.push(String(input instanceof Request ? input.url : input));
    if (asked.length === 7) allAsked();
    return new Promise((_, reject) => {
      const signal = init?.signal;
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  };
  const lines: string[] = [];
  const releases = createReleaseService({
    config: ReleaseDataSchema.parse({
      SOFA_MACOS_URL: "https://sofa.example/v1/macos_data_feed.json",
      SOFA_IOS_URL: "https://sofa.example/v1/ios_data_feed.json",
      ENDOFLIFE_URL: "https://eol.example/api",
      TIMEOUT: 3600,
    }),
    store,
    log: createLogger({ level: "debug", sink: (_, line) => lines.push(line) }),
    fetchImpl: hanging,
    retries: 0,
  });
  await releases.load();
  calls.length = 0;
  const refreshing = releases.refresh();
  await everyFeedAsked;
  await releases.close();
  closed = true; // what assemble() does next
  assert.deepEqual(await refreshing, [], "an aborted read is not a failed feed");
  assert.deepEqual(calls, [], "no store access during or after close");
  assert.deepEqual(lines, [], "nothing logged for reads cut short by the shutdown");
  assert.equal(asked.length, 7);
});
