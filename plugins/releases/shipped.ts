/**
 * The release data shipped with Stethoscope (`shipped.json`): the fallback used when the feeds
 * cannot be reached and the store holds no copy yet. Each feed carries the date it is current to;
 * `sources` names the public pages it was checked against. Refresh it with
 * `deno task releases:refresh` (see the README, "Release data").
 *
 * @module
 */
import shipped from "./shipped.json" with { type: "json" };
import { decodeFeed, type FeedName, type FeedValue } from "./codec.ts";

/** One shipped feed: its value and the date it is current to. */
export interface ShippedFeed {
  asOf: Date;
  value: FeedValue;
}

/** The shipped release data. */
export interface Shipped {
  /** When the file was assembled and checked. */
  checked: Date;
  sources: string[];
  feeds: Partial<Record<FeedName, ShippedFeed>>;
}

function load(): Shipped {
  const feeds: Partial<Record<FeedName, ShippedFeed>> = {};
  for (const [name, feed] of Object.entries(shipped.feeds)) {
    feeds[name as FeedName] = {
      asOf: new Date(feed.asOf),
      value: decodeFeed(name as FeedName, feed.value),
    };
  }
  return { checked: new Date(shipped.checked), sources: shipped.sources, feeds };
}

/** The decoded shipped file. */
export const SHIPPED: Shipped = load();
