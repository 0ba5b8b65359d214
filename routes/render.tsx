/**
 * Rendering helpers shared by the page routes: the layout around a body, and error pages.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorPage } from "../views/error.tsx";
import { Layout, type Shell } from "../views/layout.tsx";
import type { Ctx } from "./context.ts";

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

/** Renders a full page. */
export function page(
  c: Ctx,
  options: { title: string; active?: string; alerts?: number; status?: ContentfulStatusCode },
  body: Child,
): Response | Promise<Response> {
  return c.html(
    <Layout
      shell={shellFor(c)}
      title={options.title}
      {...(options.active ? { active: options.active } : {})}
      {...(options.alerts ? { alerts: options.alerts } : {})}
    >
      {body}
    </Layout>,
    options.status ?? 200,
  );
}

/** Renders an error page with a plain-text message (escaped). */
export function errorPage(
  c: Ctx,
  status: ContentfulStatusCode,
  message: string,
): Response | Promise<Response> {
  return page(c, { title: "Error", status }, <ErrorPage status={status} message={message} />);
}
