/**
 * The one layout every page goes through: skip link, demo banner, navigation, source-error banner.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { UiConfig } from "../config/schema.ts";
import type { SourceError } from "../engine/core/types.ts";
import { AlertCount } from "./notifications.tsx";
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

const PAGE_LABELS: Record<string, [string, string]> = {
  overview: ["Overview", "/"],
  devices: ["Devices", "/devices"],
  accounts: ["Accounts", "/accounts"],
  activity: ["Activity", "/activity"],
  faq: ["FAQ", "/faq"],
};

/**
 * The privileged person's look-up box: a plain GET form to the same page with `?email=`, so it
 * works without JavaScript.
 */
function LookUp(props: { action: string; value: string | undefined }): Child {
  return (
    <form class="lookup" role="search" method="get" action={props.action}>
      <label for="lookup-email">Look someone up</label>
      <input
        id="lookup-email"
        type="email"
        name="email"
        required
        placeholder="name@example.com"
        autocomplete="off"
        value={props.value}
      />
      <button type="submit">Show</button>
      {props.value && <a class="tap" href={props.action}>Back to mine</a>}
    </form>
  );
}

/** The document around every page. */
export function Layout(
  props: {
    shell: Shell;
    title: string;
    active?: string;
    children?: Child;
    alerts?: number;
    /**
     * The person a privileged user is looking at, when not themselves: the navigation stays in
     * that person's context (`?email=`) and the look-up box offers the way back.
     */
    lookedUp?: string | undefined;
  },
): Child {
  const { shell } = props;
  const { ui } = shell;
  const pages = ui.pages.filter((p) => p !== "faq" || ui.faq);
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content="includeIndicatorCSS:false" />
          <link rel="icon" href="data:," />
          <title>{props.title} · {ui.appName}</title>
          <link rel="stylesheet" href={shell.assets.css} />
          <script src={shell.assets.js} nonce={shell.nonce} defer></script>
        </head>
        <body
          hx-headers={shell.csrf ? JSON.stringify({ "X-CSRF-Token": shell.csrf }) : undefined}
        >
          <a class="skip" href="#main">Skip to content</a>
          <header>
            {/* inside the banner landmark, so that no content lies outside a landmark */}
            {shell.demo && (
              <div class="demo" role="note">
                Demo mode: example data only.{" "}
                {shell.email && <a class="tap" href="/login">Switch person</a>}
              </div>
            )}
            <div class="bar">
              <a class="brand" href={personHref("/", props.lookedUp)}>{ui.appName}</a>
              {shell.email && (
                <div class="who">
                  <span class="email">{shell.email}</span>
                  <form method="post" action="/logout">
                    <button type="submit" class="linkish tap">Sign out</button>
                  </form>
                </div>
              )}
              {shell.email && (
                <nav aria-label="Main">
                  <ul>
                    {pages.map((p) => {
                      const [label, href] = PAGE_LABELS[p]!;
                      return (
                        <li>
                          <a
                            href={personHref(href, props.lookedUp)}
                            aria-current={props.active === p ? "page" : undefined}
                          >
                            {label}
                            {p === "overview" && (
                              <>
                                {" "}
                                <AlertCount count={props.alerts ?? 0} />
                              </>
                            )}
                          </a>
                        </li>
                      );
                    })}
                    {shell.privileged && (
                      <li>
                        <a
                          href="/dashboard"
                          aria-current={props.active === "dashboard" ? "page" : undefined}
                        >
                          Dashboard
                        </a>
                      </li>
                    )}
                  </ul>
                </nav>
              )}
            </div>
          </header>
          {shell.privileged && props.active && props.active !== "dashboard" &&
            (props.active !== "faq" || props.lookedUp) && (
            <LookUp action={PAGE_LABELS[props.active]?.[1] ?? "/"} value={props.lookedUp} />
          )}
          <main id="main">{props.children}</main>
          <footer class="bar muted">
            <span>
              Questions? <a href={`mailto:${ui.contactEmail}`}>Email {ui.contactEmail}</a>
              {ui.slackLink && ui.slackLink !== "#" && (
                <>
                  {" or "}
                  <a href={ui.slackLink}>talk to us on Slack</a>
                </>
              )}
            </span>
          </footer>
        </body>
      </html>
    </>
  );
}

/** Names the sources that could not be reached, so a partial page is never mistaken for all. */
export function SourceErrors(
  props: { errors: readonly SourceError[]; labels: Record<string, string> },
): Child {
  if (props.errors.length === 0) return null;
  const names = sourceLabels(props.errors.map((e) => e.source), props.labels);
  return (
    <div class="panel banner" role="status">
      <strong>Some information may be missing.</strong> {names.join(", ")}{" "}
      did not answer in time or answered with an error; what you see comes from the other sources.
      Try again in a few minutes.
    </div>
  );
}
