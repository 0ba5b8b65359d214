import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { ConfigError } from "../../config/problems.ts";
import { createLogger } from "../../config/log.ts";
import { ownershipGuard } from "../../plugins/assemble.ts";

const BASE = {
  SECRET_KEY: "aliases-test-session-key-0123456789abcdef",
  JWT_SECRET_KEY: "aliases-test-api-token-key-fedcba9876543210",
};

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, { env: () => undefined });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("EMAIL_DOMAIN_ALIASES takes groups of two or more domains, each domain in one group", () => {
  assert.deepEqual(
    parseConfig({ ...BASE, EMAIL_DOMAIN_ALIASES: [["example.com", "example.co.uk"]] }, {
      env: () => undefined,
    }).EMAIL_DOMAIN_ALIASES,
    [["example.com", "example.co.uk"]],
  );
  assert.deepEqual(parseConfig(BASE, { env: () => undefined }).EMAIL_DOMAIN_ALIASES, []);
  assert.deepEqual(problems({ ...BASE, EMAIL_DOMAIN_ALIASES: [["example.com"]] }), [
    "EMAIL_DOMAIN_ALIASES[0]: expected at least 2 item(s)",
  ]);
  assert.deepEqual(problems({ ...BASE, EMAIL_DOMAIN_ALIASES: [["example.com", "@example.org"]] }), [
    "EMAIL_DOMAIN_ALIASES[0][1]: expected a domain name such as example.co.uk",
  ]);
  assert.deepEqual(
    problems({
      ...BASE,
      EMAIL_DOMAIN_ALIASES: [["example.com", "example.co.uk"], ["EXAMPLE.com", "example.de"]],
    }),
    ["EMAIL_DOMAIN_ALIASES: a domain appears twice; list each domain in one group only"],
  );
});

Deno.test("the configured guard treats aliased domains as one and logs a source's drops once per burst", () => {
  const lines: { level: string; msg: string; source?: string }[] = [];
  const log = createLogger({
    level: "debug",
    sink: (_l, line) => void lines.push(JSON.parse(line)),
  });
  const config = parseConfig(
    { ...BASE, EMAIL_DOMAIN_ALIASES: [["example.com", "example.co.uk"]] },
    {
      env: () => undefined,
    },
  );
  const guard = ownershipGuard(config, log);
  const answer = (email: string) => ({
    source: "jamf",
    operation: "devicesByEmail",
    records: [{ source: "jamf", name: "Mac", email }],
  });
  assert.equal(guard.keep("alice@example.com", answer("ALICE@example.co.uk")).length, 1);
  assert.equal(guard.keep("alice@example.com", answer("alice@partner.example")).length, 0);
  assert.equal(guard.keep("alice@example.com", answer("bob@example.com")).length, 0);
  assert.equal(guard.keep("alice@example.com", answer("alice@example.com")).length, 1);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.source]), [
    ["warn", "records of another owner dropped", "jamf"],
    ["debug", "records of another owner dropped again", "jamf"],
    ["info", "source answers only the person's records again", "jamf"],
  ]);
});
