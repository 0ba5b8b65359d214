/**
 * `main.ts connectivity` names what a source could not deliver (arrive or be named): a file
 * inventory whose NDJSON export has a line that is not JSON and a record that names nobody.
 *
 * @module
 */
import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const SECRETS = {
  STETHOSCOPE_SECRET: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
  STETHOSCOPE_JWT: "8796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

Deno.test("main.ts connectivity says how many records a source skipped, and why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stethoscope-connectivity-gaps-" });
  try {
    await Deno.writeTextFile(
      `${dir}/devices.ndjson`,
      [
        `{"name":"fry-laptop","email":"fry@planetexpress.com","platform":"Mac"}`,
        `{"name":"no-owner"}`,
        `{"name": broken`,
      ].join("\n") + "\n",
    );
    await Deno.writeTextFile(
      `${dir}/config.json`,
      JSON.stringify({
        SECRET_KEY: { env: "STETHOSCOPE_SECRET" },
        JWT_SECRET_KEY: { env: "STETHOSCOPE_JWT" },
        STORE: { TYPE: "sqlite", PATH: `${dir}/stethoscope.db` },
        PLUGINS: { file: { PATH: `${dir}/devices.ndjson` } },
      }),
    );
    const out = await new Deno.Command("deno", {
      args: [
        "run",
        "-A",
        MAIN,
        "connectivity",
        "--config",
        `${dir}/config.json`,
        "--plugins",
        "file",
      ],
      env: { ...SECRETS, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(
      stdout,
      "file: ok; not delivered: 1 skipped (notJson: it is not valid JSON), " +
        "1 skipped (noOwner: it names no owner we can read)\n" +
        "1 of 1 checks succeeded\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
