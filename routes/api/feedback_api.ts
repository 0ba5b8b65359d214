/**
 * `POST /api/v1/feedback/:plugin` (spec §9.3): JSON `{feedback, notes, id}`, protected by the
 * double-submit token (`_csrf_token` in the body or `X-CSRF-Token`, equal to the session's), and
 * written to the same durable outbox as the HTML forms. Bodies over the app-wide limit
 * (`routes/guards/body_limit.ts`) are refused with 413 before this handler runs.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { FeedbackSchema, recordFeedback } from "../feedback.ts";
import { sameToken } from "../guards/forms.ts";

/** The feedback API sub-app. */
export const feedbackApi: Hono<AppEnv> = new Hono<AppEnv>();

feedbackApi.post("/feedback/:plugin", async (c) => {
  const user = c.var.user;
  if (!user) {
    return c.json(
      { error: "Authorization Required: No authorization provided.", status: 401 },
      401,
    );
  }
  const plugin = c.req.param("plugin");
  if (!c.var.deps.feedbackSinks.includes(plugin)) {
    return c.json({ error: "Not found", status: 404 }, 404);
  }
  let body: unknown;
  try {
    // The body is already bounded by the app-wide limit (routes/guards/body_limit.ts).
    body = JSON.parse(await c.req.text());
  } catch {
    return c.json({ error: "Expected a JSON object.", status: 400 }, 400);
  }
  const record = typeof body === "object" && body !== null ? body as Record<string, unknown> : {};
  const token = typeof record._csrf_token === "string"
    ? record._csrf_token
    : c.req.header("X-CSRF-Token");
  if (!token) return c.json({ error: "Anti-CSRF token missing.", status: 403 }, 403);
  if (!user.csrf || !sameToken(token, user.csrf)) {
    return c.json({ error: "Anti-CSRF token incorrect.", status: 403 }, 403);
  }
  const parsed = FeedbackSchema.safeParse(record);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0] ?? "body";
    return c.json({ error: `Invalid ${String(field)}.`, status: 400 }, 400);
  }
  await recordFeedback(c, user.email, parsed.data); // FeedbackRefused: routes/refusals.ts
  return c.json({ queued: true, id: parsed.data.id }, 202);
});
