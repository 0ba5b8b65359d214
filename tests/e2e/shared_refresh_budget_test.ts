/**
 * Several processes, one refresh budget (issue 24): two real `main.ts serve` processes on one
 * SQLite file, Jamf a loopback fake (tests/fakes/jamf.ts, the Classic API's
 * `GET /JSSResource/users/email/{email}`, one per lookup of a person). Ten people are viewed on
 * both processes while their snapshots are stale (`FRESH_SECONDS` 0): every view is served at
 * once from the snapshot, and both processes together ask Jamf for exactly the budget's 4
 * people, not 20. Counted at the fake; the processes' `/metrics` say when both queues wait.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigSchema } from "../../config/schema.ts";
import { mintToken } from "../../routes/api/tokens.ts";
import { JAMF_ACCOUNT, startFakeJamf } from "../fakes/jamf.ts";
import { type FakeOidc, startFakeOidc } from "../fakes/oidc.ts";
import { sharedProcessConfig } from "../support/shared_processes.ts";
import { parseExposition, sampleValue } from "../support/exposition.ts";
import { type RunningServer, startServer } from "../support/server.ts";

const PEOPLE = Array.from({ length: 10 }, (_, i) => `person${i}@planetexpress.com`);
const BUDGET = 4; // Jamf lookups per hour for both processes: nothing refills during the test

function configFor(oidc: FakeOidc, jamfHost: string) {
  return {
    PLUGINS: { jamf: { ...JAMF_ACCOUNT, JAMF_API_HOSTADDR: jamfHost, JAMF_TIMEOUT: 10 } },
    ...sharedProcessConfig(oidc),
    RATE_LIMITS: {
      LOGIN: { REQUESTS: 100, PER_SECONDS: 60 },
      API: { REQUESTS: 1000, PER_SECONDS: 60 },
    },
    SNAPSHOTS: {
      FRESH_SECONDS: 0, // every snapshot is stale at once, as the morning after a batch
      REFRESH_BUDGETS: { jamf: { REQUESTS: BUDGET, PER_SECONDS: 3600, REQUESTS_PER_LOOKUP: 1 } },
    },
    RELEASE_DATA: { FETCH: false },
  };
}

/** The process's refresh queue as `/metrics` reports it. */
async function queueOf(server: RunningServer) {
  const families = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
  const value = (name: string, labels?: Record<string, string>) =>
    sampleValue(families, name, labels) ?? 0;
  return {
    length: value("stethoscope_refresh_queue_length"),
    done: value("stethoscope_refreshes_total", { outcome: "done" }),
    waits: value("stethoscope_refresh_budget_waits_total", { source: "jamf" }),
  };
}

Deno.test("two processes on one store share the refresh budget: stale views ask Jamf for the budget's people only", async () => {
  const oidc = await startFakeOidc();
  const jamf = await startFakeJamf();
  for (const email of PEOPLE) jamf.users.set(email.split("@")[0]!, []);
  const cwd = await Deno.makeTempDir({ prefix: "stethoscope-refresh-" });
  const servers: RunningServer[] = [];
  try {
    const raw = configFor(oidc, jamf.hostaddr);
    await Deno.writeTextFile(`${cwd}/config.json`, JSON.stringify(raw));
    const config = { ...ConfigSchema.parse(raw), demo: false };
    for (let i = 0; i < 2; i++) {
      servers.push(await startServer(["--config", "config.json"], { cwd }));
    }
    const lookups = () =>
      jamf.requests.filter((r) => r.path.startsWith("/JSSResource/users/email/")).length;
    const view = async (server: RunningServer, email: string) => {
      const token = await mintToken(config, { email });
      const res = await fetch(`${server.url}/api/v1/devices/merged/${email}?snapshot=true`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(await res.json(), []);
      return res.headers.get("X-Stethoscope-Collected-At");
    };

    // first views: no snapshot yet, so each asks Jamf at once (outside the budget)
    const collected = new Map<string, string | null>();
    for (const [i, email] of PEOPLE.entries()) {
      collected.set(email, await view(servers[i % 2]!, email));
    }
    assert.equal(lookups(), PEOPLE.length);

    // every person views again on both processes: served from the snapshot (the first, or one a
    // refresh saved meanwhile); had a view looked the person up, Jamf would count it below
    for (const email of PEOPLE) {
      for (const server of servers) {
        const at = Date.parse((await view(server, email))!);
        assert.ok(at >= Date.parse(collected.get(email)!), `${email} collected at ${at}`);
      }
    }
    // wait until the budget is spent and both queues wait for the next token
    let queues = await Promise.all(servers.map(queueOf));
    while (queues.some((q) => q.waits === 0) || queues[0]!.done + queues[1]!.done < BUDGET) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      queues = await Promise.all(servers.map(queueOf));
    }
    assert.equal(lookups(), PEOPLE.length + BUDGET, "Jamf was asked for the budget's people only");
    assert.equal(queues[0]!.done + queues[1]!.done, BUDGET);
    assert.equal(queues[0]!.length + queues[1]!.length, 2 * PEOPLE.length - BUDGET);
  } finally {
    for (const s of servers) await s.stop();
    await oidc.close();
    await jamf.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
