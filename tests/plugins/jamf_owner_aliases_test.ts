// EMAIL_DOMAIN_ALIASES says alice@example.co.uk and alice@example.com are one person. The jamf
// source checks the owner of what JAMF answers itself (a Classic API user's computers can carry
// another location email, RW-05); that check must use the same rule as the engine's ownership
// guard, or the alias setting is silently ignored for JAMF: her Mac, recorded under the company's
// other domain, vanished from her page while the guard would have kept it.
import assert from "node:assert/strict";
import { parseConfig } from "../../config/load.ts";
import { silentLogger } from "../../config/log.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import { loadPlugins } from "../../plugins/registry.ts";
import { JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, startFakeJamf } from "../fakes/jamf.ts";

const BASE = {
  SECRET_KEY: "jamf-aliases-test-session-key-0123456789abcdef",
  JWT_SECRET_KEY: "jamf-aliases-test-api-token-key-fedcba9876543210",
};

/** Computer `id` of the fake with its location email set to `email`. */
function locatedAt(computer: unknown, email: string): unknown {
  const c = structuredClone(computer) as { computer: { location: Record<string, unknown> } };
  c.computer.location.email_address = email;
  return c;
}

for (const aliases of [true, false]) {
  Deno.test(`a JAMF Mac located under the other domain is the person's ${aliases ? "with" : "only with"} EMAIL_DOMAIN_ALIASES`, async () => {
    const fake = await startFakeJamf();
    const template = fake.computers.values().next().value;
    fake.computers.clear();
    fake.users.clear();
    fake.users.set("alice", [1, 2, 3]);
    fake.emails.set("alice", "alice@example.com");
    fake.computers.set(1, locatedAt(template, "Alice@Example.co.uk"));
    fake.computers.set(2, locatedAt(template, "alice@example.com"));
    fake.computers.set(3, locatedAt(template, "alice@partner.example"));
    const config = parseConfig({
      ...BASE,
      ...(aliases ? { EMAIL_DOMAIN_ALIASES: [["example.com", "example.co.uk"]] } : {}),
      PLUGINS: {
        jamf: {
          JAMF_API_HOSTADDR: fake.hostaddr,
          JAMF_CLIENT_ID,
          JAMF_CLIENT_SECRET,
        },
      },
    }, { env: () => undefined });
    const [loaded] = await loadPlugins(config, { log: silentLogger, store: {} as Store });
    try {
      const devices = await loaded!.instance.devicesByEmail!("alice@example.com", {
        signal: AbortSignal.timeout(5000),
      });
      assert.deepEqual(
        devices.map((d) => d.email),
        aliases ? ["Alice@Example.co.uk", "alice@example.com"] : ["alice@example.com"],
      );
    } finally {
      await fake.close();
    }
  });
}
