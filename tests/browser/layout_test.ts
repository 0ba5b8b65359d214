/**
 * Phone and desktop layout in a real browser: every demo person, every page they can open, at
 * 320, 360 and 1280 px, with JavaScript on and off. No page scrolls sideways (the document's
 * `scrollWidth` equals its width); every link, button and summary lies inside the screen's width;
 * the header's own controls (sign out, switch person, navigation) are at least 24 px high; and on
 * a 360 px phone the header takes less than a quarter of the screen. Saves the 360 px screenshots
 * the README shows.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startServer } from "../support/server.ts";
import { launch, SHOTS } from "./chromium.ts";

const HTMX_RE = /\/static\/htmx\.[0-9a-f]+\.js$/;
const WIDTHS = [320, 360, 1280] as const;
const PAGES = ["/", "/devices", "/accounts", "/activity", "/faq"];

interface Problem {
  where: string;
  what: string;
}

async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(`${base}/login`);
  await Promise.all([
    page.waitForURL(`${base}/`),
    page.locator(`button[value="${email}"]`).click(),
  ]);
}

/** What is wrong with the layout of the open page (nothing: `[]`). */
async function layoutProblems(page: Page, where: string): Promise<Problem[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) {
      out.push(`scrolls sideways: ${doc.scrollWidth} px in ${doc.clientWidth} px`);
    }
    const width = doc.clientWidth;
    for (const el of document.querySelectorAll<HTMLElement>("a[href], button, summary, input")) {
      if (el.closest(".table-box, [hidden], .visually-hidden, .skip")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // inside a closed <details>
      if (r.right > width + 1 || r.left < -1) {
        out.push(`${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 30)}" off-screen`);
      }
    }
    for (const el of document.querySelectorAll<HTMLElement>("header a, header button")) {
      const r = el.getBoundingClientRect();
      if (r.height < 24) {
        out.push(`${el.textContent?.trim().slice(0, 30)} is ${Math.round(r.height)} px high`);
      }
    }
    return out;
  });
  return found.map((what) => ({ where, what }));
}

async function contextFor(
  browser: Browser,
  width: number,
  javaScript: boolean,
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 740 } });
  if (!javaScript) await context.route(HTMX_RE, (route) => route.abort());
  return context;
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? "with JavaScript" : "without JavaScript";

  Deno.test(`no page scrolls sideways at 320, 360 or 1280 px, every action on screen, ${mode}`, async () => {
    const server = await startServer();
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const login = await browser.newPage();
      await login.goto(`${server.url}/login`);
      const people = await login.locator("ul.people button").evaluateAll((buttons) =>
        buttons.map((b) => (b as HTMLButtonElement).value)
      );
      await login.close();
      assert.ok(people.length >= 6, `demo people: ${people.join(", ")}`);
      const problems: Problem[] = [];
      let checked = 0;
      for (const width of WIDTHS) {
        for (const email of people) {
          const context = await contextFor(browser, width, javaScript);
          const page = await context.newPage();
          await signIn(page, server.url, email);
          const paths = email.startsWith("admin@") ? [...PAGES, "/dashboard"] : PAGES;
          for (const path of paths) {
            const res = await page.goto(`${server.url}${path}`);
            assert.equal(res?.status(), 200, `${email} ${path}`);
            problems.push(...await layoutProblems(page, `${width} px ${email} ${path}`));
            checked++;
            if (width === 360 && javaScript && email === "user@example.com" && path !== "/faq") {
              const header = await page.locator("body > header").boundingBox();
              assert.ok(header && header.height < 740 / 4, `header ${header?.height} px high`);
              const name = path === "/" ? "overview" : path.slice(1);
              await page.screenshot({
                path: new URL(`screenshot-360-${name}.png`, SHOTS).pathname,
              });
            }
          }
          await context.close();
        }
      }
      assert.ok(checked >= 3 * 31, `${checked} pages checked`);
      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
      await server.stop();
    }
  });
}
