import assert from "node:assert/strict";
import { loadConfig, parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { parseJsonc } from "../../config/jsonc.ts";

const SECRET = "load-test-session-key-0123456789abcdef";
const JWT_SECRET = "load-test-api-token-key-fedcba9876543210";
const BASE = { SECRET_KEY: SECRET, JWT_SECRET_KEY: JWT_SECRET };

function problems(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(raw, { env: (n) => env[n] });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("loadConfig() without a file is demo mode with the demo plugin", async () => {
  const config = await loadConfig(undefined);
  assert.equal(config.demo, true);
  assert.deepEqual(Object.keys(config.PLUGINS), ["demo"]);
  assert.equal(config.SECRET_KEY?.length, 64);
  assert.ok(Object.isFrozen(config.UI));
});

Deno.test("loadConfig() reads a JSONC file with comments, env references and defaults", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonc" });
  try {
    await Deno.writeTextFile(
      path,
      `{
        // the original's key names
        "SECRET_KEY": {"env": "TEST_STETH_SECRET"},
        "JWT_SECRET_KEY": "${SECRET}",
        "DEFAULT_TIMEOUT": 2.5,
        "PLUGINS": { "demo": {} },
        "UI": { "appName": "Device Check", /* trailing comma below */ },
      }`,
    );
    Deno.env.set("TEST_STETH_SECRET", "from-the-environment-0123456789ab");
    const config = await loadConfig(path);
    assert.equal(config.demo, false);
    assert.equal(config.SECRET_KEY, "from-the-environment-0123456789ab");
    assert.equal(config.DEFAULT_TIMEOUT, 2.5);
    assert.equal(config.UI.appName, "Device Check");
    assert.equal(config.UI.orgName, undefined);
    assert.equal(config.JWT_ALGORITHM, "HS256");
    assert.equal(config.LOGIN_MANAGER, "none");
    assert.equal(config.ENABLE_DEBUG_ENDPOINTS, false);
    assert.deepEqual(config.STORE, { TYPE: "sqlite", PATH: "./data/stethoscope.db" });
  } finally {
    Deno.env.delete("TEST_STETH_SECRET");
    await Deno.remove(path);
  }
});

Deno.test("loadConfig() names an unreadable or malformed file", async () => {
  await assert.rejects(
    () => loadConfig("/nonexistent/stethoscope.json"),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems[0] === 'Cannot read config file "/nonexistent/stethoscope.json": no such file',
  );
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, '{\n  "PLUGINS": {\n  "demo": {}\n');
    await assert.rejects(
      () => loadConfig(path),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^Cannot read config file ".*": invalid JSON/.test(e.problems[0]!),
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("parseConfig() reports every problem with its key path", async (t) => {
  await t.step("wrong type", () => {
    assert.deepEqual(problems({ ...BASE, DEFAULT_TIMEOUT: "10" }), [
      "DEFAULT_TIMEOUT: does not match any of the accepted forms",
    ]);
    assert.deepEqual(problems({ ...BASE, PLUGINS_ENABLED: "jamf" }), [
      "PLUGINS_ENABLED: expected an array",
    ]);
  });
  await t.step("unknown key", () => {
    assert.deepEqual(problems({ ...BASE, PLUGIN: {} }), ["PLUGIN: unknown key"]);
  });
  await t.step("bad URL", () => {
    assert.deepEqual(problems({ ...BASE, PUBLIC_ORIGIN: "steth.example.com" }), [
      "PUBLIC_ORIGIN: expected a URL",
    ]);
  });
  await t.step("missing required keys outside demo mode", () => {
    assert.deepEqual(problems({}), [
      'SECRET_KEY: required; set it to at least 32 random bytes (e.g. the output of "openssl rand -hex 32"), ideally as {"env": "NAME"}',
      'JWT_SECRET_KEY: required; set it to at least 32 random bytes (e.g. the output of "openssl rand -hex 32"), ideally as {"env": "NAME"}',
    ]);
  });
  await t.step("short secret", () => {
    assert.deepEqual(problems({ ...BASE, SECRET_KEY: "hunter2" }), [
      "SECRET_KEY: too short; use at least 32 random bytes",
    ]);
  });
  await t.step("missing env reference", () => {
    assert.deepEqual(
      problems({ ...BASE, PLUGINS: { jamf: { JAMF_API_PASSWORD: { env: "JAMF_PASSWORD" } } } }),
      ['PLUGINS.jamf.JAMF_API_PASSWORD: environment variable "JAMF_PASSWORD" is not set'],
    );
  });
  await t.step("debug routes without privileged users", () => {
    assert.deepEqual(problems({ ...BASE, ENABLE_DEBUG_ENDPOINTS: true }), [
      "ENABLE_DEBUG_ENDPOINTS: debug routes need PRIVILEGED_USERS or PRIVILEGED_GROUPS to say who may use them",
    ]);
  });
  await t.step("UI and list items", () => {
    assert.deepEqual(
      problems({ ...BASE, UI: { pages: ["devices", "home"], contactEmail: "nobody" } }),
      [
        "UI.contactEmail: expected an email address",
        'UI.pages[1]: expected one of "overview", "devices", "accounts", "activity", "faq"',
      ],
    );
  });
  await t.step("practices are validated at start", () => {
    const out = problems({ ...BASE, PRACTICES: { firewall: { KEY: "firewall" } } });
    assert.ok(out.length > 0);
    assert.ok(out.every((line) => line.startsWith("PRACTICES.firewall")), out.join("\n"));
  });
});

Deno.test("parseConfig() never prints the value of a secret", () => {
  const secret = "correct-horse-battery-staple-0123456789";
  const out = problems({
    SECRET_KEY: secret,
    JWT_SECRET_KEY: 12345,
    PLUGINS: { jamf: { JAMF_API_PASSWORD: secret } },
    PUBLIC_ORIGIN: secret,
    UNKNOWN: secret,
  }).join("\n");
  assert.ok(out.length > 0);
  assert.ok(!out.includes(secret), out);
  assert.ok(!out.includes("12345"), out);
});

Deno.test("parseJsonc() keeps comment markers inside strings and reports positions", () => {
  assert.deepEqual(parseJsonc('{"u": "http://x/*y*/", // c\n "l": [1,]}'), {
    u: "http://x/*y*/",
    l: [1],
  });
  assert.throws(() => parseJsonc('{\n"a": 1\n"b": 2}'), {
    name: "SyntaxError",
    message: "invalid JSON at line 3, column 1",
  });
});

Deno.test("TRUSTED_PROXIES accepts IPv4 and IPv6 addresses and ranges, nothing else", async (t) => {
  for (
    const ok of ["10.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32", "::ffff:10.0.0.1", "0.0.0.0/0"]
  ) {
    await t.step(
      `accepts ${ok}`,
      () => assert.deepEqual(problems({ ...BASE, TRUSTED_PROXIES: [ok] }), []),
    );
  }
  for (
    const bad of [
      "10.0.0.256",
      "10.0.0.0/33",
      "::1/129",
      "example.com",
      "10.0.0.1/8/8",
      "[::1]",
      "01.2.3.4",
    ]
  ) {
    await t.step(
      `refuses ${bad}`,
      () =>
        assert.deepEqual(problems({ ...BASE, TRUSTED_PROXIES: [bad] }), [
          "TRUSTED_PROXIES[0]: expected an IP address or CIDR range",
        ]),
    );
  }
});
