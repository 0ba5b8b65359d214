/**
 * `main.ts connectivity`, run as an operator runs it, against upstreams on loopback that fail in
 * each way an operator meets — a closed port, plain HTTP where TLS was configured, a server that
 * never answers, a refusal with the vendor's error code — and a release-feed mirror older than
 * the copy shipped with Stethoscope: every line exact, naming host:port and the cause; the old
 * mirror a warning with its date, and exit 0 when every plugin works. (DNS failures are worded by
 * the same function, tested on Deno's error in tests/lib/fetch_failure_test.ts: a lookup would
 * leave 127.0.0.1.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { startFakeReleaseFeeds } from "../fakes/releases.ts";
import { runMain, writeCliConfig } from "../support/cli.ts";

const CLIENT = { JAMF_CLIENT_ID: "stethoscope", JAMF_CLIENT_SECRET: "s3cret-client-value" };
const SHIPPED_MACOS = "2026-05-11"; // plugins/releases/shipped.json: sofa:macOS asOf

const connectivity = (path: string, ...extra: string[]) =>
  runMain(["connectivity", "--config", path, ...extra]);

/** A port nothing listens on (bound, then closed). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("connectivity names host:port and the cause of each failure, and an old feed mirror is a warning", async (t) => {
  const refused = closedPort();
  // plain HTTP where the configuration says https:
  const plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("hello"),
  );
  // accepts connections and never answers
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  // Jamf Pro answering its token endpoint with its documented error shape (httpStatus, errors[])
  const jamfDown = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      Response.json({
        httpStatus: 503,
        errors: [{ code: "SERVICE_UNAVAILABLE", description: "Jamf Pro is starting", id: "0" }],
      }, { status: 503 }),
  );
  const feeds = startFakeReleaseFeeds();
  // the mirror stopped syncing in February: older than the shipped copy (11 May)
  feeds.serve("/v1/macos_data_feed.json", {
    OSVersions: [{
      OSVersion: "Tahoe 26",
      Latest: { ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" },
      SecurityReleases: [{ ProductVersion: "26.3", ReleaseDate: "2026-02-11T00:00:00Z" }],
    }],
  });
  const silentPort = (silent.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-connectivity-causes-" });
  const path = await writeCliConfig(dir, {
    RELEASE_DATA: feeds.config,
    PLUGINS: {
      jamf: { ...CLIENT, JAMF_API_HOSTADDR: `http://127.0.0.1:${refused}/JSSResource` },
      bitfit: {
        BITFIT_API_TOKEN: "bitfit-token-value",
        BITFIT_BASE_URL: `https://127.0.0.1:${plain.addr.port}/`,
      },
      jamf_pro: {
        ...CLIENT,
        JAMF_PRO_URL: `http://127.0.0.1:${jamfDown.addr.port}`,
      },
      intune: {
        INTUNE_TENANT_ID: "contoso.onmicrosoft.com",
        INTUNE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
        INTUNE_CLIENT_SECRET: "intune-secret-value",
        LOGIN_URL: `http://127.0.0.1:${silentPort}`,
        GRAPH_URL: `http://127.0.0.1:${silentPort}/v1.0`,
        TIMEOUT: 1,
      },
    },
  });
  const days = Math.floor((Date.now() - Date.parse(SHIPPED_MACOS)) / 86_400_000);
  const release = "releases: ok; warning: sofa:macOS: the feed's newest release is dated " +
    `2026-02-11, older than ${SHIPPED_MACOS} in the file shipped with Stethoscope, which is ` +
    `kept; release data from the shipped file, current to 11 May (${days} days old; older than ` +
    "7 days)";
  try {
    await t.step("each failure on its own line with host:port and cause; exit 1", async () => {
      const run = await connectivity(path);
      assert.deepEqual(run.stdout.trimEnd().split("\n"), [
        `jamf: FAILED: cannot reach 127.0.0.1:${refused} (POST /api/oauth/token): ` +
        "connection refused",
        `bitfit: FAILED: cannot reach 127.0.0.1:${plain.addr.port} ` +
        "(GET /users?api_token=REDACTED&search=stethoscope-connectivity): TLS handshake failed " +
        "(the port answered something other than TLS: plain HTTP?)",
        "jamf_pro: FAILED: JAMF token request failed: received invalid response code " +
        `(503 SERVICE_UNAVAILABLE) for 127.0.0.1:${jamfDown.addr.port} (POST /api/oauth/token)`,
        `intune: FAILED: 127.0.0.1:${silentPort} ` +
        "(POST /contoso.onmicrosoft.com/oauth2/v2.0/token) did not answer within 1 s",
        release,
        "1 of 5 checks succeeded",
      ]);
      assert.equal(run.code, 1);
      for (const secret of ["s3cret-client-value", "bitfit-token-value", "intune-secret-value"]) {
        assert.ok(!run.stdout.includes(secret), `${secret} printed`);
      }
    });

    await t.step("an old mirror alone: the warning with its date, exit 0", async () => {
      const run = await connectivity(path, "--plugins", "releases");
      assert.equal(run.stdout, `${release}\n1 of 1 checks succeeded\n`);
      assert.equal(run.code, 0);
    });
  } finally {
    silent.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
    await Promise.all([plain.shutdown(), jamfDown.shutdown(), feeds.close()]);
    await Deno.remove(dir, { recursive: true });
  }
});
