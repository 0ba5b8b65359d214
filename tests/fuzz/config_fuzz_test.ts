/**
 * Property-based fuzzing of the config loader: `parseConfig()` on arbitrary JSON and arbitrary
 * environments throws nothing but `ConfigError`, never hangs, never echoes a secret from the
 * environment, and what it accepts is frozen and validated.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { parseJsonc } from "../../config/jsonc.ts";
import { anyJson, mutated, params } from "./arbitraries.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const BASE = {
  PLUGINS: {
    jamf: {
      JAMF_API_USERNAME: "reader",
      JAMF_API_PASSWORD: { env: "JAMF_PASSWORD" },
      JAMF_API_HOSTADDR: "https://jamf.example.com/JSSResource",
      TIMEOUT: 5,
    },
    bitfit: { BITFIT_API_TOKEN: { env: "BITFIT_TOKEN" }, BITFIT_BASE_URL: "https://b.example/" },
    demo: {},
  },
  PLUGINS_ENABLED: ["jamf", "bitfit", "demo"],
  DEFAULT_TIMEOUT: 10,
  SECRET_KEY: { env: "SECRET_KEY" },
  JWT_SECRET_KEY: "fedcba9876543210fedcba9876543210",
  PRIVILEGED_USERS: ["admin@example.com"],
  PUBLIC_ORIGIN: "https://steth.example.com",
  TRUSTED_HOSTS: ["steth.example.com", ".example.com"],
  TRUSTED_PROXIES: ["10.0.0.0/8", "::1"],
  LOGIN_MANAGER: "none",
  RATE_LIMITS: { LOGIN: { REQUESTS: 10, PER_SECONDS: 60 } },
  STORE: { TYPE: "sqlite", PATH: "./data/x.db" },
  UI: {
    orgName: "Planet Express",
    contactEmail: "security@example.com",
    sourceLabels: { jamf: "JAMF" },
  },
  PRACTICES_ENABLED: ["uptodate"],
};

/** Environment values are secrets: each carries a marker that must never appear in a message. */
const envArb = fc.dictionary(
  fc.oneof(fc.constantFrom("JAMF_PASSWORD", "BITFIT_TOKEN", "SECRET_KEY", "X"), fc.string()),
  fc.oneof(
    fc.string().map((s) => `s3cr3t-${s}-${"k".repeat(32)}`),
    fc.constantFrom("", "s3cr3t-short"),
  ),
);

function check(raw: unknown, env: Record<string, string>): void {
  let config;
  try {
    config = parseConfig(raw, { env: (n) => Object.hasOwn(env, n) ? env[n] : undefined });
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    assert.ok(error.problems.length > 0, "a ConfigError without problems");
    for (const p of error.problems) {
      assert.equal(typeof p, "string");
      assert.ok(!/s3cr3t-/.test(p), `a problem line shows a secret: ${p}`);
    }
    return;
  }
  assert.ok(Object.isFrozen(config));
  assert.equal(config.demo, false);
  assert.ok(new TextEncoder().encode(config.SECRET_KEY!).length >= 32);
}

Deno.test("parseConfig() throws only ConfigError on arbitrary JSON", () => {
  fc.assert(fc.property(anyJson, envArb, (raw, env) => check(raw, env)), params(400));
});

Deno.test("parseConfig() throws only ConfigError, without secrets, on a real config with random parts replaced", () => {
  const env = {
    JAMF_PASSWORD: "s3cr3t-jamf",
    BITFIT_TOKEN: "s3cr3t-bitfit",
    SECRET_KEY: SECRET + "s3cr3t-",
  };
  fc.assert(
    fc.property(
      mutated(BASE, 5),
      envArb,
      fc.boolean(),
      (raw, extra, withBase) => check(raw, withBase ? { ...env, ...extra } : extra),
    ),
    params(500),
  );
});

Deno.test("parseConfig() accepts the base config whatever the secrets hold", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (password, token) => {
      const config = parseConfig(BASE, {
        env: (n) => ({ JAMF_PASSWORD: password, BITFIT_TOKEN: token, SECRET_KEY: SECRET })[n],
      });
      assert.equal(
        (config.PLUGINS.jamf as Record<string, unknown>).JAMF_API_PASSWORD,
        password,
      );
    }),
    params(200),
  );
});

Deno.test("parseJsonc() throws only SyntaxError on arbitrary text", () => {
  const text = fc.oneof(
    fc.string({ unit: "binary" }),
    anyJson.map((v) => JSON.stringify(v, null, 2) ?? ""),
    fc.tuple(anyJson, fc.constantFrom("// c\n", "/* c */", ",", "/*", "//")).map(([v, c]) => {
      const s = JSON.stringify(v) ?? "";
      const at = Math.floor(s.length / 2);
      return s.slice(0, at) + c + s.slice(at);
    }),
  );
  fc.assert(
    fc.property(text, (t) => {
      try {
        parseJsonc(t);
      } catch (error: unknown) {
        if (!(error instanceof SyntaxError)) throw error;
      }
    }),
    params(400),
  );
});
