/**
 * Shared set-up of the Google real-world tests: the loopback Admin SDK fake and the `google`
 * source pointed at it, on a fixed clock.
 *
 * @module
 */
import { exportPKCS8, generateKeyPair } from "jose";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import type { PluginInstance } from "../../plugins/plugin.ts";
import { createGoogleSource, schema } from "../../plugins/sources/google/mod.ts";
import { type GoogleFake, startGoogleFake } from "../fakes/google.ts";

const CLIENT_EMAIL = "stethoscope@example-project.iam.gserviceaccount.com";
const ADMIN = "admin@example.com";
const keys = await generateKeyPair("RS256", { extractable: true });
const PEM = await exportPKCS8(keys.privateKey);

/** A running fake and the source; `close()` stops the fake. */
export interface GoogleWorld {
  fake: GoogleFake;
  source: PluginInstance;
  close(): Promise<void>;
}

/** Starts the fake and the source, both on the clock `now`. */
export async function googleWorld(now: Date): Promise<GoogleWorld> {
  const clock = () => now;
  const fake = startGoogleFake({
    publicKey: keys.publicKey,
    clientEmail: CLIENT_EMAIL,
    subject: ADMIN,
    now: clock,
  });
  const config = schema.parse({
    GOOGLE_API_SECRETS: { client_email: CLIENT_EMAIL, private_key: PEM, token_uri: fake.tokenUri },
    GOOGLE_API_USERNAME: ADMIN,
    GOOGLE_API_SCOPES: ["https://www.googleapis.com/auth/admin.directory.device.mobile.readonly"],
    GOOGLE_API_ROOT_URL: fake.url,
  });
  const source = await createGoogleSource(config, {
    name: "google",
    timeoutMs: 5000,
    log: silentLogger,
    store: {} as Store,
    now: clock,
    demo: false,
  }, { backoffMs: () => 1, rateLimitBackoffMs: () => 1 });
  return { fake, source, close: () => fake.close() };
}
