/**
 * Rendering helpers shared by the page routes: the layout around a body, and error pages.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorNotice, ErrorPage } from "../../views/error.tsx";
import type { Html } from "../../views/html.ts";
import { layout, type Shell } from "../../views/layout.tsx";
import { type Ctx, wantsFragment } from "../context.ts";
import { sameEmail } from "../signin/privilege.ts";
import { badgeCountOf, countAtHand } from "./person_data.ts";
import { sendHtml } from "./gzip_html.ts";

/** Asset URLs, set once at start-up by the app. */
export const assetUrls = { css: "", js: "" };

/** The shell (layout inputs) for this request. */
export function shellFor(c: Ctx): Shell {
  const { config } = c.get("deps");
  const user = c.get("user");
  return {
    ui: config.UI,
    demo: config.demo,
    email: user?.email,
    privileged: user?.privileged ?? false,
    nonce: c.get("secureHeadersNonce"),
    assets: assetUrls,
    csrf: user?.csrf,
  };
}

/** How a page is framed: title, navigation entry, badge, status, whose page it is. */
export interface PageOptions {
  title: string;
  active?: string;
  alerts?: number;
  badge?: boolean | "at-hand";
  status?: ContentfulStatusCode;
  /** Whose page this is (a person page's `targetEmail`); the signed-in person by default. */
  person?: string;
}

/**
 * Renders a full page around a JSX body (the body is turned into text, then framed by
 * {@link htmlPage}). For a signed-in person the navigation badge counts the to-do items of the
 * person the page is about (`person`, the signed-in person by default; looked up once per
 * request) unless `alerts` gives the count, `badge` is false (error pages, which must not wait
 * on the sources) or `"at-hand"` (pages that need no inventory, such as the FAQ: counted from the
 * snapshot and cached alerts if there are both, else no badge — never waiting for a source). A
 * page about someone else (look-up mode, already checked by `targetEmail`) keeps its navigation
 * in that person's context.
 */
export async function page(c: Ctx, options: PageOptions, body: Child): Promise<Response> {
  return await htmlPage(c, options, await jsxText(body));
}

/** A JSX body as text, as `c.html()` turns a JSX node into text (callbacks resolved). */
export async function jsxText(body: Child): Promise<Html> {
  const text = await resolveCallback(<>{body}</>, HtmlEscapedCallbackPhase.Stringify, false, {});
  return String(text) as Html; // a String object (hono's HtmlEscapedString) as a string
}

/**
 * Renders a full page around a body that is text already (`views/html.ts`): the layout's text
 * and the body joined as one string, sent compressed in one step (gzip_html.ts). The options are
 * {@link page}'s.
 */
export async function htmlPage(c: Ctx, options: PageOptions, body: Html): Promise<Response> {
  const user = c.get("user");
  const person = options.person ?? user?.email;
  const alerts = options.alerts ??
    (!person || options.badge === false
      ? 0
      : options.badge === "at-hand"
      ? (await countAtHand(c, person)) ?? 0
      : await badgeCountOf(c, person));
  const html = layout({
    shell: shellFor(c),
    title: options.title,
    active: options.active,
    alerts,
    lookedUp: lookedUp(c, person),
  }, body);
  return sendHtml(c, html, options.status ?? 200);
}

/** The person a privileged user is looking at, when not themselves (look-up mode). */
export function lookedUp(c: Ctx, person: string | undefined): string | undefined {
  const user = c.get("user");
  return user?.privileged && person !== undefined && !sameEmail(person, user.email)
    ? person
    : undefined;
}

/**
 * Renders an error page with a plain-text message (escaped). An htmx request gets the message
 * alone (`role="alert"`, same status), since htmx swaps error answers into the element that
 * asked: a whole page must never land inside a list.
 */
export function errorPage(
  c: Ctx,
  status: ContentfulStatusCode,
  message: string,
): Response | Promise<Response> {
  if (wantsFragment(c)) return c.html(<ErrorNotice message={message} />, status);
  return page(
    c,
    { title: "Error", status, badge: false },
    <ErrorPage status={status} message={message} />,
  );
}
