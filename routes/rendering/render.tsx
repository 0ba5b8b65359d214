/**
 * Rendering helpers shared by the page routes: the layout around a body, and error pages.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorPage } from "../../views/error.tsx";
import { Layout, type Shell } from "../../views/layout.tsx";
import type { Ctx } from "../context.ts";
import { todoOf } from "./person_data.ts";

/** Asset URLs, set once at start-up by the app. */
export const assetUrls = { css: "", js: "" };

/** The shell (layout inputs) for this request. */
export function shellFor(c: Ctx): Shell {
  const { config } = c.var.deps;
  const user = c.var.user;
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
 * Renders a full page. For a signed-in person the navigation badge counts their Overview's
 * to-do items (looked up once per request) unless `alerts` gives the count or `badge` is false
 * (error pages, which must not wait on the sources).
 */
export async function page(
  c: Ctx,
  options: {
    title: string;
    active?: string;
    alerts?: number;
    badge?: boolean;
    status?: ContentfulStatusCode;
  },
  body: Child,
): Promise<Response> {
  const user = c.var.user;
  const alerts = options.alerts ??
    (user && options.badge !== false ? (await todoOf(c, user.email)).length : 0);
  return await c.html(
    <Layout
      shell={shellFor(c)}
      title={options.title}
      {...(options.active ? { active: options.active } : {})}
      {...(alerts ? { alerts } : {})}
      lookedUp={lookedUp(c)}
    >
      {body}
    </Layout>,
    options.status ?? 200,
  );
}

/** The `?email=` a privileged person is looking at (not their own), for the look-up box. */
function lookedUp(c: Ctx): string | undefined {
  const asked = c.req.query("email");
  return c.var.user?.privileged && asked && asked !== c.var.user.email ? asked : undefined;
}

/** Renders an error page with a plain-text message (escaped). */
export function errorPage(
  c: Ctx,
  status: ContentfulStatusCode,
  message: string,
): Response | Promise<Response> {
  return page(
    c,
    { title: "Error", status, badge: false },
    <ErrorPage status={status} message={message} />,
  );
}
