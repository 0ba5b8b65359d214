/**
 * A person's alerts kept for a short while (`BUDGETS.NOTIFICATIONS_CACHE_SECONDS`) between page
 * views, so a person reloading a page — or a script doing it 300 times — does not cost a query
 * to every notification source (Elasticsearch) per view (issue 22). Answers and dismissals are
 * read from the store on every view, so they show at once; a new alert shows within the cache's
 * lifetime. Lookups that failed in part are not kept. Changes when alerts get a snapshot of their
 * own.
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import type { Collected, Notification } from "../../engine/core/types.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { Ctx } from "../context.ts";

/** The most people whose alerts are kept per app (the least recently viewed go first). */
const MAX_PEOPLE = 10_000;

interface Kept {
  at: number;
  found: Promise<Collected<Notification>>;
}

const CACHES = new WeakMap<object, LRUCache<string, Kept>>();

/**
 * The person's alerts from the cache when they were looked up less than
 * `BUDGETS.NOTIFICATIONS_CACHE_SECONDS` ago (by the app's clock), else from `lookUp`, kept when
 * every source answered. `0` seconds turns the cache off.
 *
 * @param c the request (its app's dependencies hold the cache, clock and settings)
 * @param email the person
 * @param lookUp asks the notification sources
 * @returns the alerts
 */
export function cachedNotifications(
  c: Ctx,
  email: string,
  lookUp: () => Promise<Collected<Notification>>,
): Promise<Collected<Notification>> {
  const deps = c.get("deps");
  const ttlMs = deps.config.BUDGETS.NOTIFICATIONS_CACHE_SECONDS * 1000;
  if (ttlMs === 0) return lookUp();
  let cache = CACHES.get(deps);
  if (cache === undefined) CACHES.set(deps, cache = new LRUCache({ max: MAX_PEOPLE }));
  const key = foldEmail(email);
  const now = deps.now().getTime();
  const kept = cache.get(key);
  if (kept !== undefined && now - kept.at < ttlMs && now >= kept.at) return kept.found;
  const found = lookUp();
  cache.set(key, { at: now, found });
  const mine = cache;
  found.then(
    (result) => {
      if (result.errors.length > 0 && mine.peek(key)?.found === found) mine.delete(key);
    },
    () => {
      if (mine.peek(key)?.found === found) mine.delete(key);
    },
  );
  return found;
}

/**
 * The person's alerts when the cache holds a complete lookup younger than
 * `BUDGETS.NOTIFICATIONS_CACHE_SECONDS`, else `undefined`: never asks a source (pages that need
 * no inventory, such as the FAQ, count the badge only from what is at hand).
 */
export function keptNotifications(
  c: Ctx,
  email: string,
): Promise<Collected<Notification>> | undefined {
  const deps = c.get("deps");
  const kept = CACHES.get(deps)?.get(foldEmail(email));
  const now = deps.now().getTime();
  const ttlMs = deps.config.BUDGETS.NOTIFICATIONS_CACHE_SECONDS * 1000;
  return kept !== undefined && now - kept.at < ttlMs && now >= kept.at ? kept.found : undefined;
}
