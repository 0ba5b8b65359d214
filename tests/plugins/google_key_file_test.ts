/**
 * `GOOGLE_API_SECRETS` given as the path of the service-account key file Google Cloud downloads
 * (the operator's first guess, which used to read "expected an object"): the file is read at start
 * and the plugin works; a missing or non-JSON file is named in one line without the key's content.
 *
 * @module
 */
import assert from "node:assert/strict";
import { silentLogger } from "../../config/log.ts";
import { loadPlugins, PluginConfigError } from "../../plugins/registry.ts";
import { createSqliteStore } from "../../plugins/stores/sqlite.ts";
import { demoWith } from "../support/app.ts";
import {
  GOOGLE_CLIENT_EMAIL,
  GOOGLE_SCOPES,
  startGoogleServiceAccount,
} from "../support/google.ts";

Deno.test("GOOGLE_API_SECRETS may be the key file's path; a bad path is named, the key never printed", async (t) => {
  const { google, section } = await startGoogleServiceAccount();
  const store = await createSqliteStore({ path: ":memory:", log: silentLogger });
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-google-key-" });
  const base = await section({ scopes: [GOOGLE_SCOPES.mobile] });
  const load = (secrets: unknown) =>
    loadPlugins(demoWith({ PLUGINS: { google: { ...base, GOOGLE_API_SECRETS: secrets } } }), {
      log: silentLogger,
      store,
    });
  const problems = async (secrets: unknown) => {
    const error = await load(secrets).catch((e: unknown) => e);
    assert.ok(error instanceof PluginConfigError, String(error));
    return error.problems;
  };
  try {
    await t.step(
      "the path of the downloaded key file: read, and the token exchange works",
      async () => {
        const path = `${dir}/planet-express-1234.json`;
        await Deno.writeTextFile(path, JSON.stringify(base.GOOGLE_API_SECRETS, null, 2));
        const [plugin] = await load(path);
        const said = await plugin!.instance.checkConnectivity!({
          signal: AbortSignal.timeout(10_000),
        });
        assert.match(String(said), new RegExp(`service account ${GOOGLE_CLIENT_EMAIL} acting for`));
      },
    );

    await t.step("the JSON inline as a string still works", async () => {
      const [plugin] = await load(JSON.stringify(base.GOOGLE_API_SECRETS));
      assert.equal(plugin!.name, "google");
    });

    await t.step("a path that does not exist", async () => {
      assert.deepEqual(await problems(`${dir}/missing.json`), [
        `PLUGINS.google.GOOGLE_API_SECRETS: cannot read the service-account key file ` +
        `"${dir}/missing.json": no such file; give the path of the key's .json file, or the ` +
        "JSON itself",
      ]);
    });

    await t.step("a file that is not JSON, and inline text that is not JSON", async () => {
      const path = `${dir}/key.p12`;
      await Deno.writeTextFile(path, "-----BEGIN PRIVATE KEY-----\nMIIEv...\n");
      assert.deepEqual(await problems(path), [
        `PLUGINS.google.GOOGLE_API_SECRETS: the service-account key file "${path}" is not JSON`,
      ]);
      const broken = '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv';
      const lines = await problems(broken);
      assert.deepEqual(lines, [
        "PLUGINS.google.GOOGLE_API_SECRETS: expected the service-account JSON, but the text is " +
        "not valid JSON",
      ]);
    });
  } finally {
    await store.close();
    await google.close();
    await Deno.remove(dir, { recursive: true });
  }
});
