/**
 * Over 300 lines: one browser session audits every page, person, width and JavaScript setting, then
 * walks the keyboard path; the axe, context and Tab helpers serve both halves.
 *
 * Accessibility in a real browser: axe-core (from npm) run on every page as every demo person, at
 * 320, 360 and 1280 px, with JavaScript on and off, must find no serious or critical violation; and a keyboard-only walk
 * (Tab, Shift+Tab, Enter, Space; no mouse) signs in, opens a practice on the Devices page, then
 * dismisses a notification and answers a question on the Overview, with a visible focus ring on
 * every element it stops on.
 *
 * The app's CSP forbids inline scripts, so axe is evaluated through the DevTools protocol
 * (`page.evaluate`), which CSP does not govern; the pages themselves are served unchanged.
 */
import assert from "node:assert/strict";
import { NUDGE_RUN, seedLedger } from "../support/nudge_runs.ts";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { BatchRunSummary } from "../../engine/core/store_ports.ts";
import { demoWith, startApp } from "../support/app.ts";
import { type RunningServer, startServer } from "../support/server.ts";
import { launch } from "./chromium.ts";
import { audit, describe } from "./axe.ts";

const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;

/**
 * A browser context with JavaScript on, or "off": axe itself needs JavaScript (and Playwright's
 * `evaluate` hangs in a context with `javaScriptEnabled: false`), so the app's only script, htmx,
 * is refused instead; the page then renders exactly as it does without JavaScript (no
 * `<noscript>` anywhere), and the test checks that htmx really did not load.
 */
async function newContext(
  browser: Browser,
  javaScript: boolean,
  width = 1280,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
  return context;
}

async function signInByForm(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await Promise.all([
    page.waitForURL(`${base}/`),
    page.locator(`button[value="${email}"]`).click(),
  ]);
}

async function withBrowser(
  fn: (server: RunningServer, browser: Browser) => Promise<void>,
): Promise<void> {
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await launch();
    await fn(server, browser);
  } finally {
    await browser?.close();
    await server.stop();
  }
}

/** The privileged person of demo mode (PRIVILEGED_USERS), who alone may see `/dashboard`. */
const PRIVILEGED = "admin@example.com";

/** The pages every demo person can open; the first person also gets the sign-out and 404 pages. */
const PAGES = ["/", "/devices", "/accounts", "/activity", "/faq"];
const EXTRA_PAGES = ["/logout", "/nowhere"];

/** Phone, small phone and desktop widths (px): the layout differs, so axe runs at each. */
const WIDTHS = [320, 360, 1280] as const;

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`axe finds no serious or critical violation on any page ${mode}`, async () => {
    await withBrowser(async (server, browser) => {
      const found: string[] = [];
      const check = async (context: BrowserContext, path: string, label = path) => {
        const page = await context.newPage();
        await page.goto(`${server.url}${path}`);
        const htmx = await page.evaluate(() => "htmx" in globalThis);
        assert.equal(
          htmx,
          javaScript,
          `htmx ${javaScript ? "loaded" : "did not load"} on ${label}`,
        );
        found.push(...describe(label, await audit(page)));
        await page.close();
      };
      const signedOut = await newContext(browser, javaScript);
      await check(signedOut, "/login");
      const login = await signedOut.newPage();
      await login.goto(`${server.url}/login`);
      const people = await login.locator("ul.people button").evaluateAll((buttons) =>
        buttons.map((b) => (b as HTMLButtonElement).value)
      );
      await signedOut.close();
      assert.ok(people.length >= 6, `the demo picker lists ${people.length} people`);
      assert.ok(people.includes(PRIVILEGED), `demo mode lets ${PRIVILEGED} sign in`);
      for (const width of WIDTHS) {
        for (const [i, email] of people.entries()) {
          const context = await newContext(browser, javaScript, width);
          const page = await context.newPage();
          await signInByForm(page, server.url, email);
          const paths = [...PAGES, ...(i === 0 ? EXTRA_PAGES : [])];
          if (email === PRIVILEGED) paths.push("/dashboard");
          for (const path of paths) {
            await check(context, path, `${path} as ${email} at ${width} px`);
          }
          await context.close();
        }
      }
      assert.deepEqual(found, []);
    });
  });
}

/** One batch run for the dashboard to draw (the numbers only need to be plausible). */
const RUN: BatchRunSummary = {
  id: "run-1",
  startedAt: new Date("2026-11-26T02:00:00Z"),
  finishedAt: new Date("2026-11-26T02:12:00Z"),
  people: 4,
  devices: 5,
  practices: { encryption: { warn: 2, ok: 3 }, firewall: { nudge: 1, ok: 2, na: 2 } },
  ratings: { critical: 2, suggested: 1, ok: 1, unknown: 1 },
  byPlatform: { Windows: { critical: 1, suggested: 1 }, Mac: { critical: 1, ok: 1 } },
  bySource: { landesk: { critical: 1, suggested: 1 }, jamf: { critical: 1, ok: 1 } },
  errors: { google: 1 },
};

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  // Demo mode has no privileged demo person to sign in as, so the dashboard is audited on the
  // in-process app with one demo person made privileged and a batch run in its store.
  Deno.test(`axe finds no serious or critical violation on the dashboard ${mode}`, async () => {
    const admin = "green@example.com";
    const t = await startApp({ config: demoWith({ PRIVILEGED_USERS: [admin] }), now: new Date() });
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, t.app.fetch);
    let browser: Browser | undefined;
    try {
      await t.services.store.batchRuns.saveBatchRun(RUN);
      const base = `http://127.0.0.1:${server.addr.port}`;
      browser = await launch();
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await signInByForm(page, base, admin);
      const res = await page.goto(`${base}/dashboard`);
      if (res?.status() === 404) {
        // deno-lint-ignore no-console
        console.warn("a11y: /dashboard answered 404: there is no dashboard to audit yet");
        return;
      }
      assert.equal(res?.status(), 200);
      assert.equal(await page.locator("h1").innerText(), "Dashboard");
      assert.deepEqual(describe("/dashboard", await audit(page)), []);
      await t.services.store.batchRuns.saveBatchRun(NUDGE_RUN);
      await seedLedger(t.services.store.nudges);
      assert.equal((await page.goto(`${base}/dashboard/nudges`))?.status(), 200);
      assert.deepEqual(describe("/dashboard/nudges", await audit(page)), []);
    } finally {
      await browser?.close();
      await server.shutdown();
      await t.close();
    }
  });
}

/** What the walk is looking for: an element matching `selector`, optionally by text. */
interface Target {
  selector: string;
  /** Its own text, trimmed. */
  text?: string;
  /** Text of the notification card around it. */
  card?: string;
}

/** What the focused element is, and whether its focus ring shows. */
interface Focused {
  matches: boolean;
  tag: string;
  label: string;
  ring: boolean;
}

/**
 * Presses Tab (or Shift+Tab) until the focused element is the target; at every stop, asserts
 * that the focused element shows a focus ring (`:focus-visible` with a solid outline ≥ 2 px).
 */
async function tabTo(page: Page, target: Target, back = false): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await page.evaluate((t: Target): Focused => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) {
        return { matches: false, tag: "body", label: "", ring: true };
      }
      const style = getComputedStyle(el);
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ");
      const card = el.closest("article.notification")?.textContent ?? "";
      return {
        matches: el.matches(t.selector) && (t.text === undefined || text === t.text) &&
          (t.card === undefined || card.includes(t.card)),
        tag: el.tagName.toLowerCase(),
        label: text.slice(0, 40),
        ring: el.matches(":focus-visible") && style.outlineStyle === "solid" &&
          parseFloat(style.outlineWidth) >= 2,
      };
    }, target);
    stops.push(`${f.tag} "${f.label}"`);
    assert.ok(f.ring, `no visible focus ring on ${f.tag} "${f.label}"`);
    if (f.matches) return;
  }
  throw new Error(`Tab never reached ${JSON.stringify(target)}; stops: ${stops.join(", ")}`);
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`a keyboard-only walk signs in, opens a practice and answers alerts ${mode}`, async () => {
    await withBrowser(async (server, browser) => {
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      const base = server.url;
      await page.goto(`${base}/login`);

      await tabTo(page, { selector: 'button[value="user@example.com"]' });
      await Promise.all([page.waitForURL(`${base}/`), page.keyboard.press("Enter")]);

      await tabTo(page, { selector: 'nav a[href="/devices"]' });
      await Promise.all([page.waitForURL(`${base}/devices`), page.keyboard.press("Enter")]);
      assert.equal(await page.locator("h1").innerText(), "Your devices");

      // failing practices are open already; the first done one opens by keyboard
      const failing = page.locator("article.device ul.actions details").first();
      assert.equal(await failing.getAttribute("open"), "");
      await tabTo(page, { selector: "article.device ul.actions details:not([open]) > summary" });
      const id = await page.locator("article.device ul.actions li:has(> details:not([open]))")
        .first().getAttribute("id");
      await page.keyboard.press("Enter");
      const opened = page.locator(`[id="${id}"] > details`);
      await opened.locator(".practice-body").waitFor({ state: "visible" });
      assert.equal(await opened.getAttribute("open"), "");

      await tabTo(page, { selector: 'nav a[href="/"]' }, true);
      await Promise.all([page.waitForURL(`${base}/`), page.keyboard.press("Enter")]);
      // the badge counts what the person can act on: the "Fix now" and "Suggested" groups (not
      // what can't be checked, not notices)
      const headings = await page.locator("section.todo-group h2").allInnerTexts();
      const listed = headings.filter((h) => /^(Fix now|Suggested)/.test(h))
        .reduce((sum, h) => sum + Number(/\((\d+)\)/.exec(h)?.[1] ?? 0), 0);
      assert.ok(listed > 0, headings.join(" | "));
      assert.equal(await page.locator("#alert-count").innerText(), String(listed));

      const firewall = page.locator("article.notification", { hasText: "firewall is off" });
      await tabTo(page, { selector: "button", text: "OK", card: "firewall is off" });
      await page.keyboard.press("Enter");
      await firewall.waitFor({ state: "detached" });
      if (javaScript) {
        // the alert is about the firewall item, counted once: dismissing it leaves the item
        assert.equal(await page.locator("#alert-count").innerText(), String(listed));
      }

      const question = "Sign-in attempt from a new place";
      await tabTo(page, { selector: "textarea", card: question });
      await page.keyboard.type("I was asleep");
      // the note comes before the answers, so the walk goes on forward to the answer
      await tabTo(page, { selector: 'button[value="no"]', card: question });
      await page.keyboard.press("Space");
      await page.locator("text=You answered “This was not me”.").waitFor();

      await page.reload();
      assert.equal(
        await page.locator("article.notification", { hasText: "firewall is off" }).count(),
        0,
      );
      assert.equal(await page.locator("text=You answered “This was not me”.").count(), 1);
      assert.equal(await page.locator("#alert-count").innerText(), String(listed - 1));
      await context.close();
    });
  });
}
