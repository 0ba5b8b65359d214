/**
 * `main.ts connectivity --config FILE`, run as an operator runs it (a subprocess), against loopback
 * fakes of JAMF, bitFit, Google and the release feeds (SOFA, endoflife.date) configured with their
 * URLs.
 *
 * @module
 */
import {
  GOOGLE_ADMIN,
  GOOGLE_CLIENT_EMAIL,
  GOOGLE_SCOPES,
  startGoogleServiceAccount,
} from "../support/google.ts";
import assert from "node:assert/strict";
import { BITFIT_TOKEN, startFakeBitfit } from "../fakes/bitfit.ts";
import { JAMF_ACCOUNT, JAMF_API_CLIENT, JAMF_USER, startFakeJamf } from "../fakes/jamf.ts";
import { startFakeReleaseFeeds } from "../fakes/releases.ts";
import { formatDay } from "../../engine/releases/releases.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SECRETS = {
  STETHOSCOPE_SECRET: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
  STETHOSCOPE_JWT: "8796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function connectivity(configPath: string, ...extra: string[]): Promise<Run> {
  const out = await new Deno.Command("deno", {
    args: ["run", "-A", MAIN, "connectivity", "--config", configPath, ...extra],
    env: { ...SECRETS, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("main.ts connectivity prints one line per plugin and fails on bad JAMF credentials", async (t) => {
  const jamf = await startFakeJamf(); // Jamf Pro 11.5+: Basic refused on the Classic API
  const oldJamf = await startFakeJamf({ tokenEndpoints: false }); // before 10.35: Basic only
  const bitfit = await startFakeBitfit();
  const { google, section: googleSection } = await startGoogleServiceAccount();
  const feeds = startFakeReleaseFeeds();
  const today = formatDay(new Date(), new Date());
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-connectivity-" });
  const account = (password: string) => ({
    JAMF_API_USERNAME: JAMF_USER,
    JAMF_API_PASSWORD: password,
  });
  const writeConfig = async (
    jamfCredentials: Record<string, string>,
    hostaddr: string = jamf.hostaddr,
  ) => {
    const path = `${dir}/config.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify(
        {
          SECRET_KEY: { env: "STETHOSCOPE_SECRET" },
          JWT_SECRET_KEY: { env: "STETHOSCOPE_JWT" },
          STORE: { TYPE: "sqlite", PATH: `${dir}/stethoscope.db` },
          RELEASE_DATA: feeds.config,
          PLUGINS: {
            jamf: { ...jamfCredentials, JAMF_API_HOSTADDR: hostaddr, JAMF_TIMEOUT: 5 },
            bitfit: { BITFIT_API_TOKEN: BITFIT_TOKEN, BITFIT_BASE_URL: bitfit.baseUrl },
            google: await googleSection({ scopes: [GOOGLE_SCOPES.mobile] }),
          },
        },
        null,
        2,
      ),
    );
    return path;
  };
  try {
    await t.step("every check succeeds: one ok line per plugin, exit code 0", async () => {
      const run = await connectivity(await writeConfig(JAMF_ACCOUNT));
      assert.equal(run.stderr, "");
      assert.deepEqual(run.stdout.trimEnd().split("\n"), [
        "jamf: ok; bearer token of account api-reader from /api/v1/auth/token",
        "bitfit: ok",
        `google: ok; service account ${GOOGLE_CLIENT_EMAIL} acting for ${GOOGLE_ADMIN}`,
        `releases: ok; release data from the feeds, current to ${today} (0 days old)`,
        "4 of 4 checks succeeded",
      ]);
      assert.equal(run.code, 0);
      assert.ok(jamf.requests.some((r) => r.path === "/JSSResource/jssuser"));
      assert.equal(feeds.requests.length, 7, "two SOFA feeds and five endoflife.date products");
    });

    await t.step("a wrong JAMF password fails that line in plain words, exit code 1", async () => {
      const run = await connectivity(await writeConfig(account("not-the-password")));
      const lines = run.stdout.trimEnd().split("\n");
      assert.deepEqual(lines, [
        "jamf: FAILED: JAMF refused the account at POST /api/v1/auth/token (HTTP 401); check " +
        "JAMF_API_USERNAME and JAMF_API_PASSWORD, or configure an API client (JAMF_CLIENT_ID, " +
        "JAMF_CLIENT_SECRET)",
        "bitfit: ok",
        `google: ok; service account ${GOOGLE_CLIENT_EMAIL} acting for ${GOOGLE_ADMIN}`,
        `releases: ok; release data from the feeds, current to ${today} (0 days old)`,
        "3 of 4 checks succeeded",
      ]);
      assert.ok(!run.stdout.includes("not-the-password"), "the password is never printed");
      assert.equal(run.code, 1);
    });

    await t.step("--plugins limits the checks to the named plugins", async () => {
      const run = await connectivity(
        await writeConfig(JAMF_ACCOUNT),
        "--plugins",
        "jamf",
      );
      assert.equal(
        run.stdout,
        "jamf: ok; bearer token of account api-reader from /api/v1/auth/token\n" +
          "1 of 1 checks succeeded\n",
      );
      assert.equal(run.code, 0);
    });

    await t.step("feeds down: the release line fails and says which copy is in use", async () => {
      feeds.breakPath("/api/windows", 503);
      const run = await connectivity(
        await writeConfig(JAMF_ACCOUNT),
        "--plugins",
        "releases",
      );
      assert.equal(
        run.stdout,
        "releases: FAILED: endoflife:windows: endoflife.date: received invalid response code " +
          `(503) for ${
            new URL(feeds.url).host
          } (GET /api/windows.json); release data from the store's last copy, current to ` +
          `${today} (0 days old)\n` +
          "0 of 1 checks succeeded\n",
      );
      assert.equal(run.code, 1);
    });

    await t.step("an API client: its token, and a refusal that names its keys", async () => {
      const client = JAMF_API_CLIENT;
      const ok = await connectivity(await writeConfig(client), "--plugins", "jamf");
      assert.equal(
        ok.stdout,
        "jamf: ok; bearer token of API client from /api/oauth/token\n1 of 1 checks succeeded\n",
      );
      const wrong = { ...client, JAMF_CLIENT_SECRET: "revoked-secret-1" };
      const refused = await connectivity(await writeConfig(wrong), "--plugins", "jamf");
      assert.equal(
        refused.stdout,
        "jamf: FAILED: JAMF refused the API client at POST /api/oauth/token (HTTP 401); check " +
          "JAMF_CLIENT_ID and JAMF_CLIENT_SECRET, and that the API client is enabled in Jamf Pro\n" +
          "0 of 1 checks succeeded\n",
      );
      assert.equal(refused.code, 1);
    });

    await t.step(
      "a server older than Jamf Pro 10.35 is reached with Basic, and says so",
      async () => {
        const run = await connectivity(
          await writeConfig(JAMF_ACCOUNT, oldJamf.hostaddr),
          "--plugins",
          "jamf",
        );
        assert.equal(
          run.stdout,
          "jamf: ok; Basic authentication: the server has no /api/v1/auth/token\n" +
            "1 of 1 checks succeeded\n",
        );
      },
    );
  } finally {
    await Promise.all([
      jamf.close(),
      oldJamf.close(),
      bitfit.close(),
      google.close(),
      feeds.close(),
    ]);
    await Deno.remove(dir, { recursive: true });
  }
});
