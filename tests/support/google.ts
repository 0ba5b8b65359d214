/**
 * The Google fake behind a fresh service account, and the `google` config section that signs in
 * as it: one place for the key pair, the account's names and the scopes, which the CLI, e2e tests
 * and benches all configure the same way. Changes when the `google` plugin's keys or the fake's
 * sign-in checks change.
 *
 * @module
 */
import { exportPKCS8, generateKeyPair } from "jose";
import { type GoogleFake, startGoogleFake } from "../fakes/google.ts";

/** The service account the fake accepts assertions from (`iss`). */
export const GOOGLE_CLIENT_EMAIL = "stethoscope@planet-express.iam.gserviceaccount.com";
/** The Workspace admin the assertion acts for (`sub`, `GOOGLE_API_USERNAME`). */
export const GOOGLE_ADMIN = "hermes@planetexpress.com";

/** The read-only Admin SDK scopes the plugin may ask for (Google's OAuth 2.0 scope names). */
export const GOOGLE_SCOPES = {
  chromeos: "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly",
  mobile: "https://www.googleapis.com/auth/admin.directory.device.mobile.readonly",
  audit: "https://www.googleapis.com/auth/admin.reports.audit.readonly",
  usage: "https://www.googleapis.com/auth/admin.reports.usage.readonly",
} as const;

/** All four scopes: both device lists, then the audit and usage reports (a full Google source). */
export const GOOGLE_ALL_SCOPES: readonly string[] = [
  GOOGLE_SCOPES.chromeos,
  GOOGLE_SCOPES.mobile,
  GOOGLE_SCOPES.audit,
  GOOGLE_SCOPES.usage,
];

/** What goes into a `google` section besides the account. */
export interface GoogleSectionOptions {
  /** `GOOGLE_API_SCOPES`, in order. */
  scopes: readonly string[];
  /** `TIMEOUT` in seconds; left out when absent (the plugin's default). */
  timeout?: number;
  /** `project_id` of the service-account key file; left out when absent. */
  projectId?: string;
}

/** A running Google fake and the config that reaches it. */
export interface GoogleServiceAccount {
  /** The fake; close it when done. */
  google: GoogleFake;
  /** The account's private key, PKCS#8 PEM, as a key file's `private_key` carries it. */
  privateKey: string;
  /** A `google` plugin section: the key file (PKCS#8 private key), admin, scopes and root URL. */
  section(options: GoogleSectionOptions): Promise<Record<string, unknown>>;
}

/**
 * Starts the Google fake with a fresh RS256 key pair (extractable, so its private half can be
 * written into `GOOGLE_API_SECRETS` as a key file would carry it).
 *
 * @param now the fake's clock (see `GoogleFakeOptions.now`); the fake's own clock when absent.
 */
export async function startGoogleServiceAccount(
  now?: () => Date,
): Promise<GoogleServiceAccount> {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const google = startGoogleFake({
    publicKey: keys.publicKey,
    clientEmail: GOOGLE_CLIENT_EMAIL,
    subject: GOOGLE_ADMIN,
    ...(now ? { now } : {}),
  });
  const privateKey = await exportPKCS8(keys.privateKey);
  const section = ({ scopes, timeout, projectId }: GoogleSectionOptions) =>
    Promise.resolve({
      GOOGLE_API_SECRETS: {
        type: "service_account",
        ...(projectId === undefined ? {} : { project_id: projectId }),
        client_email: GOOGLE_CLIENT_EMAIL,
        private_key: privateKey,
        token_uri: google.tokenUri,
      },
      GOOGLE_API_USERNAME: GOOGLE_ADMIN,
      GOOGLE_API_SCOPES: [...scopes],
      GOOGLE_API_ROOT_URL: google.url,
      ...(timeout === undefined ? {} : { TIMEOUT: timeout }),
    });
  return { google, privateKey, section };
}
