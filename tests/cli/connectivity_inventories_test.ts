/**
 * `main.ts connectivity` for the issue-16 sources, run as an operator runs it (a subprocess),
 * against the Intune (Microsoft Graph) and Jamf Pro fakes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { runMain, writeCliConfig } from "../support/cli.ts";
import { INTUNE_CLIENT_SECRET, intuneSettings, startIntuneFake } from "../fakes/intune.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET } from "../fakes/jamf.ts";
import { startJamfProFake } from "../fakes/jamf_pro.ts";
import { encodeHex } from "../../lib/hex.ts";

const hex = () => encodeHex(crypto.getRandomValues(new Uint8Array(32)));
/** Fresh random keys (the config refuses weak ones). */
const SECRETS = { STETHOSCOPE_SECRET: hex(), STETHOSCOPE_JWT: hex() };

Deno.test("main.ts connectivity checks intune and jamf_pro, naming what to fix", async (t) => {
  const intune = startIntuneFake();
  const jamfPro = await startJamfProFake();
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-connectivity-" });
  const run = async (intuneSecret: string) => {
    const path = await writeCliConfig(dir, {
      PLUGINS: {
        intune: intuneSettings(intune, { INTUNE_CLIENT_SECRET: intuneSecret, TIMEOUT: 5 }),
        jamf_pro: {
          JAMF_PRO_URL: jamfPro.serverUrl,
          JAMF_CLIENT_ID,
          JAMF_CLIENT_SECRET,
          TIMEOUT: 5,
        },
      },
    });
    // Only these two: the release-data line has its own test (connectivity_test.ts).
    return await runMain(
      ["connectivity", "--config", path, "--plugins", "intune,jamf_pro"],
      { ...SECRETS },
    );
  };
  try {
    await t.step("both reachable with their credentials: two ok lines", async () => {
      const out = await run(INTUNE_CLIENT_SECRET);
      assert.equal(out.stdout, "intune: ok\njamf_pro: ok\n2 of 2 checks succeeded\n");
      assert.equal(out.code, 0);
    });
    await t.step(
      "a wrong Intune secret fails its line in plain words, secret unprinted",
      async () => {
        const out = await run("not-the-secret");
        assert.equal(
          out.stdout,
          "intune: FAILED: Intune authentication failure: the token endpoint refused the client " +
            "credentials (HTTP 401, invalid_client, AADSTS7000215); wrong client secret: check " +
            "INTUNE_CLIENT_SECRET (its Value, not its Secret ID)\njamf_pro: ok\n" +
            "1 of 2 checks succeeded\n",
        );
        assert.ok(!out.stdout.includes("not-the-secret"));
        assert.equal(out.code, 1);
      },
    );
  } finally {
    await Promise.all([intune.close(), jamfPro.close()]);
    await Deno.remove(dir, { recursive: true });
  }
});
