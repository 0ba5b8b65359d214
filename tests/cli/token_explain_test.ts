import assert from "node:assert/strict";
import { runMain } from "../support/run_main.ts";
import { verifyToken } from "../../routes/api/tokens.ts";
import { parseConfig } from "../../config/load.ts";

const SECRET = "token-explain-session-key-0123456789";
const JWT_SECRET = "token-explain-api-token-key-9876543210";

const run = runMain;

async function configFile(extra: Record<string, unknown> = {}): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      SECRET_KEY: SECRET,
      JWT_SECRET_KEY: JWT_SECRET,
      PLUGINS: { demo: {} },
      STORE: { TYPE: "sqlite", PATH: ":memory:" },
      ...extra,
    }),
  );
  return path;
}

Deno.test("token prints a JWT the API accepts; privilege comes from the configuration that verifies it", async () => {
  const path = await configFile({ PRIVILEGED_USERS: ["Ops@Example.com"] });
  try {
    const { code, out } = await run(["token", "--config", path, "--email", "fry@example.com"]);
    assert.equal(code, 0);
    const config = parseConfig(JSON.parse(await Deno.readTextFile(path)));
    const id = await verifyToken(config, out.trim(), new Date());
    assert.deepEqual(id, { email: "fry@example.com", privileged: false });
    const priv = await run([
      "token",
      "--config",
      path,
      "--email",
      "ops@example.com",
      "--privileged",
      "--days",
      "2",
    ]);
    assert.equal(priv.code, 0);
    const later = new Date(Date.now() + 47 * 3600_000);
    const id2 = await verifyToken(config, priv.out.trim(), later);
    assert.deepEqual(id2, { email: "ops@example.com", privileged: true });
    const removed = parseConfig({
      ...JSON.parse(await Deno.readTextFile(path)),
      PRIVILEGED_USERS: [],
    });
    assert.deepEqual(
      await verifyToken(removed, priv.out.trim(), later),
      { email: "ops@example.com", privileged: false },
      "removed from PRIVILEGED_USERS: the same token is no longer privileged",
    );
    await assert.rejects(() =>
      verifyToken(config, priv.out.trim(), new Date(Date.now() + 49 * 3600_000))
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("token --privileged refuses an email the configuration does not privilege", async () => {
  const path = await configFile({ PRIVILEGED_USERS: ["admin@example.com"] });
  try {
    assert.deepEqual(
      await run(["token", "--config", path, "--email", "ops@example.com", "--privileged"]),
      {
        code: 1,
        out: "",
        err:
          "token: ops@example.com is not in PRIVILEGED_USERS; a token is privileged only while its email is listed there, so add it (service accounts are listed like people) and run this again\n",
      },
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("token refuses a bad email or day count", async () => {
  const path = await configFile();
  try {
    assert.deepEqual(await run(["token", "--config", path, "--email", "nope"]), {
      code: 2,
      out: "",
      err: "token: --email must be an email address\n",
    });
    const days = await run(["token", "--config", path, "--email", "a@b.c", "--days", "0"]);
    assert.equal(days.code, 2);
    assert.equal(
      days.err,
      'token: --days must be a number of days from 1 to 90 (JWT_MAX_LIFETIME), got "0"\n',
    );
    const long = await run(["token", "--config", path, "--email", "a@b.c", "--days", "91"]);
    assert.equal(long.code, 2, "longer than the 90-day default maximum");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("explain --input says which identifier joined which records", async () => {
  const input = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      input,
      JSON.stringify([
        { source: "bitfit", name: "fry-mbp", identifiers: { serial: "DECAFBAD00" } },
        {
          source: "jamf",
          name: "fry-mbp",
          last_sync: "2026-11-26T10:00:00Z",
          identifiers: { serial: "DECAFBAD00", mac_addresses: ["F0:18:98:DE:CA:00"] },
        },
        {
          source: "network",
          last_sync: "2026-11-26T09:00:00Z",
          identifiers: { mac_addresses: ["02:00:00:00:00:00"] },
        },
      ]),
    );
    const { code, out } = await run(["explain", "--input", input]);
    assert.equal(code, 0);
    assert.match(out, /DECAFBAD00/);
    assert.match(out, /serial/);
    assert.match(out, /02:00:00:00:00:00/);
    assert.match(out, /locally administered/);
  } finally {
    await Deno.remove(input);
  }
});

Deno.test("an unknown command and --help answer on the right stream", async () => {
  const path = await configFile();
  try {
    const unknown = await run(["frobnicate", "--config", path]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, 'Unknown command "frobnicate"; see --help\n');
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: stethoscope \[COMMAND\] \[OPTIONS\]/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("explain shows terminal control sequences of device names instead of sending them", async () => {
  const input = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      input,
      JSON.stringify([
        {
          source: "jamf",
          name: "fry-mbp\u001b]0;owned\u0007\u001b[2J\r\nroot ok\u202e",
          identifiers: { serial: "DECAFBAD01" },
        },
      ]),
    );
    const { code, out } = await run(["explain", "--input", input]);
    assert.equal(code, 0);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.match(out, /fry-mbp\\x1b\]0;owned\\x07\\x1b\[2J\\x0d\\x0aroot ok\\u202e/);
  } finally {
    await Deno.remove(input);
  }
});

Deno.test("explain for an address no inventory knows, or an empty input, says so in words", async () => {
  const path = await configFile();
  const input = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const unknown = await run(["explain", "--email", "nobody@example.com", "--config", path]);
    assert.equal(unknown.code, 0);
    assert.equal(
      unknown.out,
      "Nothing to explain: no inventory has a device record for nobody@example.com.\n",
    );
    await Deno.writeTextFile(input, "[]");
    const empty = await run(["explain", "--input", input]);
    assert.equal(empty.code, 0);
    assert.equal(empty.out, `Nothing to explain: ${input} holds no device records.\n`);
  } finally {
    await Deno.remove(input);
    await Deno.remove(path);
  }
});
