/**
 * Files a "this wasn't me" report for the security team's queue (`/security/reports`) when a
 * person answers "no" about one of their sign-ins — on the Activity page, or to an Overview
 * question about the sign-in. The sign-in is kept as the person was shown it.
 *
 * @module
 */
import { eventAnswerKey } from "../../engine/core/answer_keys.ts";
import { reportId } from "../../engine/core/signin_reports.ts";
import { foldEmail } from "../../engine/identity/emails.ts";
import type { Ctx } from "../context.ts";
import { viewFor } from "../rendering/person_data.ts";

/**
 * Adds the report (once per person and sign-in) and logs it for the audit trail.
 *
 * @param c the request
 * @param email whose sign-in it was
 * @param signInKey the sign-in's answer key (`event:<source>:<id>`)
 * @returns `true` when a new report was filed; `false` when it was filed before, or the sign-in
 *   is no longer among the person's (logged: the answer still reaches the feedback sinks)
 * @throws what the store throws (the caller refuses the answer, so the person can try again)
 */
export async function fileReport(c: Ctx, email: string, signInKey: string): Promise<boolean> {
  const { store, now, log } = c.var.deps;
  const { events } = await viewFor(c, email, "events");
  const signIn = events.find((e) => eventAnswerKey(e) === signInKey);
  const who = foldEmail(email);
  if (signIn === undefined) {
    log.warn("a sign-in reported as not theirs is no longer in their sign-ins", {
      audit: true,
      email: who,
      signInKey,
    });
    return false;
  }
  const id = await reportId(who, signInKey);
  const filed = await store.signinReports.reportSignIn({
    id,
    email: who,
    reportedAt: now(),
    signInKey,
    signIn,
  });
  if (filed) log.info("sign-in reported as not theirs", { audit: true, email: who, report: id });
  return filed;
}
