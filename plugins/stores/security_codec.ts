/**
 * JSON encodings of the security team's records, shared by both stores: exemptions
 * (`engine/view/exemptions.ts`) and "this wasn't me" reports (`engine/core/signin_reports.ts`).
 * Dates are ISO-8601 in the text and `Date` again when decoded.
 *
 * @module
 */
import type { SigninReport } from "../../engine/core/signin_reports.ts";
import type { Exemption } from "../../engine/view/exemptions.ts";
import { decodeEvent } from "./codec.ts";

/** An exemption as JSON text. */
export function encodeExemption(e: Exemption): string {
  return JSON.stringify(e);
}

/** An exemption back from {@link encodeExemption}. */
export function decodeExemption(text: string): Exemption {
  const raw = JSON.parse(text) as Exemption & Record<"grantedAt" | "expiresAt", string>;
  const e: Exemption = {
    ...raw,
    grantedAt: new Date(raw.grantedAt),
    expiresAt: new Date(raw.expiresAt),
  };
  if (raw.revoked) e.revoked = { ...raw.revoked, at: new Date(raw.revoked.at) };
  return e;
}

/** A report as JSON text. */
export function encodeReport(r: SigninReport): string {
  return JSON.stringify(r);
}

/** A report back from {@link encodeReport}. */
export function decodeReport(text: string): SigninReport {
  const raw = JSON.parse(text) as SigninReport & { reportedAt: string };
  const r: SigninReport = {
    ...raw,
    reportedAt: new Date(raw.reportedAt),
    signIn: decodeEvent(JSON.stringify(raw.signIn)),
  };
  if (raw.handled) r.handled = { ...raw.handled, at: new Date(raw.handled.at) };
  return r;
}
