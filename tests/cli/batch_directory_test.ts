/**
 * The batch's people from Google's user directory (issue 16), when the service account has the
 * directory scope: no emails file needed, suspended users left out.
 *
 * @module
 */
import assert from "node:assert/strict";
import { exportPKCS8, generateKeyPair } from "jose";
import { z } from "zod";
import { runBatchCommand } from "../../cli/batch.ts";
import { silentLogger } from "../../config/log.ts";
import { ConfigSchema } from "../../config/schema.ts";
import type { BatchResult } from "../../engine/core/ports.ts";
import { definePlugin } from "../../plugins/plugin.ts";
import { DIRECTORY_USER_SCOPE } from "../../plugins/sources/google/listing.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { startGoogleFake } from "../fakes/google.ts";
import { registryWith } from "../support/sources.ts";

const CLIENT_EMAIL = "stethoscope@planet-express.iam.gserviceaccount.com";
const ADMIN = "hermes@planetexpress.com";

Deno.test("batch takes its people from Google's user directory, without an emails file", async () => {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const google = startGoogleFake({
    publicKey: keys.publicKey,
    clientEmail: CLIENT_EMAIL,
    subject: ADMIN,
  });
  google.pageSize = 2;
  google.users.push(
    { primaryEmail: "fry@planetexpress.com", suspended: false },
    { primaryEmail: "leela@planetexpress.com", suspended: false },
    { primaryEmail: "zapp@planetexpress.com", suspended: true },
    { primaryEmail: "kif@planetexpress.com", archived: true },
    { primaryEmail: "amy@planetexpress.com" },
  );
  const dir = await Deno.makeTempDir();
  const people: string[] = [];
  const recorder = definePlugin(z.object({}).strict(), (_, ctx) => ({
    name: ctx.name,
    timeoutMs: ctx.timeoutMs,
    post: (r: BatchResult) => {
      people.push(r.email);
      return Promise.resolve();
    },
  }), { kinds: ["batch"], summary: "test sink" });
  const registry = registryWith({
    recorder: {
      load: () => Promise.resolve({ default: recorder }),
    },
  });
  const out: string[] = [];
  const progress: string[] = [];
  try {
    const config = {
      ...ConfigSchema.parse({
        PLUGINS: {
          google: {
            GOOGLE_API_SECRETS: {
              client_email: CLIENT_EMAIL,
              private_key: await exportPKCS8(keys.privateKey),
              token_uri: google.tokenUri,
            },
            GOOGLE_API_USERNAME: ADMIN,
            GOOGLE_API_SCOPES: [
              "https://www.googleapis.com/auth/admin.directory.device.mobile.readonly",
              DIRECTORY_USER_SCOPE,
            ],
            GOOGLE_API_ROOT_URL: google.url,
          },
          recorder: {},
        },
      }),
      demo: false,
    };
    const code = await runBatchCommand({
      config,
      values: { "per-person": true },
      positionals: ["batch"],
      log: silentLogger,
      print: (t) => void out.push(t),
      printErr: (t) => void out.push(t),
    }, {
      registry,
      store: await createSqliteStore({ path: `${dir}/b.db`, log: silentLogger }),
      isTerminal: false,
      progressMs: 3_600_000,
      writeProgress: (t) => void progress.push(t),
    });
    assert.equal(code, 0, out.join(""));
    assert.deepEqual(people.sort(), [
      "amy@planetexpress.com",
      "fry@planetexpress.com",
      "leela@planetexpress.com",
    ]);
    assert.match(out.join(""), /Listings:\n {2}google: 3 people in the directory \(3 pages\)\n/);
    assert.deepEqual(progress.filter((l) => l.includes("directory")), [
      "google: directory page 1, 2 people\n",
      "google: directory page 2, 2 people\n",
      "google: directory page 3, 3 people\n",
    ]);
  } finally {
    await google.close();
    await Deno.remove(dir, { recursive: true });
  }
});
