/**
 * Launching Debian's Chromium through playwright-core for browser tests (never `playwright
 * install`: the browser comes from the system package).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

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

/** Starts headless Chromium. */
export async function launch(): Promise<Browser> {
  return await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
