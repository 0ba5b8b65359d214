/**
 * Rendered person pages, kept per session and sent again, compressed once, while nothing they show
 * has changed (issue 13, `bench:http`). One reason to change: what a person page is rendered from.
 *
 * A page is sent from the cache only when all of these equal what it was rendered with:
 * - the session (email, privilege, CSRF token — so no other session or person ever gets it) and
 *   the URL (path and query);
 * - the person's snapshot, by content (`engine.views.stamp()`), while it is fresh — a stale one
 *   takes the normal path, which starts the background refresh; "failing since" and grace are
 *   recorded per snapshot, so they change with it;
 * - their dismissals and answers, and their notifications (live from the sources): all of them
 *   for a page that lists them (the Overview), else how many the navigation badge counts;
 * - the release data in use (each feed's origin and date);
 * - the clock window of {@link PAGE_WINDOW_MS}: the parts that depend on the time ("checked 2
 *   minutes ago", "last heard from it", grace deadlines) are at most that much behind.
 *
 * Sign-out needs nothing: a revoked session never reaches a page. Only a signed-in person's own
 * pages (`GET`, not htmx, gzip accepted) are cached; everything else takes the normal path.
 * The CSP nonce differs per response: the page is compressed around it (`gzip_template.ts`).
 * Data accesses are audited on every view, from the cache too.
 *
 * @module
 */
import { foldEmail } from "../../engine/identity/emails.ts";
import type { AppDeps, Ctx } from "../context.ts";
import { audit, type AuditCall } from "../guards/audit.ts";
import { notificationsOf, notificationStates, visitOf } from "./person_data.ts";
import { fillGzip, type GzipTemplate, gzipTemplate } from "./gzip_template.ts";
import { todoList } from "../../engine/view/todo.ts";

/** How long a rendered page may be reused at most: the clock window, ms. */
export const PAGE_WINDOW_MS = 10_000;
/** Pages kept at most per app, least recently used dropped first (each a few KB of gzip). */
export const PAGES_MAX = 256;

interface Entry {
  /** What the page was rendered from (see {@link inputsOf}); must be equal for a hit. */
  inputs: string;
  /** The clock window it was rendered in. */
  window: number;
  gzip: GzipTemplate;
  /** The data accesses its render audited, recorded again on each hit. */
  audits: AuditCall[];
}

/** The pages of one app, with counts for metrics and tests. */
export class PageCache {
  #entries = new Map<string, Entry>();
  /** Pages sent from the cache. */
  hits = 0;
  /** Pages rendered because the cache had none that matched. */
  renders = 0;

  /** How many pages are kept now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry under `key` (now the most recently used), if any. */
  get(key: string): Entry | undefined {
    const found = this.#entries.get(key);
    if (found !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, found);
    }
    return found;
  }

  /** Keeps `entry`, dropping the least recently used beyond {@link PAGES_MAX}. */
  set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > PAGES_MAX) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const caches = new WeakMap<AppDeps, PageCache>();

/**
 * The page cache of the app built over `deps` (made on first use, with its metrics gauges).
 *
 * @param deps the app's services
 * @returns the cache
 */
export function pageCacheOf(deps: AppDeps): PageCache {
  let cache = caches.get(deps);
  if (cache === undefined) {
    const made = cache = new PageCache();
    caches.set(deps, made);
    const m = deps.metrics;
    m.gauge("stethoscope_page_cache_pages", "Rendered pages kept for reuse now.", () => made.size);
    m.gauge("stethoscope_page_cache_hits", "Pages sent from the page cache.", () => made.hits);
    m.gauge("stethoscope_page_cache_renders", "Pages rendered afresh.", () => made.renders);
  }
  return cache;
}

/** Whether `header` accepts gzip with q=1, so the compress middleware would choose it. */
export function prefersGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((item) => {
    const [name, ...params] = item.split(";").map((p) => p.trim().toLowerCase());
    if (name !== "gzip") return false;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) === 1;
  });
}

/** Whether this request may use the cache at all (see the module's documentation). */
function eligible(c: Ctx, email: string): boolean {
  const user = c.var.user;
  return c.req.method === "GET" && user?.via === "session" && user.csrf !== undefined &&
    c.req.header("HX-Request") === undefined && prefersGzip(c.req.header("Accept-Encoding")) &&
    foldEmail(email) === foldEmail(user.email);
}

/** What of the person's notifications a page shows: all of them, or the badge's count. */
export type NotificationsShown = "all" | "count";

/**
 * What the person's pages are rendered from, as one text (`null` when the snapshot is missing or
 * stale): the snapshot's version, dismissals and answers, notifications (or the badge's count of
 * them) and release data.
 */
async function inputsOf(c: Ctx, email: string, shown: NotificationsShown): Promise<string | null> {
  const { releaseStatus } = c.var.deps;
  const [stamp, notifications, states] = await Promise.all([
    visitOf(c, email).stamp(),
    notificationsOf(c, email),
    notificationStates(c, email),
  ]);
  if (!stamp?.fresh) return null;
  const alerts = shown === "all" ? notifications : todoList({
    devices: [],
    accounts: [],
    notifications: notifications.items,
    states,
    now: c.var.deps.now(),
  }).count;
  const releases = releaseStatus?.().feeds.map((f) => [f.name, f.origin, f.asOf.getTime()]);
  const rest = JSON.stringify([alerts, [...states], releases ?? null]);
  return `${stamp.version.length}:${stamp.version}${rest}`;
}

/** The page as gzip, with this response's nonce, and the headers the compress middleware sets. */
function send(c: Ctx, gzip: GzipTemplate): Response {
  const nonce = c.get("secureHeadersNonce");
  const body = fillGzip(gzip, nonce === undefined ? "" : `nonce="${nonce}"`);
  const res = c.body(body, 200, {
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Encoding": "gzip",
  });
  const vary = res.headers.get("Vary");
  if (!/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? "")) {
    res.headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  return res;
}

/** Whether a rendered response is a complete page that may be kept (not streamed, not an error). */
function keepable(res: Response): boolean {
  return res.status === 200 && (res.headers.get("Content-Type") ?? "").startsWith("text/html") &&
    !res.headers.has("Content-Encoding") &&
    !/no-transform/i.test(res.headers.get("Cache-Control") ?? "");
}

/**
 * Answers a person page from the cache when nothing it shows has changed, else renders it with
 * `render` (and keeps it when its inputs did not change while it rendered).
 *
 * @param c the request (its session and URL are part of the key)
 * @param email whose page it is; only the signed-in person's own pages are cached
 * @param shown what of the person's notifications the page shows (the badge counts them)
 * @param render the page's normal handler
 * @returns the page: gzip from the cache or freshly compressed, else `render`'s response as is
 */
export async function cachedPage(
  c: Ctx,
  email: string,
  shown: NotificationsShown,
  render: () => Promise<Response>,
): Promise<Response> {
  if (!eligible(c, email)) return await render();
  const cache = pageCacheOf(c.var.deps);
  const user = c.var.user!;
  const url = new URL(c.req.url);
  const key = [user.email, user.privileged, user.csrf, url.pathname + url.search].join("\u0000");
  const window = Math.floor(c.var.deps.now().getTime() / PAGE_WINDOW_MS);
  const inputs = await inputsOf(c, email, shown);
  const found = cache.get(key);
  if (inputs !== null && found?.inputs === inputs && found.window === window) {
    cache.hits++;
    for (const a of found.audits) audit(c, a.target, a.recordType, a.data, a.context);
    return send(c, found.gzip);
  }
  cache.renders++;
  const audited: AuditCall[] = [];
  c.set("audited", audited);
  const res = await render();
  if (!keepable(res)) return res;
  const html = await res.text();
  const nonce = c.get("secureHeadersNonce");
  const gzip = gzipTemplate(html, nonce === undefined ? "" : `nonce="${nonce}"`);
  // the page was rendered from exactly these inputs (the request's one read of each: its visit,
  // notifications and states), so it is kept under them and never outlives what it shows
  if (inputs !== null) {
    cache.set(key, { inputs, window, gzip, audits: audited });
  }
  return send(c, gzip);
}
