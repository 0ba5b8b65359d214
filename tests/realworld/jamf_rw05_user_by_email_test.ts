/**
 * RW-05 — a Jamf Cloud tenant whose user `name` is a display name ("Alice Example"): the lookup
 * by the email's local part got a 404 and the person silently had no Macs, and the same lookup
 * showed `alice@partner.example` the Mac of `alice@example.com`. Source: the 30 November 2026 case
 * file (shared cases, RW-05). Fixtures: fixtures/jamf-user-display-name.json (the recorded
 * answers) and fixtures/jamf-computer-native-firewall-off.json (computer 1).
 *
 * @module
 */
import assert from "node:assert/strict";
import { NotFoundError } from "../../engine/core/ports.ts";
import { realworldFixture } from "./fixture.ts";
import { emptyJamf } from "./jamf_support.ts";

const recorded = await realworldFixture<Record<string, { status: number; body: unknown }>>(
  "jamf-user-display-name.json",
);
const computer = await realworldFixture("jamf-computer-native-firewall-off.json");
const signal = () => new AbortController().signal;

async function tenant() {
  const setup = await emptyJamf();
  const byEmail = recorded["GET /JSSResource/users/email/alice@example.com"]!.body as {
    users: { name: string; email: string; links: { computers: { id: number }[] } }[];
  };
  for (const u of byEmail.users) {
    setup.fake.users.set(u.name, u.links.computers.map((c) => c.id));
    setup.fake.emails.set(u.name, u.email);
  }
  setup.fake.computers.set(1, computer);
  return setup;
}

Deno.test("RW-05: the person is found by the whole address, not by the display name", async () => {
  const { fake, plugin } = await tenant();
  try {
    const devices = await plugin.devicesByEmail!("alice@example.com", { signal: signal() });
    assert.deepEqual(devices.map((d) => [d.serial, d.email]), [[
      "C02TESTXXXX",
      "alice@example.com",
    ]]);
    const asked = fake.requests.map((r) => decodeURIComponent(r.url.pathname));
    assert.ok(asked.includes("/JSSResource/users/email/alice@example.com"));
    assert.ok(!asked.includes("/JSSResource/users/name/alice"));
  } finally {
    await fake.close();
  }
});

Deno.test("RW-05: the address's letter case does not matter", async () => {
  const { fake, plugin } = await tenant();
  try {
    const devices = await plugin.devicesByEmail!("Alice@Example.COM", { signal: signal() });
    assert.deepEqual(devices.map((d) => d.serial), ["C02TESTXXXX"]);
  } finally {
    await fake.close();
  }
});

Deno.test("RW-05: alice@partner.example never sees alice@example.com's Mac", async (t) => {
  await t.step("no JAMF user has her address: no devices", async () => {
    const { fake, plugin } = await tenant();
    try {
      await assert.rejects(
        plugin.devicesByEmail!("alice@partner.example", { signal: signal() }),
        NotFoundError,
      );
    } finally {
      await fake.close();
    }
  });
  await t.step("her JAMF user is linked to a Mac recorded for another owner: dropped", async () => {
    const { fake, plugin } = await tenant();
    try {
      fake.users.set("alice", [1]); // a stale link: computer 1's location says alice@example.com
      fake.emails.set("alice", "alice@partner.example");
      const devices = await plugin.devicesByEmail!("alice@partner.example", { signal: signal() });
      assert.deepEqual(devices, []);
    } finally {
      await fake.close();
    }
  });
});
