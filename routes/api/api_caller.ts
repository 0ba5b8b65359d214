/**
 * Who calls the JSON API: a bearer token, else the session. Shared by the API's sub-apps (api.ts,
 * dashboard_api.ts); a refusal is answered by `app.onError` (routes/refusals.ts).
 *
 * @module
 */
import type { Ctx, User } from "../context.ts";
import { verifyAuthorization } from "./tokens.ts";

/** The caller: a bearer token, else the session. Throws AuthFailure. */
export async function caller(c: Ctx): Promise<User> {
  const header = c.req.header("Authorization");
  if (header === undefined && c.var.user) return c.var.user;
  const id = await verifyAuthorization(c.var.deps.config, header, c.var.deps.now());
  return { email: id.email, privileged: id.privileged, via: "token" };
}
