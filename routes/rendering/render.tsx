/**
 * Rendering helpers shared by the page routes: the layout around a body, and error pages.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorNotice, ErrorPage } from "../../views/error.tsx";
import { Layout, type Shell } from "../../views/layout.tsx";
import { type Ctx, wantsFragment } from "../context.ts";
import { sameEmail } from "../signin/privilege.ts";
import { todoAtHand, todoOf } from "./person_data.ts";
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

/**
 * Renders a full page. For a signed-in person the navigation badge counts the to-do items of the
 * person the page is about (`person`, the signed-in person by default; looked up once per
 * request) unless `alerts` gives the count, `badge` is false (error pages, which must not wait
 * on the sources) or `"at-hand"` (pages that need no inventory, such as the FAQ: counted from the
 * snapshot and cached alerts if there are both, else no badge — never waiting for a source). A
 * page about someone else (look-up mode, already checked by `targetEmail`) keeps its navigation
 * in that person's context.
 */
export async function page(
  c: Ctx,
  options: {
    title: string;
    active?: string;
    alerts?: number;
    badge?: boolean | "at-hand";
    status?: ContentfulStatusCode;
    /** Whose page this is (a person page's `targetEmail`); the signed-in person by default. */
    person?: string;
  },
  body: Child,
): Promise<Response> {
  const user = c.get("user");
  const person = options.person ?? user?.email;
  const alerts = options.alerts ??
    (!person || options.badge === false
      ? 0
      : options.badge === "at-hand"
      ? (await todoAtHand(c, person))?.count ?? 0
      : (await todoOf(c, person)).count);
  const node = (
    <Layout
      shell={shellFor(c)}
      title={options.title}
      {...(options.active ? { active: options.active } : {})}
      {...(alerts ? { alerts } : {})}
      lookedUp={lookedUp(c, person)}
    >
      {body}
    </Layout>
  );
  // as c.html() turns a JSX node into text, then compressed in one step (gzip_html.ts)
  const html = await resolveCallback(node, HtmlEscapedCallbackPhase.Stringify, false, {});
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
