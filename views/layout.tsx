/**
 * The one layout every page goes through: skip link, demo banner, navigation, source-error banner.
 * Written as text ({@link Html}, `views/html.ts`): it wraps every page view, so a first view by a
 * different person costs string concatenation here rather than a JSX tree (issue 24).
 *
 * @module
 */
import type { UiConfig } from "../config/schema.ts";
import type { SourceError } from "../engine/core/types.ts";
import { attr, esc, type Html, markup } from "./html.ts";
import { alertCount } from "./notifications.tsx";
import { personHref } from "./person_link.ts";
import { sourceLabels } from "./source_label.ts";

/** What the layout needs to know about the request. */
export interface Shell {
  ui: UiConfig;
  demo: boolean;
  /** Signed-in person, if any. */
  email?: string | undefined;
  privileged?: boolean;
  /** CSP nonce for the script tag. */
  nonce?: string | undefined;
  assets: { css: string; js: string };
  /** Double-submit token, exposed to htmx requests as a header. */
  csrf?: string | undefined;
}

/** What {@link layout} wraps around a page's body. */
export interface LayoutProps {
  shell: Shell;
  title: string;
  /** The navigation entry of this page (`overview`, `devices`, …, `dashboard`). */
  active?: string | undefined;
  /** The badge's count on the Overview entry (hidden at 0). */
  alerts?: number | undefined;
  /**
   * The person a privileged user is looking at, when not themselves: the navigation stays in
   * that person's context (`?email=`) and the look-up box offers the way back.
   */
  lookedUp?: string | undefined;
}

const PAGE_LABELS: Record<string, [string, string]> = {
  overview: ["Overview", "/"],
  devices: ["Devices", "/devices"],
  accounts: ["Accounts", "/accounts"],
  activity: ["Activity", "/activity"],
  faq: ["FAQ", "/faq"],
};

/** ` aria-current="page"` on the active entry. */
function current(active: boolean): Html {
  return (active ? ' aria-current="page"' : "") as Html;
}

/**
 * The parts of the layout that depend only on the UI settings — the app's name, the navigation's
 * entries, the footer — written once per settings object and then joined on every view: the
 * layout wraps every page, and these are the same for everybody (issue 24). One entry per
 * configuration object (a `WeakMap`: an app's settings, dropped with it).
 */
interface Fixed {
  appName: Html;
  /** The navigation's person pages: the entry's key, its address and its label, escaped. */
  pages: { page: string; href: string; start: Html; label: Html }[];
  footer: Html;
  /** `· <app name></title>` and the stylesheet and script tags up to the nonce, by asset URLs. */
  head: { css: string; js: string; html: Html };
}

const FIXED = new WeakMap<UiConfig, Fixed>();

function fixedOf(ui: UiConfig, assets: { css: string; js: string }): Fixed {
  let fixed = FIXED.get(ui);
  if (fixed === undefined) {
    const pages = ui.pages.filter((p) => p !== "faq" || ui.faq).map((page) => {
      const [label, href] = PAGE_LABELS[page]!;
      return { page, href, start: markup`<li><a href="${esc(href)}"`, label: esc(label) };
    });
    fixed = { appName: esc(ui.appName), pages, footer: footer(ui), head: headOf(ui, assets) };
    FIXED.set(ui, fixed);
  }
  if (fixed.head.css !== assets.css || fixed.head.js !== assets.js) {
    fixed.head = headOf(ui, assets);
  }
  return fixed;
}

function headOf(ui: UiConfig, assets: { css: string; js: string }): Fixed["head"] {
  const html = markup` · ${esc(ui.appName)}</title><link rel="stylesheet" href="${
    esc(assets.css)
  }"><script src="${esc(assets.js)}"`;
  return { css: assets.css, js: assets.js, html };
}

/**
 * The privileged person's look-up box: a plain GET form to the same page with `?email=`, so it
 * works without JavaScript.
 */
function lookUp(action: string, value: string | undefined): Html {
  return markup`<form class="lookup" role="search" method="get" action="${
    esc(action)
  }"><label for="lookup-email">Look someone up</label><input id="lookup-email" type="email" name="email" required placeholder="name@example.com" autocomplete="off"${
    attr("value", value)
  }><button type="submit">Show</button>${
    value ? markup`<a class="tap" href="${esc(action)}">Back to mine</a>` : null
  }</form>`;
}

/** The main navigation: the person pages the configuration lists, and the Dashboard. */
function navigation(props: LayoutProps, fixed: Fixed): Html {
  const { privileged } = props.shell;
  let entries = '<nav aria-label="Main"><ul>' as Html;
  for (const p of fixed.pages) {
    const start = props.lookedUp === undefined
      ? p.start
      : markup`<li><a href="${esc(personHref(p.href, props.lookedUp))}"`;
    const badge = p.page === "overview" ? markup` ${alertCount(props.alerts ?? 0)}` : null;
    entries = markup`${entries}${start}${
      current(props.active === p.page)
    }>${p.label}${badge}</a></li>`;
  }
  if (privileged) {
    entries = markup`${entries}<li><a href="/dashboard"${
      current(props.active === "dashboard")
    }>Dashboard</a></li>`;
  }
  return markup`${entries}</ul></nav>`;
}

/** The banner: demo note, the app's name, who is signed in with "Sign out", the navigation. */
function header(props: LayoutProps, fixed: Fixed): Html {
  const { shell } = props;
  const demo = shell.demo
    ? markup`<div class="demo" role="note">Demo mode: example data only. ${
      shell.email ? markup`<a class="tap" href="/login">Switch person</a>` : null
    }</div>`
    : null;
  const who = shell.email
    ? markup`<div class="who"><span class="email">${
      esc(shell.email)
    }</span><form method="post" action="/logout"><button type="submit" class="linkish tap">Sign out</button></form></div>`
    : null;
  // the demo note inside the banner landmark, so that no content lies outside a landmark
  return markup`<header>${demo}<div class="bar"><a class="brand" href="${
    esc(personHref("/", props.lookedUp))
  }">${fixed.appName}</a>${who}${shell.email ? navigation(props, fixed) : null}</div></header>`;
}

/** "Questions? Email …", and Slack when configured. */
function footer(ui: UiConfig): Html {
  const slack = ui.slackLink && ui.slackLink !== "#"
    ? markup` or <a href="${esc(ui.slackLink)}">talk to us on Slack</a>`
    : null;
  return markup`<footer class="bar muted"><span>Questions? <a href="${
    esc(`mailto:${ui.contactEmail}`)
  }">Email ${esc(ui.contactEmail)}</a>${slack}</span></footer>`;
}

/**
 * `hx-headers` with the person's CSRF token, as `attr("hx-headers", JSON.stringify(…))` writes
 * it: the JSON's quotes escaped by hand around the escaped token (the token alone has nothing to
 * escape, so `esc()` takes its fast path instead of walking the whole value).
 */
function csrfHeaders(csrf: string | undefined): Html {
  if (!csrf) return "" as Html;
  const token = JSON.stringify(csrf);
  return markup` hx-headers="{&quot;X-CSRF-Token&quot;:&quot;${esc(token.slice(1, -1))}&quot;}"`;
}

/**
 * The document around every page, as text: the same bytes hono/jsx wrote for the JSX layout.
 * What depends only on the settings is written once per settings object (`fixedOf()`).
 *
 * @param props the request's shell, the page's title, navigation entry, badge count, look-up
 * @param body the page's content, placed in `<main>`
 * @returns the whole document, `<!DOCTYPE html>` first
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { demoConfig } from "../config/demo.ts";
 * import { markup } from "./html.ts";
 * const shell = { ui: demoConfig().UI, demo: false, assets: { css: "/a.css", js: "/a.js" } };
 * const page = layout({ shell, title: "Sign in" }, markup`<h1>Sign in</h1>`);
 * assert.ok(page.startsWith("<!DOCTYPE html><html lang=\"en\">"));
 * assert.ok(page.includes("<main id=\"main\"><h1>Sign in</h1></main>"));
 * ```
 */
export function layout(props: LayoutProps, body: Html): Html {
  const { shell } = props;
  const fixed = fixedOf(shell.ui, shell.assets);
  const showLookUp = shell.privileged && props.active && props.active !== "dashboard" &&
    (props.active !== "faq" || props.lookedUp);
  return markup`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="htmx-config" content="includeIndicatorCSS:false"><link rel="icon" href="data:,"><title>${
    esc(props.title)
  }${fixed.head.html}${attr("nonce", shell.nonce)} defer></script></head><body${
    csrfHeaders(shell.csrf)
  }><a class="skip" href="#main">Skip to content</a>${header(props, fixed)}${
    showLookUp ? lookUp(PAGE_LABELS[props.active!]?.[1] ?? "/", props.lookedUp) : null
  }<main id="main">${body}</main>${fixed.footer}</body></html>`;
}

/**
 * Names the sources that could not be reached, so a partial page is never mistaken for all;
 * nothing when none failed.
 *
 * @param props the view's `errors` and `UI.sourceLabels`
 * @returns the banner, or empty text
 */
export function sourceErrors(
  props: { errors: readonly SourceError[]; labels: Record<string, string> },
): Html {
  if (props.errors.length === 0) return "" as Html;
  const names = sourceLabels(props.errors.map((e) => e.source), props.labels);
  return markup`<div class="panel banner" role="status"><strong>Some information may be missing.</strong> ${
    esc(names.join(", "))
  } did not answer in time or answered with an error; what you see comes from the other sources. Try again in a few minutes.</div>`;
}
