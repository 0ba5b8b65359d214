import assert from "node:assert/strict";
import { granterWarnings } from "../../cli/granter_warnings.ts";
import { ConfigSchema } from "../../config/schema.ts";

const KEYS = {
  SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef",
  JWT_SECRET_KEY: "fedcba9876543210fedcba9876543210fedcba9876543210",
};

Deno.test("check-config warns about an exemption granter who is not privileged", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        ...KEYS,
        PRIVILEGED_USERS: ["Admin@example.com"],
        PRIVILEGED_GROUPS: ["sec-team", "ciso-office"],
        EXEMPTION_GRANTERS: ["admin@example.com", "kif@example.com"],
      }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, "check-config"]
        .concat(["--config", path]),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0);
    const lines = new TextDecoder().decode(out.stdout).split("\n");
    assert.deepEqual(lines.slice(0, 2), [
      `${path}: ok`,
      // admin@example.com is in PRIVILEGED_USERS (another letter case): no warning
      "warning: EXEMPTION_GRANTERS lists kif@example.com, who is not in PRIVILEGED_USERS: make " +
      "sure kif@example.com is in one of the PRIVILEGED_GROUPS (sec-team, ciso-office) at the " +
      "sign-in provider, or they cannot grant or revoke exemptions",
    ]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("without PRIVILEGED_GROUPS a granter outside PRIVILEGED_USERS can never grant", () => {
  const config = ConfigSchema.parse({
    PRIVILEGED_USERS: ["admin@example.com"],
    EXEMPTION_GRANTERS: ["kif@example.com", "admin@example.com", "amy@example.com"],
  });
  assert.deepEqual(granterWarnings(config), [
    "warning: EXEMPTION_GRANTERS lists kif@example.com, who is not privileged (not in " +
    "PRIVILEGED_USERS, and PRIVILEGED_GROUPS is empty): they cannot grant or revoke exemptions",
    "warning: EXEMPTION_GRANTERS lists amy@example.com, who is not privileged (not in " +
    "PRIVILEGED_USERS, and PRIVILEGED_GROUPS is empty): they cannot grant or revoke exemptions",
  ]);
  assert.deepEqual(
    granterWarnings({ ...config, EXEMPTION_GRANTERS: ["ADMIN@example.com"] }),
    [],
  );
});
