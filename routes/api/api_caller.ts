/**
 * Who calls the JSON API: a bearer token, else the session. Shared by the API's sub-apps (api.ts,
 * dashboard_api.ts, security_api.ts); a refusal is answered by `app.onError` (routes/refusals.ts).
 *
 * @module
 */
import type { Ctx, User } from "../context.ts";
import { AuthFailure, verifyAuthorization } from "./tokens.ts";

/** The caller: a bearer token, else the session. Throws AuthFailure. */
export async function caller(c: Ctx): Promise<User> {
  const header = c.req.header("Authorization");
  if (header === undefined && c.var.user) return c.var.user;
  const id = await verifyAuthorization(c.var.deps.config, header, c.var.deps.now());
  return { email: id.email, privileged: id.privileged, via: "token" };
}

/** The API's words when a caller who is not privileged asks for a privileged route. */
export const ACCESS_DENIED = "Access Denied: User is not allowed to access resource.";

/**
 * The caller of a route for privileged people only (the Dashboard's and the security team's),
 * set as the request's user so that audit lines name them.
 *
 * @throws {AuthFailure} 400/401 as {@link caller}; 403 {@link ACCESS_DENIED} when not privileged
 */
export async function privilegedCaller(c: Ctx): Promise<User> {
  const user = await caller(c);
  c.set("user", user);
  if (!user.privileged) throw new AuthFailure(403, ACCESS_DENIED);
  return user;
}
