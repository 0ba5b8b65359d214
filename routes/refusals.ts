/**
 * The one mapping from the refusals routes throw to what the client gets, used by `app.onError`
 * (routes/app.tsx): each refusal class's status, and a page, or JSON under `/api/`. Routes throw
 * and never catch these, so a refusal reads the same wherever it starts. Changes when a refusal
 * class is added.
 *
 * | class | from | answer |
 * | --- | --- | --- |
 * | `AuthFailure` | the API's token or session check | its status (400, 401) as `{error, status}`, `WWW-Authenticate` on 401 |
 * | `FeedbackRefused` | answering or dismissing an alert | its status (400, 404, 429, 503) as the error page, or `{error, status}` under `/api/` |
 * | `OidcRefused` | an OpenID sign-in | its status as the sign-in refused page (`refusedPage`, signin/oidc_pending.tsx) |
 * | `HTTPException` below 500 | Hono (the CSRF check, body limits) | its status and message as the error page, or `{error, status}` |
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AuthFailure } from "./api/tokens.ts";
import type { Ctx } from "./context.ts";
import { FeedbackRefused } from "./feedback.ts";
import { errorPage } from "./rendering/render.tsx";
import { refusedPage } from "./signin/oidc_pending.tsx";
import { OidcRefused } from "./signin/oidc_rules.ts";

/**
 * A refusal under `/api/` as the original API answered it: `{"error": message, "status": n}`,
 * with `WWW-Authenticate: Bearer realm="stethoscope"` on a 401.
 *
 * @param c the request
 * @param status the HTTP status (a 4xx)
 * @param message plain words, shown to the caller
 * @returns the JSON answer
 */
export function apiRefusal(c: Ctx, status: ContentfulStatusCode, message: string): Response {
  if (status === 401) c.header("WWW-Authenticate", 'Bearer realm="stethoscope"');
  return c.json({ error: message, status }, status);
}

/**
 * The answer to a refusal `error`, or `null` when `error` is not a refusal (then it is an
 * unexpected failure: logged, and a 500).
 *
 * @param c the request the route was serving
 * @param error what the route threw
 * @returns the page or JSON for the refusal, or `null`
 */
export function refusalAnswer(c: Ctx, error: unknown): Response | Promise<Response> | null {
  const api = c.req.path.startsWith("/api/");
  if (error instanceof AuthFailure) return apiRefusal(c, error.status, error.message);
  if (error instanceof FeedbackRefused) {
    return api
      ? apiRefusal(c, error.status, error.message)
      : errorPage(c, error.status, error.message);
  }
  if (error instanceof OidcRefused) return refusedPage(c, error);
  if (error instanceof HTTPException && error.status < 500) {
    const message = error.status === 403
      ? "This request came from another site and was refused."
      : error.message || "That request could not be handled.";
    return api ? apiRefusal(c, error.status, message) : errorPage(c, error.status, message);
  }
  return null;
}
