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
function navigation(props: LayoutProps): Html {
  const { ui, privileged } = props.shell;
  const entries: Html[] = [];
  for (const p of ui.pages) {
    if (p === "faq" && !ui.faq) continue;
    const [label, href] = PAGE_LABELS[p]!;
    const badge = p === "overview" ? markup` ${alertCount(props.alerts ?? 0)}` : null;
    entries.push(
      markup`<li><a href="${esc(personHref(href, props.lookedUp))}"${current(props.active === p)}>${
        esc(label)
      }${badge}</a></li>`,
    );
  }
  if (privileged) {
    entries.push(
      markup`<li><a href="/dashboard"${current(props.active === "dashboard")}>Dashboard</a></li>`,
    );
  }
  return markup`<nav aria-label="Main"><ul>${entries}</ul></nav>`;
}

/** The banner: demo note, the app's name, who is signed in with "Sign out", the navigation. */
function header(props: LayoutProps): Html {
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
  }">${esc(shell.ui.appName)}</a>${who}${shell.email ? navigation(props) : null}</div></header>`;
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
 * The document around every page, as text: the same bytes hono/jsx wrote for the JSX layout.
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
  const { ui } = shell;
  const csrf = shell.csrf ? JSON.stringify({ "X-CSRF-Token": shell.csrf }) : undefined;
  const showLookUp = shell.privileged && props.active && props.active !== "dashboard" &&
    (props.active !== "faq" || props.lookedUp);
  return markup`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="htmx-config" content="includeIndicatorCSS:false"><link rel="icon" href="data:,"><title>${
    esc(props.title)
  } · ${esc(ui.appName)}</title><link rel="stylesheet" href="${
    esc(shell.assets.css)
  }"><script src="${esc(shell.assets.js)}"${
    attr("nonce", shell.nonce)
  } defer></script></head><body${
    attr("hx-headers", csrf)
  }><a class="skip" href="#main">Skip to content</a>${header(props)}${
    showLookUp ? lookUp(PAGE_LABELS[props.active!]?.[1] ?? "/", props.lookedUp) : null
  }<main id="main">${body}</main>${footer(ui)}</body></html>`;
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
