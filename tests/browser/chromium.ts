/**
 * Launching Debian's Chromium through playwright-core for browser tests (never `playwright
 * install`: the browser comes from the system package).
 *
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";

/** Flags that keep Chromium off the network and quiet in a sandboxed CI. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the system Chromium lives (override with CHROMIUM_PATH). */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
}

/**
 * Where the browser tests' screenshots go: the README's pictures in `docs/` when
 * `UPDATE_SCREENSHOTS=1`, else `tests/browser/screenshots/` (ignored by git), so that a test run
 * leaves the checkout as it was and only a deliberate run replaces the documentation's pictures.
 * Look at them either way before saying a page is done.
 */
export const SHOTS: URL = new URL(
  Deno.env.get("UPDATE_SCREENSHOTS") === "1" ? "../../docs/" : "./screenshots/",
  import.meta.url,
);

/** Starts headless Chromium. */
export async function launch(): Promise<Browser> {
  return await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A form post the page sent: by htmx (`HX-Request`) or as a navigation (no JavaScript). */
export interface SentPost {
  htmx: boolean;
  navigation: boolean;
}

/** Records every POST the page sends from now on, in order, into the returned list. */
export function recordPosts(page: Page): SentPost[] {
  const posts: SentPost[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") {
      posts.push({
        htmx: r.headers()["hx-request"] === "true",
        navigation: r.isNavigationRequest(),
      });
    }
  });
  return posts;
}
