/**
 * `token --email E [--privileged] [--days N]`: prints a JWT the API accepts (the original's
 * `stethoscope-token`). A token carries no privilege of its own: the API asks the configuration
 * of the answering process on every request. `--privileged` checks that the email is privileged
 * in this configuration now and refuses otherwise.
 *
 * @module
 */
import { isValidEmail } from "../engine/identity/identifiers.ts";
import { isPrivileged } from "../routes/signin/privilege.ts";
import { mintToken } from "../routes/api/tokens.ts";
import type { CommandContext } from "./command.ts";

/** Prints a token; returns the exit code. */
export async function token(ctx: CommandContext): Promise<number> {
  const email = ctx.values.email;
  if (typeof email !== "string" || !isValidEmail(email)) {
    ctx.printErr("token: --email must be an email address");
    return 2;
  }
  const daysText = (ctx.values.days as string | undefined) ?? "1";
  const days = Number(daysText);
  const maxDays = Math.floor(ctx.config.JWT_MAX_LIFETIME / 86_400 * 1000) / 1000;
  if (!(days > 0 && days <= maxDays)) {
    ctx.printErr(
      `token: --days must be a number of days from 1 to ${maxDays} (JWT_MAX_LIFETIME), got "${daysText}"`,
    );
    return 2;
  }
  if (!ctx.config.JWT_SECRET_KEY) {
    ctx.printErr("token: JWT_SECRET_KEY is not set in the configuration");
    return 1;
  }
  if (ctx.config.demo) {
    ctx.printErr(
      "note: demo mode signs tokens with a key that changes every start; this token works only for a server started with the same configuration",
    );
  }
  if (ctx.values.privileged === true && !isPrivileged(ctx.config, { email })) {
    ctx.printErr(
      `token: ${email} is not in PRIVILEGED_USERS; a token is privileged only while its email is listed there, so add it (service accounts are listed like people) and run this again`,
    );
    return 1;
  }
  const jwt = await mintToken(ctx.config, { email, seconds: Math.round(days * 86_400) });
  ctx.print(jwt + "\n");
  return 0;
}
