import assert from "node:assert/strict";
import { resolveEnvRefs } from "../../config/env_refs.ts";
import { deepFreeze } from "../../config/freeze.ts";
import { pathText } from "../../config/problems.ts";

const ENV: Record<string, string> = { JAMF_PASSWORD: "s3cret", EMPTY: "" };
const env = (name: string) => ENV[name];

Deno.test("resolveEnvRefs() replaces each {env} object, in lists too, and leaves the input alone", () => {
  const input = {
    PLUGINS: { jamf: { JAMF_PASSWORD: { env: "JAMF_PASSWORD" }, TIMEOUT: 5 } },
    LIST: [{ env: "JAMF_PASSWORD" }, "plain"],
    NOT_A_REF: { env: "JAMF_PASSWORD", other: 1 },
  };
  const problems: string[] = [];
  assert.deepEqual(resolveEnvRefs(input, { env, problems }), {
    PLUGINS: { jamf: { JAMF_PASSWORD: "s3cret", TIMEOUT: 5 } },
    LIST: ["s3cret", "plain"],
    NOT_A_REF: { env: "JAMF_PASSWORD", other: 1 },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(input.PLUGINS.jamf.JAMF_PASSWORD, { env: "JAMF_PASSWORD" });
});

Deno.test("resolveEnvRefs() names the key path and the variable of every bad reference", () => {
  const problems: string[] = [];
  const out = resolveEnvRefs(
    { A: { env: "MISSING" }, B: [{ env: "EMPTY" }], C: { env: "not a name" }, D: { env: 3 } },
    { env, problems },
  );
  assert.deepEqual(out, { A: undefined, B: [undefined], C: undefined, D: undefined });
  assert.deepEqual(problems, [
    'A: environment variable "MISSING" is not set',
    'B[0]: environment variable "EMPTY" is not set',
    'C: "env" must name an environment variable',
    'D: "env" must name an environment variable',
  ]);
});

Deno.test("pathText() writes keys with dots and list items as [n]", () => {
  assert.equal(pathText([]), "(top level)");
  assert.equal(
    pathText(["PLUGINS", "jamf", "JAMF_API_HOSTADDR"]),
    "PLUGINS.jamf.JAMF_API_HOSTADDR",
  );
  assert.equal(pathText(["TRUSTED_HOSTS", 2]), "TRUSTED_HOSTS[2]");
});

Deno.test("deepFreeze() freezes nested objects and lists in place", () => {
  const c = deepFreeze({ PLUGINS: { demo: { LIST: [{ a: 1 }] } } });
  assert.equal(Object.isFrozen(c), true);
  assert.equal(Object.isFrozen(c.PLUGINS.demo), true);
  assert.equal(Object.isFrozen(c.PLUGINS.demo.LIST[0]), true);
});
